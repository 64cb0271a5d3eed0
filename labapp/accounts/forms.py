"""Sign-in and password forms: shape only; the rules are in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from labapp.accounts.models import UserRole
from labapp.core.forms import SafeForm
from labapp.i18n import LANGUAGES

ROLE_LABELS = {UserRole.ADMIN: _l("Admin"), UserRole.FACILITATOR: _l("Facilitator")}


class LoginForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(_l("Please enter your password.")), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ResetRequestForm(SafeForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email address.")), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})


class NewPasswordForm(SafeForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Please choose a password.")),
                    Length(min=10, max=200, message=_l("Passwords need 10 to 200 characters."))],
        render_kw={"autocomplete": "new-password"}, description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Please type the password again.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(NewPasswordForm):
    """An admin creates a facilitator or admin account."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give a name.")), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please give an email address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(r.value, ROLE_LABELS[r]) for r in UserRole],
                       validators=[DataRequired()])


class LanguageForm(SafeForm):
    """The language the dashboard, the account pages and this person's emails speak."""

    # Each language is named in itself, so a person who cannot read the current one still finds theirs.
    language = RadioField(_l("Language of the dashboard and your emails"),
                          choices=list(LANGUAGES.items()),
                          validators=[DataRequired(_l("Please choose a language."))])
