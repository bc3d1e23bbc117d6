"""Accounts' HTTP face: sign-in and tokens (``auth_router``), addresses (``addresses_router``)."""
