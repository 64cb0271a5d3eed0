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
from labapp.dashboard.labels import AUDIENCE_LABELS, SESSION_FORMAT_LABELS
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
        raise ValidationError(_l("The join link must start with https:// so people's details stay private."))


class SessionForm(SafeForm):
    """Create or edit a session. Times are typed in the session's own time zone."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give the session a title.")), Length(max=200)])
    summary = StringField(_l("One-line summary"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)],
                                description=_l("Plain text; a blank line starts a new paragraph."))
    starts_at = DateTimeLocalField(_l("Starts at (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Please give a start date and time."))])
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, default="America/New_York",
                           validators=[DataRequired(_l("Please choose a time zone."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=90, validators=[
        InputRequired(_l("Please give the duration in minutes.")),
        NumberRange(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES,
                    message=_l("Duration must be between 15 minutes and 8 hours."))])
    capacity = IntegerField(_l("Seats"), default=12, validators=[
        InputRequired(_l("Please give the number of seats.")),
        NumberRange(min=1, max=MAX_CAPACITY, message=_l("Seats must be between 1 and 10,000."))])
    format = RadioField(_l("Format"), choices=[(f.value, SESSION_FORMAT_LABELS[f]) for f in SessionFormat],
                        default="online",
                        validators=[DataRequired(_l("Please choose a format."))])
    language = SelectField(_l("Conversation language"), default="en",
                           choices=[(value, label) for value, label in LANGUAGE_LABELS.items()],
                           validators=[DataRequired(_l("Please choose the language the session is held in."))])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)],
                           description=_l("Needed for in-person and hybrid sessions."))
    join_url = URLField(_l("Join link"), validators=[Optional(), Length(max=500), https_only],
                        description=_l("Starts with https://. Only people with a seat see it."))
    registration_opens_at = DateTimeLocalField(_l("Registration opens (optional, local time)"), format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes (optional, local time)"),
                                                format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                                description=_l("Default: when the session starts."))
    facilitator_ids = CheckboxesField(_l("Facilitators"), coerce=int, validators=[
        DataRequired(_l("Please choose at least one facilitator."))], description=_l("Only admins see this choice."))
    reply_to = EmailField(_l("Reply-to address for emails (optional)"),
                          validators=[Optional(), Length(max=254), Email(_l("Please give a valid email address."))])
    follow_up_after_hours = IntegerField(
        _l("Automatic follow-up email: hours after the end (optional)"),
        validators=[Optional(), NumberRange(
            min=1, max=MAX_FOLLOW_UP_HOURS,
            message=_l("The follow-up goes 1 to %(hours)s hours after the end; leave it empty for none.",
                       hours=MAX_FOLLOW_UP_HOURS))],
        default=DEFAULT_FOLLOW_UP_HOURS,
        description=_l("Empty: no automatic follow-up. Otherwise the people who were checked in get a thank-you "
                       "with the commitments, next steps, their certificate link and a short feedback form, this "
                       "many hours after the end. New sessions start with 1."))


class CancelSessionForm(SafeForm):
    reason = TextAreaField(_l("A sentence for the email (optional)"), validators=[Optional(), Length(max=1000)])


class RosterActionForm(SafeForm):
    """A CSRF token and a button; the action is in the URL."""

    undo = HiddenField()


# The order a facilitator thinks in after a session: who came, who missed it, who waited, everyone.
AUDIENCE_ORDER = [MessageAudience.ATTENDED, MessageAudience.ABSENT, MessageAudience.WAITLISTED,
                  MessageAudience.CONFIRMED]


class MessageForm(SafeForm):
    audience = RadioField(_l("Send to"), choices=[(a.value, AUDIENCE_LABELS[a]) for a in AUDIENCE_ORDER],
                          default="confirmed",
                          validators=[DataRequired(_l("Please choose who gets the message."))],
                          description=_l("After the session: materials to the people who came, "
                                         "a catch-up note to those who could not."))
    subject = StringField(_l("Subject"),
                          validators=[DataRequired(_l("Please write a subject.")), Length(max=MAX_SUBJECT)])
    body = TextAreaField(_l("Message"),
                         validators=[DataRequired(_l("Please write the message.")), Length(max=MAX_BODY)],
                         description=_l("Plain text. Each person's email starts with 'Hello &lt;first name&gt;,' "
                                        "and ends with their private link."))
    step = HiddenField(default="preview")


class HoursForm(SafeForm):
    """The date range of the hours export; a GET form (it changes nothing), so no CSRF token."""

    class Meta:
        csrf = False

    starts_on = DateField(_l("First date"), validators=[InputRequired(_l("Please give the first date."))])
    ends_on = DateField(_l("Last date"), validators=[InputRequired(_l("Please give the last date."))],
                        description=_l("Both dates are included, and each session counts on its own local date."))


class EraseForm(SafeForm):
    """Admins: the address of the person to erase (looked up first, erased only after "Are you sure?")."""

    email = EmailField(_l("The person's email address"), validators=[
        DataRequired(_l("Please give the email address of the person to erase.")), Length(max=254)],
        description=_l("Any case; every session is searched."))
