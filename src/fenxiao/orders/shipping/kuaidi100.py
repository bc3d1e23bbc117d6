"""快递100 as our ``TrackingProvider``: our carrier codes to its codes, its state numbers to our
``TrackingStatus``. The HTTP client itself lives in ``integrations.kuaidi100``."""

from __future__ import annotations

from django.conf import settings

from fenxiao.integrations.kuaidi100.client import Kuaidi100Client
from fenxiao.integrations.kuaidi100.codes import State
from fenxiao.integrations.kuaidi100.types import Trace
from fenxiao.orders.shipping.tracking import TrackingEvent, TrackingStatus, carrier_get

STATE_TO_STATUS: dict[str, str] = {
    State.COLLECTED: TrackingStatus.COLLECTED,
    State.IN_TRANSIT: TrackingStatus.IN_TRANSIT,
    State.FORWARDED: TrackingStatus.IN_TRANSIT,
    State.CUSTOMS_WAITING: TrackingStatus.IN_TRANSIT,
    State.CUSTOMS: TrackingStatus.IN_TRANSIT,
    State.CUSTOMS_CLEARED: TrackingStatus.IN_TRANSIT,
    State.DELIVERING: TrackingStatus.DELIVERING,
    State.SIGNED: TrackingStatus.SIGNED,
    State.TROUBLE: TrackingStatus.PROBLEM,
    State.CUSTOMS_TROUBLE: TrackingStatus.PROBLEM,
    State.RETURN_SIGNED: TrackingStatus.RETURNED,
    State.RETURNING: TrackingStatus.RETURNED,
    State.REFUSED: TrackingStatus.RETURNED,
}


def trace_events(trace: Trace) -> list[TrackingEvent]:
    """Our events, newest first. An event without its own status word takes the parcel's state
    when it is the newest one, and "in transit" otherwise (what every carrier's middle is)."""
    events = []
    for index, e in enumerate(trace.events):
        state = e.state or (trace.state if index == 0 else State.IN_TRANSIT)
        status = STATE_TO_STATUS.get(state, TrackingStatus.IN_TRANSIT)
        if index == 0 and trace.signed and trace.state == State.SIGNED:
            status = TrackingStatus.SIGNED
        events.append(TrackingEvent(time=e.time, status=status, description=e.context, location=e.location))
    return events


class Kuaidi100TrackingProvider:
    pushes = True

    def __init__(self, client: Kuaidi100Client, *, callback_url: str, salt: str):
        self.client = client
        self.callback_url = callback_url
        self.salt = salt
        # Without a callback URL and salt nothing can be pushed to us: poll only.
        self.pushes = bool(callback_url and salt)

    @classmethod
    def from_settings(cls) -> Kuaidi100TrackingProvider:
        client = Kuaidi100Client(
            customer=settings.KUAIDI100_CUSTOMER,
            key=settings.KUAIDI100_KEY,
            base_url=settings.KUAIDI100_API_BASE,
            timeout=settings.WECHAT_HTTP_TIMEOUT,
        )
        return cls(client, callback_url=settings.KUAIDI100_CALLBACK_URL, salt=settings.KUAIDI100_SALT)

    def events(self, carrier_code: str, tracking_no: str, phone_tail: str) -> list[TrackingEvent]:
        carrier = carrier_get(carrier_code)
        return trace_events(self.client.query(company=carrier.kuaidi100_code, number=tracking_no, phone=phone_tail))

    def subscribe(self, carrier_code: str, tracking_no: str, phone_tail: str, destination: str) -> None:
        if not self.pushes:
            return
        carrier = carrier_get(carrier_code)
        self.client.subscribe(
            company=carrier.kuaidi100_code,
            number=tracking_no,
            callback_url=self.callback_url,
            salt=self.salt,
            phone=phone_tail,
            to=destination,
        )
