"""Coupons: templates an operator issues, the shopper's claimed coupons, the rules that price them,
and the checkout pricing provider that applies one."""
