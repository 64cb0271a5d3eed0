"""The receipt a browser keeps after registering: what the result page may show, for 30 minutes.

Typing an address proves nothing, so the browser that sent the form never gets the manage link
(only the inbox does). It gets a receipt instead, in its signed session cookie: which session, the
outcome, when, and for a new registration the row's id (no token, no answers). The result page and
its calendar file read the receipt; another browser, or this one after RECEIPT_LIFETIME, finds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import session

from labapp.db import db
from labapp.registrations.models import Registration
from labapp.registrations.services import Outcome, RegistrationResult

# Long enough to read the page and add the session to a calendar; short enough that a shared
# computer left open shows nothing to the next person for long.
RECEIPT_LIFETIME = timedelta(minutes=30)
_SESSION_KEY = "receipts"
# Receipts for this many sessions at most, so the cookie stays far below the browsers' 4 kB.
_MAX_RECEIPTS = 5


@dataclass(frozen=True)
class Receipt:
    """What one browser did on one session's form, and when."""

    lab_session_id: int
    outcome: Outcome
    email: str
    issued_at: datetime
    registration_id: int | None = None

    @property
    def is_repeat(self) -> bool:
        return self.outcome == Outcome.ALREADY_REGISTERED


def keep_receipt(result: RegistrationResult, *, now: datetime) -> None:
    """Remember in this browser's session what its registration did (replacing an older one for the session).

    A repeat keeps no registration id: the row belongs to whoever registered first, maybe someone else.
    """
    receipt = {"outcome": result.outcome.value, "email": result.email, "at": now.isoformat(),
               "id": result.registration_id}
    key = str(result.lab_session_id)
    kept = [(name, value) for name, value in _stored().items() if name != key and _is_fresh(value, now)]
    # The cookie's JSON sorts keys, so the newest are found by their time, not by their order.
    newest = sorted(kept, key=lambda item: item[1]["at"])[-(_MAX_RECEIPTS - 1):]
    session[_SESSION_KEY] = {**dict(newest), key: receipt}


def read_receipt(lab_session_id: int, *, now: datetime) -> Receipt | None:
    """This browser's receipt for the session, or None when it has none or it is older than RECEIPT_LIFETIME."""
    stored = _stored().get(str(lab_session_id))
    if not isinstance(stored, dict) or not _is_fresh(stored, now):
        return None
    return Receipt(
        lab_session_id=lab_session_id,
        outcome=Outcome(stored["outcome"]),
        email=stored["email"],
        issued_at=datetime.fromisoformat(stored["at"]),
        registration_id=stored["id"],
    )


def receipt_registration(receipt: Receipt) -> Registration | None:
    """The registration the receipt is about (None for a repeat, or once it was erased)."""
    if receipt.registration_id is None:
        return None
    registration = db.session.get(Registration, receipt.registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    if registration.lab_session_id != receipt.lab_session_id:
        return None
    return registration


def shows_what_was_typed(receipt: Receipt, registration: Registration) -> bool:
    """True while the row still holds what this browser typed (its owner may change it from the email)."""
    return registration.updated_at <= receipt.issued_at


def _stored() -> dict[str, Any]:
    stored = session.get(_SESSION_KEY)
    return stored if isinstance(stored, dict) else {}


def _is_fresh(stored: object, now: datetime) -> bool:
    try:
        issued_at = datetime.fromisoformat(stored["at"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return False
    return now < issued_at + RECEIPT_LIFETIME
