"""Attempts counted *before* they are evaluated, so simultaneous guesses cannot all slip under a limit.

Flask-Limiter's `deduct_when` checks a limit first and counts the request after the response: 40
wrong passwords sent at once all passed the check before the first was counted. Here each attempt
is counted with the store's own atomic increment (Redis: INCRBY in a Lua script; memory: under a
lock), the count it returns decides, and an attempt that turns out not to count (a correct password,
a refused request) is given back.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage, Storage
from werkzeug.exceptions import TooManyRequests

from labapp.extensions import limiter

# The memory store returns the count after releasing its own lock: read it under ours, so two threads
# never both see "5 of 5".
_MEMORY_LOCK = threading.Lock()


class TooManyAttempts(TooManyRequests):
    """A key has used up its attempts; `retry_after` says in how many seconds its window ends."""


@dataclass
class Attempt:
    """One counted attempt; `refund()` gives it back when it turned out not to count."""

    storage: Storage | None
    counted: list[tuple[str, int]] = field(default_factory=list)

    def refund(self) -> None:
        """Take this attempt off every counter it was added to (once)."""
        if self.storage is None:
            return
        for name, expiry in self.counted:
            decrement = getattr(self.storage, "decr", None)
            if decrement is not None:
                decrement(name)  # the memory store: never below zero
            else:
                # Redis: if the window ended in the instant since counting, the next one starts at -1,
                # one attempt more for an attacker at most once per window.
                self.storage.incr(name, expiry, amount=-1)
        self.counted = []


def _increment(storage: Storage, name: str, expiry: int) -> int:
    if isinstance(storage, MemoryStorage):
        with _MEMORY_LOCK:
            return storage.incr(name, expiry)
    return storage.incr(name, expiry)


def count_attempt(*, limit: str, keys: Sequence[str]) -> Attempt:
    """Count one attempt on every key against `limit` (e.g. "5 per minute"), or raise TooManyAttempts.

    When any key is over its limit, nothing stays counted; with RATELIMIT_ENABLED false nothing is.
    """
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return Attempt(None)
    storage = limiter.storage
    attempt = Attempt(storage)
    over, wait = False, 1.0
    for item in parse_many(limit):
        expiry = item.get_expiry()
        for key in keys:
            name = f"labapp-attempts/{item.amount}/{expiry}/{key}"
            count = _increment(storage, name, expiry)
            attempt.counted.append((name, expiry))
            if count > item.amount:
                over, wait = True, max(wait, min(storage.get_expiry(name) - time.time(), expiry))
    if over:
        attempt.refund()
        raise TooManyAttempts(retry_after=math.ceil(wait))
    return attempt
