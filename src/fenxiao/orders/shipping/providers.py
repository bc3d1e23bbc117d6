"""Which tracking provider the mall uses: ``TRACKING_PROVIDER`` is ``sandbox`` (the default) or
``kuaidi100``. Apart from ``tracking.py`` so the seam does not import its implementations."""

from __future__ import annotations

from django.conf import settings

from fenxiao.orders.shipping.kuaidi100 import Kuaidi100TrackingProvider
from fenxiao.orders.shipping.tracking import SandboxTrackingProvider, TrackingProvider


def tracking_provider() -> TrackingProvider:
    if settings.TRACKING_PROVIDER == "kuaidi100":
        return Kuaidi100TrackingProvider.from_settings()
    return SandboxTrackingProvider()
