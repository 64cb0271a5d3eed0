"""Sign-in and password forms: shape only; the rules are in services.py."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from labapp.accounts.models import UserRole
from labapp.core.forms import SafeForm


class LoginForm(SafeForm):
    email = EmailField("Email", validators=[DataRequired("Please enter your email address."), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField("Password", validators=[DataRequired("Please enter your password."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ResetRequestForm(SafeForm):
    email = EmailField("Email", validators=[DataRequired("Please enter your email address."), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})


class NewPasswordForm(SafeForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Please choose a password."),
                    Length(min=10, max=200, message="Passwords need 10 to 200 characters.")],
        render_kw={"autocomplete": "new-password"}, description="At least 10 characters.",
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired("Please type the password again."),
                    EqualTo("password", message="The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(NewPasswordForm):
    """An admin creates a facilitator or admin account."""

    name = StringField("Name", validators=[DataRequired("Please give a name."), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired("Please give an email address."), Length(max=254)])
    role = SelectField("Role", choices=[(r.value, r.value.capitalize()) for r in UserRole],
                       validators=[DataRequired()])
