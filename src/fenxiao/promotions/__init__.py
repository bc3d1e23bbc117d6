"""Promotions (DESIGN §2): coupons, seckill, group-buy (拼团) and invite campaigns, one subpackage
each, plugged into checkout through the pricing hook. What seckill and group-buy share is in
``activities``; row locks in ``locks``; the HTTP faces in ``api`` and the console in ``admin``."""
