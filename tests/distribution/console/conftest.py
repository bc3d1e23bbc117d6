"""An operator logged in to the console (Django's test client, a superuser)."""

from __future__ import annotations

import pytest
from django.test import Client

from fenxiao.accounts.models import User


@pytest.fixture
def staff(db) -> User:
    return User.objects.create(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def console(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client
