"""Commission from payment to withdrawable (DESIGN §5): the pure rules (``rules``), booking on
payment (``booking``), taking back on refunds (``refunds``) and settlement after the freeze, with
the tier upgrades it earns (``settlement``)."""
