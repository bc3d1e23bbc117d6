"""Inventory's HTTP face: the operators' stock routes (a WMS or ERP keeps stock true through them)."""
