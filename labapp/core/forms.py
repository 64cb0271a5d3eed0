"""The base for every public form: text arrives without invisible control characters."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField

# C0 and C1 controls except tab, newline and carriage return. PostgreSQL refuses NUL outright (a 500
# if it reached the database), and the others only hide text or break emails and CSV exports.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(value: Any) -> Any:
    """Remove control characters (other than tab and line breaks) from submitted text."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class SafeForm(FlaskForm):
    """FlaskForm whose text fields (StringField, TextAreaField, EmailField, ...) drop control characters."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, StringField):
                # Passed per binding: the unbound field is shared by every instance of the form class.
                options = {**options, "filters": (strip_control_characters, *unbound_field.kwargs.get("filters", ()))}
            return super().bind_field(form, unbound_field, options)
