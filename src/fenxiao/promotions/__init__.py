"""Promotions: coupons plugged into checkout through the pricing hook (DESIGN §2)."""
