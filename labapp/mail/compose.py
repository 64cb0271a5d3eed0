"""Turn an outbox row into the MIME message that goes over the wire (or into an .eml file).

Structure: multipart/alternative (text/plain + text/html carrying the same content); with a
calendar invite, multipart/mixed holding that alternative, with the
`text/calendar; method=REQUEST|CANCEL; charset=utf-8` part as its last alternative (what
calendar clients look for), plus the same calendar as an `invite.ics` attachment. Every header
value passes through `one_line()`, so a name or subject containing CR/LF can never add or change
a header; non-ASCII text is RFC 2047-encoded by the `email` package.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.charset import QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from functools import lru_cache
from typing import Any, Protocol

from labapp.mail.calendar import calendar_method

# The classic email API (what Flask-Mail builds on): several times faster than EmailMessage's
# header registry, which matters at hundreds of messages a second. CRLF line ends as SMTP wants.
WIRE = policy.compat32.clone(linesep="\r\n")
_FORBIDDEN_IN_ADDRESS = set('<>,;:"()[]\\')
_HEADER_NAME_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
# Headers the composer owns; a row's extra headers may not replace them.
RESERVED_HEADERS = {
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to", "sender", "return-path",
    "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "auto-submitted",
}
INVITE_FILENAME = "invite.ics"
# RFC 5322's recommended line length; a word longer than this stays whole on its line.
FOLD_AT = 78


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


def plain_address(address: str) -> str:
    """One bare address, its domain in IDNA (ASCII) form; InvalidAddress for anything else.

    A non-ASCII local part would need SMTPUTF8, which this composer does not send.
    """
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or any(
        ch.isspace() or not ch.isprintable() or ch in _FORBIDDEN_IN_ADDRESS for ch in address
    ):
        raise InvalidAddress(f"not an email address: {address!r}")
    if not local.isascii():
        raise InvalidAddress(f"the address needs SMTPUTF8, which is not supported: {address!r}")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidAddress(f"not an email domain: {address!r}") from error
    return f"{local}@{domain}"


def mailbox(address: str, name: str = "") -> str:
    """'Name <address>' for a header: the name on one line, quoted or RFC 2047-encoded as needed."""
    return formataddr((one_line(name), plain_address(address)), charset="utf-8")


@lru_cache(maxsize=64)
def parse_mailbox(text: str) -> tuple[str, str]:
    """(name, address) from 'Name <a@b.org>' or 'a@b.org' in configuration or a row."""
    name, address = parseaddr(one_line(text))
    if not address:
        raise InvalidAddress(f"expected one address: {text!r}")
    return one_line(name), plain_address(address)


def envelope_sender(sender: str) -> str:
    """The bare address for SMTP MAIL FROM."""
    return parse_mailbox(sender)[1]


def _header_text(value: str) -> str | Header:
    value = one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


class _FoldedHeader:
    """An ASCII header value folded at spaces, its first word always on the header's own line.

    compat32 moves a long unbreakable value (a List-Unsubscribe URL) to a continuation line,
    leaving "List-Unsubscribe: " with nothing after it, which some filters read as empty.
    """

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def __str__(self) -> str:
        return self.value

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None, **_: Any) -> str:
        """The value as the generator writes it after 'Name: ' (the Header interface compat32 calls)."""
        limit = maxlinelen or FOLD_AT
        lines: list[str] = []
        line, used = "", len(self.name) + 2
        for word in self.value.split(" "):
            if line and used + 1 + len(word) > limit:
                lines.append(line)
                line, used = "", 0
            line = f"{line} {word}" if line else word
            used += len(word) + 1
        lines.append(line)
        return (linesep + " ").join(lines)


def _extra_header(name: str, value: str) -> str | Header | _FoldedHeader:
    value = one_line(value)
    return _FoldedHeader(name, value) if value.isascii() else Header(value, "utf-8", header_name=name)


def _text_part(body: str, subtype: str) -> MIMEText:
    charset = Charset("utf-8")
    # Quoted-printable keeps the .eml files readable and passes any relay (no 8BITMIME needed).
    charset.body_encoding = QP
    # typeshed says str; the email package takes a Charset too, which is how QP is chosen.
    return MIMEText(body, subtype, charset)  # type: ignore[arg-type]


def build_email(row: OutgoingEmail, *, sender: str, now: datetime, message_id: str) -> bytes:
    """The complete message for one outbox row, dated `now`, as the bytes that go over SMTP."""
    alternative = MIMEMultipart("alternative")
    alternative.attach(_text_part(row.text_body, "plain"))
    alternative.attach(_text_part(row.html_body, "html"))
    if row.calendar_ics:
        # The meeting itself is the last alternative, as Outlook and Gmail send invites: that is
        # where they look for a request to show with its own buttons instead of a file.
        invite = _text_part(row.calendar_ics, "calendar")
        invite.set_param("method", calendar_method(row.calendar_ics).value)
        alternative.attach(invite)
        # The same calendar again as a file, for clients that only offer attachments to import.
        attachment = MIMEApplication(row.calendar_ics.encode(), "ics")
        attachment.add_header("Content-Disposition", "attachment", filename=INVITE_FILENAME)
        attachment.set_param("name", INVITE_FILENAME)
        message = MIMEMultipart("mixed")
        message.attach(alternative)
        message.attach(attachment)
    else:
        message = alternative
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # required at the top only

    message["From"] = formataddr(parse_mailbox(sender), charset="utf-8")
    message["To"] = mailbox(row.to_address, row.to_name or "")
    # typeshed types header values as str; Message also takes Header objects and folds them itself.
    message["Subject"] = _header_text(row.subject)  # type: ignore[assignment]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = one_line(message_id)
    # RFC 3834: every email here is sent by the system, so vacation responders stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    if row.reply_to:
        message["Reply-To"] = formataddr(parse_mailbox(row.reply_to), charset="utf-8")
    for name, value in (row.headers or {}).items():
        name = str(name)
        if name and set(name) <= _HEADER_NAME_CHARS and name.lower() not in RESERVED_HEADERS:
            message[name] = _extra_header(name, str(value))  # type: ignore[assignment]  # as Subject above
    return message.as_bytes(policy=WIRE)
