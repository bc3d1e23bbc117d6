"""Invite campaigns (邀请有礼): any user shares an invite code; a new user who accepts it and whose
first paid order outlives the after-sales window earns a coupon for both of them."""
