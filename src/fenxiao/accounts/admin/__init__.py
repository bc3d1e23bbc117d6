"""Accounts' console: users and addresses, and the throttled staff login form."""

from fenxiao.accounts.admin import users

__all__ = ["users"]
