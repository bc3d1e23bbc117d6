"""What the merchant configures (DESIGN §5, §7): the settings, tiers and product commission
(``settings``, every change validated and audit-logged) and the pure rules they must obey
(``rules``)."""
