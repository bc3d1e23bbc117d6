"""The promotions app's HTTP faces, all in one place: the shopper's and the operator's routers for
coupons, seckill, group-buy and invite campaigns, and the schemas only they use. The domain
subpackages below never import from here; ``fenxiao.api`` mounts these routers."""
