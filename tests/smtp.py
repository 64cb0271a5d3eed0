"""An in-process SMTP server (aiosmtpd) that keeps what it receives, parsed with the email package."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        reply = self.sink.next_reply()
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)  # type: ignore[arg-type]
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.sink.raw.append(bytes(envelope.content))
        return "250 Message accepted"


class SmtpSink:
    """Start/stop a loopback SMTP server; `messages` holds every email it accepted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []  # the bytes as they arrived, for checks on the wire format
        self.lock = threading.Lock()
        self.scripted_replies: list[str] = []
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def next_reply(self) -> str | None:
        """Replies queued with `reply_with` are used (one per recipient) before accepting again."""
        with self.lock:
            return self.scripted_replies.pop(0) if self.scripted_replies else None

    def reply_with(self, *replies: str) -> None:
        """Answer the next recipients with these SMTP replies, e.g. '451 4.3.0 Try later'."""
        with self.lock:
            self.scripted_replies.extend(replies)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose To header contains this address."""
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]
