"""Every kind of email the app sends, with its template, calendar part and audience beside it.

The values are what `outbox_messages.kind` has always held, so rows written before this enum load as members.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from labapp.mail.calendar import CalendarMethod


class Audience(StrEnum):
    """Who an email goes to, which says how erasure finds its copies."""

    REGISTRANT = "registrant"  # a person registered for a session: the row carries registration_id
    ADDRESS = "address"  # whoever reads an address that has registrations (the record link)
    USER = "user"  # a facilitator's or admin's account


@dataclass(frozen=True)
class KindInfo:
    template: str  # templates/mail/<template>.{subject.txt,txt,html}
    audience: Audience
    invite: CalendarMethod | None = None  # the calendar part it carries, if any


class EmailKind(StrEnum):
    CONFIRMED = "registration_confirmed"
    WAITLISTED = "registration_waitlisted"
    PROMOTED = "registration_promoted"
    CANCELLED = "registration_cancelled"
    MANAGE_LINK = "registration_manage_link"
    SEAT_OPEN = "registration_seat_open"
    FOLLOW_UP = "registration_follow_up"
    CERTIFICATE = "registration_certificate"
    SESSION_UPDATED = "registration_session_updated"
    SESSION_CANCELLED = "registration_session_cancelled"
    FACILITATOR_MESSAGE = "registration_facilitator_message"
    REMINDER = "reminder"
    RECORD_LINK = "record_link"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of email, not a password

    @property
    def template(self) -> str:
        """The template name under templates/mail/."""
        return KINDS[self].template

    @property
    def invite(self) -> CalendarMethod | None:
        """REQUEST (add or update the entry), CANCEL (remove it) or None (no calendar part)."""
        return KINDS[self].invite

    @property
    def audience(self) -> Audience:
        return KINDS[self].audience


KINDS: dict[EmailKind, KindInfo] = {
    EmailKind.CONFIRMED: KindInfo("registration_confirmed_to_educator", Audience.REGISTRANT, CalendarMethod.REQUEST),
    EmailKind.WAITLISTED: KindInfo("registration_waitlisted_to_educator", Audience.REGISTRANT),
    EmailKind.PROMOTED: KindInfo("registration_promoted_to_educator", Audience.REGISTRANT, CalendarMethod.REQUEST),
    EmailKind.CANCELLED: KindInfo("registration_cancelled_to_educator", Audience.REGISTRANT, CalendarMethod.CANCEL),
    EmailKind.MANAGE_LINK: KindInfo("manage_link_to_educator", Audience.REGISTRANT),
    EmailKind.SEAT_OPEN: KindInfo("seat_open_to_waitlisted_educator", Audience.REGISTRANT),
    EmailKind.FOLLOW_UP: KindInfo("follow_up_to_attendee", Audience.REGISTRANT),
    EmailKind.CERTIFICATE: KindInfo("certificate_to_educator", Audience.REGISTRANT),
    EmailKind.SESSION_UPDATED: KindInfo("session_updated_to_educator", Audience.REGISTRANT, CalendarMethod.REQUEST),
    EmailKind.SESSION_CANCELLED: KindInfo("session_cancelled_to_educator", Audience.REGISTRANT,
                                          CalendarMethod.CANCEL),
    EmailKind.FACILITATOR_MESSAGE: KindInfo("facilitator_message_to_educator", Audience.REGISTRANT),
    EmailKind.REMINDER: KindInfo("reminder_to_educator", Audience.REGISTRANT),
    EmailKind.RECORD_LINK: KindInfo("record_link_to_educator", Audience.ADDRESS),
    EmailKind.PASSWORD_RESET: KindInfo("password_reset_to_user", Audience.USER),
}


def kinds_for(audience: Audience) -> list[EmailKind]:
    """Every kind sent to this audience."""
    return [kind for kind, info in KINDS.items() if info.audience == audience]
