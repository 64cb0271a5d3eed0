"""The base for every form: text arrives without invisible control characters, only as text, and dates
stay within years a person could mean."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import DateField, DateTimeField, StringField
from wtforms.validators import ValidationError

# C0 and C1 controls except tab, newline and carriage return. PostgreSQL refuses NUL outright (a 500
# if it reached the database), and the others only hide text or break emails and CSV exports.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(value: Any) -> Any:
    """Remove control characters (other than tab and line breaks) from submitted text."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


# Far enough for any session or report, and safely inside what Python, time zones and both databases can
# represent: 9999-12-31 in New York is past datetime.max in UTC, and 0001-01-01 is before it in Tokyo.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def plausible_date(form: Any, field: Any) -> None:
    """Refuse dates outside FIRST_YEAR..LAST_YEAR with a message saying so."""
    value = field.data
    if isinstance(value, (date, datetime)) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(gettext("Please give a date between the years %(first)s and %(last)s.",
                                      first=FIRST_YEAR, last=LAST_YEAR))


class SafeForm(FlaskForm):
    """FlaskForm whose text fields (StringField, TextAreaField, EmailField, ...) drop control characters,
    whose date fields accept only plausible years, and which reads only text parts of a request."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Passed per binding: the unbound field is shared by every instance of the form class.
            if issubclass(unbound_field.field_class, StringField):
                options = {**options, "filters": (strip_control_characters, *unbound_field.kwargs.get("filters", ()))}
            if issubclass(unbound_field.field_class, (DateField, DateTimeField)):
                options = {**options, "validators": (*unbound_field.kwargs.get("validators", ()), plausible_date)}
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # No form takes uploads. A text field sent as a multipart file part would reach the validators
            # as a FileStorage (a 500 in Length); leaving files out makes it a missing field with its message.
            wrapped = super().wrap_formdata(form, formdata)
            if formdata is _Auto and wrapped is not None and request.files:
                return request.form
            return wrapped


class ConfirmForm(SafeForm):
    """A form with only a CSRF token and a button (cancel, leave waitlist, delete account, ...)."""
