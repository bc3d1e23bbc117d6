"""Sandbox WeChat (anyone logs in as anyone, payment is free) with DEBUG off is refused by a system
check unless WECHAT_SANDBOX_ALLOWED says it is a demo; while it runs, the admin and the H5 login and
payment pages say 沙箱模式 in red, so nobody mistakes it for a live shop."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from fenxiao.integrations.wechat.sandbox_guard import check_sandbox_not_in_production, refuse_unsafe_sandbox
from tests.order_support import place_order


@pytest.mark.parametrize(
    ("mode", "debug", "allowed", "refused"),
    [
        ("sandbox", False, False, True),
        ("sandbox", False, True, False),
        ("sandbox", True, False, False),
        ("live", False, False, False),
    ],
)
def test_the_check_refuses_only_an_unannounced_sandbox_with_debug_off(settings, mode, debug, allowed, refused):
    settings.WECHAT_MODE, settings.DEBUG, settings.WECHAT_SANDBOX_ALLOWED = mode, debug, allowed

    errors = check_sandbox_not_in_production()

    assert [e.id for e in errors] == (["fenxiao.E001"] if refused else [])
    if refused:
        with pytest.raises(ImproperlyConfigured, match="WECHAT_SANDBOX_ALLOWED=true"):
            refuse_unsafe_sandbox()
    else:
        refuse_unsafe_sandbox()


@pytest.mark.django_db
def test_the_admin_shows_a_red_sandbox_banner(admin_client, settings):
    page = admin_client.get("/admin/").content.decode()

    assert 'id="sandbox-banner"' in page and "沙箱模式" in page
    assert "wechat/sandbox.css" in page


@pytest.mark.django_db
def test_the_admin_has_no_banner_in_live_mode(admin_client, settings):
    settings.WECHAT_MODE = "live"

    page = admin_client.get("/admin/").content.decode()

    assert "沙箱模式" not in page


@pytest.mark.django_db
def test_the_h5_login_picker_and_payment_page_show_the_banner(settings):
    from tests.catalog_factories import SkuFactory
    from tests.factories import UserFactory
    from tests.order_support import address_for

    assert 'id="sandbox-banner"' in Client().get("/login/").content.decode()
    shopper = UserFactory()
    address_for(shopper)
    order = place_order(shopper, (SkuFactory(stock=5).id, 1))
    browser = Client()
    browser.force_login(shopper)
    assert 'id="sandbox-banner"' in browser.get(f"/orders/{order.id}/pay/").content.decode()

    settings.WECHAT_MODE = "live"
    assert "沙箱模式" not in Client().get("/login/").content.decode()


def test_celery_workers_and_beat_refuse_an_unannounced_sandbox_too(settings):
    """They run no system checks either; a worker would pay commission out through the sandbox."""
    from celery.signals import beat_init, worker_init

    from fenxiao.celery import _refuse_unsafe_sandbox

    for signal in (worker_init, beat_init):
        assert any(receiver() is _refuse_unsafe_sandbox for _, receiver in signal.receivers)
    settings.WECHAT_MODE, settings.DEBUG, settings.WECHAT_SANDBOX_ALLOWED = "sandbox", False, False
    with pytest.raises(SystemExit, match="WECHAT_SANDBOX_ALLOWED=true"):  # Celery ignores an Exception there
        _refuse_unsafe_sandbox()
    settings.WECHAT_SANDBOX_ALLOWED = True
    _refuse_unsafe_sandbox()
