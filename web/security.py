"""What keeps the pages safe: the Content-Security-Policy, CSRF tokens for the few forms that
POST (a token in the signed session, checked on every POST), a per-address rate limit, and the
loopback checks of the review page."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import abort, request, session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
LOOPBACK_NAMES = {"localhost"}


def csrf_token() -> str:
    """The token this browser's forms carry (made once per session)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Refuse (403) a form POST without this session's token."""
    expected = session.get("csrf")
    sent = request.form.get("csrf", "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected, sent):
        abort(403, description="the form has expired: reload the page and try again")


def is_loopback(host: str) -> bool:
    """Whether an address (or host name) is this machine's own."""
    name = host.strip("[]")
    if name.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def require_loopback() -> None:
    """Refuse (403) a request from another machine, or one addressed to a name that is not
    loopback (a DNS-rebinding page reaching a local server under its own name)."""
    host = request.host
    name = host[1:].split("]", 1)[0] if host.startswith("[") else host.split(":", 1)[0]
    if not is_loopback(request.remote_addr or "") or not is_loopback(name):
        abort(403, description="this page is only served to this machine")


class RateLimit:
    """At most `limit` events per address in any `seconds`: counted in memory, per process."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.seen: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self.lock:
            times = self.seen[address]
            while times and now - times[0] > self.seconds:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            if len(self.seen) > 10_000:  # forget idle addresses rather than grow without end
                for key in [k for k, v in self.seen.items() if not v]:
                    del self.seen[key]
            return True
