"""Emails asked for by typing an address, resolved by the worker: the request itself never looks it up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import delete, select

from labapp.core.addresses import email_key
from labapp.db import db, unit_of_work
from labapp.i18n import DEFAULT_LANGUAGE
from labapp.mail.language import email_language
from labapp.mail.models import MailRequest, MailRequestKind

log = logging.getLogger(__name__)

# Looks the address up and queues the email when there is someone to send it to; the same
# keyword arguments for every kind.
MailRequestHandler = Callable[..., bool]
BATCH = 50


def queue_mail_request(*, kind: MailRequestKind, email: str, now: datetime, lab_session_id: int | None = None,
                       language: str = DEFAULT_LANGUAGE) -> None:
    """Save the request for the worker (one INSERT whatever the address: nothing to learn from timing).

    `language` is the page's: an email that has no other language to follow (the record link) is written in it.
    """
    with unit_of_work():
        db.session.add(MailRequest(kind=kind, email=email[:254], lab_session_id=lab_session_id,
                                   language=email_language(language), created_at=now))


def resolve_mail_requests(*, handlers: Mapping[MailRequestKind, MailRequestHandler], now: datetime) -> int:
    """Hand every waiting request to its kind's handler, then delete it; the number of emails queued.

    Each request is its own transaction, locked with SKIP LOCKED so several workers share the work.
    A request whose handler fails is logged and dropped rather than retried forever.
    """
    queued, after = 0, 0
    while True:
        with unit_of_work():  # a short read: no transaction stays open while handlers run
            ids = list(db.session.scalars(
                select(MailRequest.id).where(MailRequest.id > after).order_by(MailRequest.id).limit(BATCH)
            ))
        if not ids:
            return queued
        after = ids[-1]  # onwards even past rows another worker holds
        for request_id in ids:
            queued += _resolve_one(request_id, handlers=handlers, now=now)


def _resolve_one(request_id: int, *, handlers: Mapping[MailRequestKind, MailRequestHandler], now: datetime) -> int:
    try:
        with unit_of_work():
            request = db.session.scalar(
                select(MailRequest).where(MailRequest.id == request_id).with_for_update(skip_locked=True)
            )
            if request is None:
                return 0  # another worker has it
            sent = handlers[MailRequestKind(request.kind)](email=request.email, lab_session_id=request.lab_session_id,
                                                          language=request.language, now=now)
            db.session.delete(request)
        return int(bool(sent))
    except Exception:  # one bad request must not stop the others
        log.exception("mail request %s failed; dropped", request_id)
        with unit_of_work():
            db.session.execute(delete(MailRequest).where(MailRequest.id == request_id))
        return 0


def withdraw_mail_requests(*, key: str) -> int:
    """Delete waiting requests for this address (erasure; caller's transaction); how many there were.

    Rows hold the address as typed and live only until the worker's next pass, so they are few:
    comparing keys here is cheaper than storing a second copy of the address.
    """
    ids = [row.id for row in db.session.scalars(select(MailRequest)) if email_key(row.email) == key]
    if ids:
        db.session.execute(delete(MailRequest).where(MailRequest.id.in_(ids)))
    return len(ids)
