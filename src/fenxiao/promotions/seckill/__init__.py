"""Seckill (秒杀): activities and their operator services, the Redis gate that turns the crowd
away before the database, buying and giving back a unit, and the checkout pricing provider."""
