"""Dashboard forms: shape only (required, lengths, choices); the rules are in the services."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from labapp.core.forms import SafeForm
from labapp.messages.models import MessageAudience
from labapp.messages.services import MAX_BODY, MAX_SUBJECT
from labapp.registrations.forms import CheckboxesField
from labapp.sessions.models import LANGUAGE_LABELS, SessionFormat
from labapp.sessions.services import (
    DEFAULT_FOLLOW_UP_HOURS,
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    MAX_FOLLOW_UP_HOURS,
    MIN_DURATION_MINUTES,
)


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """IANA zones people pick from: Area/City names (plus UTC), sorted."""
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [("UTC", "UTC"), *[(name, name.replace("_", " ")) for name in names]]


def https_only(form: SafeForm, field: URLField) -> None:
    if field.data and not field.data.strip().startswith("https://"):
        raise ValidationError("The join link must start with https:// so people's details stay private.")


class SessionForm(SafeForm):
    """Create or edit a session. Times are typed in the session's own time zone."""

    title = StringField("Title", validators=[DataRequired("Please give the session a title."), Length(max=200)])
    summary = StringField("One-line summary", validators=[Optional(), Length(max=500)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10_000)],
                                description="Plain text; a blank line starts a new paragraph.")
    starts_at = DateTimeLocalField("Starts at (local time)", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired("Please give a start date and time.")])
    timezone = SelectField("Time zone", choices=timezone_choices, default="America/New_York",
                           validators=[DataRequired("Please choose a time zone.")])
    duration_minutes = IntegerField("Duration (minutes)", default=90, validators=[
        InputRequired("Please give the duration in minutes."),
        NumberRange(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES,
                    message="Duration must be between 15 minutes and 8 hours.")])
    capacity = IntegerField("Seats", default=12, validators=[
        InputRequired("Please give the number of seats."),
        NumberRange(min=1, max=MAX_CAPACITY, message="Seats must be between 1 and 10,000.")])
    format = RadioField("Format", choices=[(f.value, f.label) for f in SessionFormat], default="online",
                        validators=[DataRequired("Please choose a format.")])
    language = SelectField(_l("Conversation language"), default="en",
                           choices=[(value, label) for value, label in LANGUAGE_LABELS.items()],
                           validators=[DataRequired(_l("Please choose the language the session is held in."))])
    location = StringField("Location", validators=[Optional(), Length(max=300)],
                           description="Needed for in-person and hybrid sessions.")
    join_url = URLField("Join link", validators=[Optional(), Length(max=500), https_only],
                        description="Starts with https://. Only people with a seat see it.")
    registration_opens_at = DateTimeLocalField("Registration opens (optional, local time)", format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()])
    registration_closes_at = DateTimeLocalField("Registration closes (optional, local time)",
                                                format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                                description="Default: when the session starts.")
    facilitator_ids = CheckboxesField("Facilitators", coerce=int, validators=[
        DataRequired("Please choose at least one facilitator.")], description="Only admins see this choice.")
    reply_to = EmailField("Reply-to address for emails (optional)",
                          validators=[Optional(), Length(max=254), Email("Please give a valid email address.")])
    follow_up_after_hours = IntegerField(
        "Automatic follow-up email: hours after the end (optional)",
        validators=[Optional(), NumberRange(
            min=1, max=MAX_FOLLOW_UP_HOURS,
            message=f"The follow-up goes 1 to {MAX_FOLLOW_UP_HOURS} hours after the end; leave it empty for none.")],
        default=DEFAULT_FOLLOW_UP_HOURS,
        description="Empty: no automatic follow-up. Otherwise the people who were checked in get a thank-you with "
                    "the commitments, next steps, their certificate link and a short feedback form, this many hours "
                    "after the end. New sessions start with 1.")


class CancelSessionForm(SafeForm):
    reason = TextAreaField("A sentence for the email (optional)", validators=[Optional(), Length(max=1000)])


class RosterActionForm(SafeForm):
    """A CSRF token and a button; the action is in the URL."""

    undo = HiddenField()


# The order a facilitator thinks in after a session: who came, who missed it, who waited, everyone.
AUDIENCE_ORDER = [MessageAudience.ATTENDED, MessageAudience.ABSENT, MessageAudience.WAITLISTED,
                  MessageAudience.CONFIRMED]


class MessageForm(SafeForm):
    audience = RadioField("Send to", choices=[(a.value, a.label) for a in AUDIENCE_ORDER], default="confirmed",
                          validators=[DataRequired("Please choose who gets the message.")],
                          description="After the session: materials to the people who came, "
                                      "a catch-up note to those who could not.")
    subject = StringField("Subject", validators=[DataRequired("Please write a subject."), Length(max=MAX_SUBJECT)])
    body = TextAreaField("Message", validators=[DataRequired("Please write the message."), Length(max=MAX_BODY)],
                         description="Plain text. Each person's email starts with 'Hello <first name>,' and "
                                     "ends with their private link.")
    step = HiddenField(default="preview")


class HoursForm(SafeForm):
    """The date range of the hours export; a GET form (it changes nothing), so no CSRF token."""

    class Meta:
        csrf = False

    starts_on = DateField("First date", validators=[InputRequired("Please give the first date.")])
    ends_on = DateField("Last date", validators=[InputRequired("Please give the last date.")],
                        description="Both dates are included, and each session counts on its own local date.")


class EraseForm(SafeForm):
    """Admins: the address of the person to erase (looked up first, erased only after "Are you sure?")."""

    email = EmailField("The person's email address", validators=[
        DataRequired("Please give the email address of the person to erase."), Length(max=254)],
        description="Any case; every session is searched.")
