"""Registration and update forms: shape only; the rules are in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from labapp.core.forms import SafeForm
from labapp.i18n import LANGUAGES
from labapp.registrations.models import FOCUS_POPULATIONS, ROLE_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DetailsForm(SafeForm):
    """Fields a person can set when registering and change later."""

    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Please enter your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    role = RadioField(
        _l("Your role"),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(_l("Please choose the role closest to yours."))],
    )
    organisation = StringField(
        _l("School or organization"),
        validators=[DataRequired(_l("Please tell us your school or organization.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    focus_populations = CheckboxesField(
        _l("Student populations you focus on (optional)"),
        choices=list(FOCUS_POPULATIONS.items()),
        validators=[Optional()],
    )
    accommodations = TextAreaField(
        _l("Accessibility or accommodation needs (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Please keep this under 1,000 characters."))],
        description=_l("Only the facilitators see this. It is erased 30 days after the session."),
    )
    hopes = TextAreaField(
        _l("What do you hope to explore? (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Please keep this under 1,000 characters."))],
        description=_l("Up to 1,000 characters. Helps the facilitator prepare."),
    )


class RegistrationForm(DetailsForm):
    """The public registration form on a session page."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "email", "inputmode": "email"},
        description=_l("We send your confirmation, calendar invite and reminders here."),
    )
    consent = BooleanField(
        _l("I agree to receive emails about this session (confirmation, changes and reminders)."),
        validators=[DataRequired(
            _l("Please agree to receive emails about this session, so we can confirm your seat."))],
    )



class ResendLinkForm(SafeForm):
    """Ask for one's manage link again."""

    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)])


class RemindersForm(SafeForm):
    """The manage page's reminders switch: `turn` is "on" or "off"."""

    turn = HiddenField(validators=[AnyOf(("on", "off"))])


class EmailLanguageForm(SafeForm):
    """The manage page's "Language for emails" choice: each language named in itself."""

    language = RadioField(
        _l("Language for emails"),
        choices=list(LANGUAGES.items()),
        validators=[DataRequired(_l("Please choose a language."))],
    )
