"""The feedback form: shape only; the rules are in services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from labapp.core.forms import SafeForm
from labapp.feedback.services import COMMITMENT_MAX_CHARS, SUGGESTION_MAX_CHARS
from labapp.registrations.forms import CheckboxesField
from labapp.registrations.models import FOCUS_POPULATIONS

SCALE_MESSAGE = _l("Please choose how useful it was, from 1 (not useful) to 5 (very useful).")


class ScaleField(RadioField):
    """A 1–5 radio scale whose every kind of wrong answer gets the same plain message."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(SCALE_MESSAGE) from error

    def pre_validate(self, form: object) -> None:
        if self.data not in {value for value, _ in self.choices or []}:
            raise ValidationError(SCALE_MESSAGE)


SCALE_CHOICES = [(1, _l("1 — Not useful")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 — Very useful"))]


class FeedbackForm(SafeForm):
    usefulness = ScaleField(
        _l("How useful was this conversation for your work?"), coerce=int, choices=SCALE_CHOICES,
        validators=[InputRequired(SCALE_MESSAGE)],
        description=_l("1 means not useful, 5 means very useful."),
    )
    commitment = TextAreaField(
        _l("What will you try in the next two weeks?"),
        validators=[DataRequired(_l("Please tell us one thing you will try.")),
                    Length(max=COMMITMENT_MAX_CHARS, message=_l("Please keep this under 1,000 characters."))],
        description=_l("Up to 1,000 characters. It appears on your professional-learning record."),
    )
    focus_populations = CheckboxesField(
        _l("For which students?"), choices=list(FOCUS_POPULATIONS.items()), validators=[Optional()],
        description=_l("We ticked the ones you chose when you registered."),
    )
    suggestion = TextAreaField(
        _l("What should we change? (optional)"),
        validators=[Optional(),
                    Length(max=SUGGESTION_MAX_CHARS, message=_l("Please keep this under 2,000 characters."))],
    )
