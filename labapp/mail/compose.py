"""Turn an outbox row into the MIME message that goes over the wire (or into an .eml file).

Structure: multipart/alternative (text/plain + text/html carrying the same content); with a
calendar invite, multipart/mixed holding that alternative plus a
`text/calendar; method=REQUEST|CANCEL; charset=utf-8` part, which is what calendar clients
look for. Every header value passes through `one_line()`, so a name or subject containing
CR/LF can never add or change a header; non-ASCII text is RFC 2047-encoded by the `email` package.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import make_msgid, parseaddr
from typing import Any, Protocol

from labapp.mail.calendar import calendar_method

# 7bit transfer encodings (quoted-printable/base64 for non-ASCII) pass through any relay,
# including ones without 8BITMIME; CRLF line ends as SMTP wants.
WIRE = policy.SMTP.clone(cte_type="7bit")
# Only for recipients whose address itself is non-ASCII: sent with the SMTPUTF8 extension.
WIRE_UTF8 = policy.SMTPUTF8.clone(cte_type="7bit")

_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,60}$")
# Headers the composer owns; a row's extra headers may not replace them.
RESERVED_HEADERS = {
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to", "sender", "return-path",
    "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
}


class OutgoingEmail(Protocol):
    """What the composer reads from an outbox row (an OutboxMessage or a selected row)."""

    id: int
    to_address: str
    to_name: str
    subject: str
    text_body: str
    html_body: str
    calendar_ics: str | None
    reply_to: str | None
    headers: dict[str, Any] | None
    message_id: str | None


class InvalidAddress(ValueError):
    """A recipient, sender or reply-to address that cannot be put in a header."""


def one_line(text: str) -> str:
    """Collapse every run of whitespace (CR and LF included) to one space and drop control characters."""
    return " ".join("".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text).split())


def new_message_id(domain: str) -> str:
    """A globally unique Message-ID on the site's domain, e.g. <1764...@labs.example.org>."""
    return make_msgid(domain=domain)


def mailbox(address: str, name: str = "") -> Address:
    """A header-safe mailbox; raises InvalidAddress for anything that is not one plain address."""
    address = address.strip()
    if not address or any(ch.isspace() or not ch.isprintable() for ch in address):
        raise InvalidAddress(f"not an email address: {address!r}")
    try:
        return Address(display_name=one_line(name), addr_spec=address)
    except (ValueError, IndexError) as error:
        raise InvalidAddress(f"not an email address: {address!r}") from error


def parse_mailbox(text: str) -> Address:
    """'Name <a@b.org>' or 'a@b.org' from configuration or a row, as a header-safe mailbox."""
    name, address = parseaddr(one_line(text))
    if not address:
        raise InvalidAddress(f"expected one address: {text!r}")
    return mailbox(address, name)


def is_international(address: str) -> bool:
    """True when the address needs SMTPUTF8 (a non-ASCII local part or domain)."""
    return not address.isascii()


def build_email(row: OutgoingEmail, *, sender: str, now: datetime, message_id: str) -> EmailMessage:
    """The complete message for one outbox row, dated `now`."""
    recipient = mailbox(row.to_address, row.to_name or "")
    message = EmailMessage(policy=WIRE_UTF8 if is_international(row.to_address) else WIRE)
    message["From"] = parse_mailbox(sender)
    message["To"] = recipient
    message["Subject"] = one_line(row.subject)
    message["Date"] = now
    message["Message-ID"] = message_id
    if row.reply_to:
        message["Reply-To"] = parse_mailbox(row.reply_to)
    for name, value in (row.headers or {}).items():
        if _HEADER_NAME.match(str(name)) and str(name).lower() not in RESERVED_HEADERS:
            message[str(name)] = one_line(str(value))

    message.set_content(row.text_body)
    html = MIMEPart(policy=message.policy)
    html.set_content(row.html_body, subtype="html")
    message.make_alternative()
    message.attach(html)
    if row.calendar_ics:
        invite = MIMEPart(policy=message.policy)
        invite.set_content(
            row.calendar_ics,
            subtype="calendar",
            params={"method": calendar_method(row.calendar_ics).value},
            disposition="attachment",
            filename="invite.ics",
        )
        message.make_mixed()
        message.attach(invite)
    return message


def envelope_sender(sender: str) -> str:
    """The bare address for SMTP MAIL FROM."""
    return parse_mailbox(sender).addr_spec
