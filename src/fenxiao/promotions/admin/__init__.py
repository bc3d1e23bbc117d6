"""The promotions app's Django admin, all in one place: coupons, seckill, group-buy and invite
campaigns. Each module registers its own models; importing them here is what Django's admin
autodiscovery (which imports ``fenxiao.promotions.admin``) needs. The shared activity console
(form, save through the service, pause/resume actions) is ``activities``."""

from fenxiao.promotions.admin import coupons, group_buy, invites, seckill

__all__ = ["coupons", "group_buy", "invites", "seckill"]
