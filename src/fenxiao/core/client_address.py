"""The address of the person at the other end, for throttles and logs.

``REMOTE_ADDR`` is whoever opened the TCP connection: behind nginx that is nginx, for everyone, so
a throttle keyed by it would let five wrong passwords from anyone lock every operator out. The
proxy tells us the real client in ``X-Forwarded-For``, but so can the client itself: each hop
appends the address it received the request from, so only entries appended by a proxy we run are
true. Hence the rule: with ``TRUSTED_PROXIES`` empty (the default) the client is ``REMOTE_ADDR``
and the header is ignored; when ``REMOTE_ADDR`` is a trusted proxy, walk the header from the right,
skipping trusted proxies, and the first address that is not one is the client. Gunicorn's
``forwarded_allow_ips`` does not help here: it trusts the proxy for the scheme, never rewrites
``REMOTE_ADDR``."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reaching a dual-stack socket shows up as ::ffff:a.b.c.d; it is still that client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as text (``REMOTE_ADDR`` verbatim when it is not an address at all,
    which only a test client or a misconfigured server sends)."""
    meta, networks = request.META, trusted_networks()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "") if networks else ""  # ignored without trusted proxies
    return _client_ip(meta.get("REMOTE_ADDR", ""), forwarded, networks)


@lru_cache(maxsize=4096)
def _client_ip(remote_text: str, forwarded: str, networks: tuple[Network, ...]) -> str:
    """Every request asks this (the client context), and parsing addresses with ``ipaddress``
    cost about a tenth of a no-op API request: a process sees the same few proxies and clients
    again and again, so each combination is worked out once."""
    remote = _parse(remote_text)
    if remote is None:
        return remote_text
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    for entry in reversed(forwarded.split(",")):
        hop = _parse(entry)
        if hop is None:
            # Our proxies only ever append addresses, so this was written by someone else: stop at
            # the last hop we trust rather than believe it.
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)
