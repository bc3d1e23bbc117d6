"""The promotions app's models, one module per idea: coupons, seckill, group-buy. Every model
class (and its choices) is imported here, where Django and the rest of the code find them; the
app label stays ``promotions`` and the tables keep their names."""

from fenxiao.promotions.models.coupons import (
    CouponKind,
    CouponScope,
    CouponTemplate,
    TemplateStatus,
    UserCoupon,
    UserCouponStatus,
)
from fenxiao.promotions.models.group_buy import (
    GroupBuyActivity,
    GroupBuyGroup,
    GroupBuyMember,
    GroupBuyStatus,
    GroupMemberStatus,
    GroupStatus,
)
from fenxiao.promotions.models.seckill import (
    SeckillActivity,
    SeckillPurchase,
    SeckillPurchaseStatus,
    SeckillStatus,
)

__all__ = [
    "CouponKind",
    "CouponScope",
    "CouponTemplate",
    "GroupBuyActivity",
    "GroupBuyGroup",
    "GroupBuyMember",
    "GroupBuyStatus",
    "GroupMemberStatus",
    "GroupStatus",
    "SeckillActivity",
    "SeckillPurchase",
    "SeckillPurchaseStatus",
    "SeckillStatus",
    "TemplateStatus",
    "UserCoupon",
    "UserCouponStatus",
]
