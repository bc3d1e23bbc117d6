"""What seckill and group-buy activities share: the rules every activity obeys (a name, an
existing SKU, a promotional price no higher than its sale price, a time window with time zones,
a commission choice), the create / update / pause / resume steps around those rules, the state a
shopper is shown, and the shape of the checkout discount they grant. ``seckill`` and
``group_buy`` add only what is theirs (a quota and the Redis gate; group size and seats)."""
