"""Protocol forms: shape only; the rules are in services.py, agendas.py and prework.py."""

from __future__ import annotations

from wtforms import BooleanField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from labapp.core.forms import SafeForm
from labapp.protocol.services import MAX_COMPONENT_MINUTES, MAX_NOTES_LENGTH

AGENDA_ROWS = 10


def lines(text: str | None) -> list[str]:
    """A textarea with one item per line, as a list."""
    return [line for line in (text or "").splitlines() if line.strip()]


class ComponentForm(SafeForm):
    """The admin editor for one protocol component."""

    title = StringField("Title", validators=[DataRequired("Please give the component a title."), Length(max=200)])
    purpose = TextAreaField(
        "Purpose", validators=[DataRequired("Please say what this component is for."), Length(max=2000)]
    )
    minutes = IntegerField(
        "Suggested minutes",
        validators=[
            InputRequired("Please give the suggested minutes as a whole number."),
            NumberRange(1, MAX_COMPONENT_MINUTES, f"Suggested minutes must be between 1 and {MAX_COMPONENT_MINUTES}."),
        ],
    )
    guiding_questions = TextAreaField(
        "Guiding questions", validators=[Optional(), Length(max=8000)], description="One question per line."
    )
    facilitator_notes = TextAreaField(
        "Facilitator notes",
        validators=[Optional(), Length(max=MAX_NOTES_LENGTH, message="Please keep the notes under 20,000 characters.")],
        description="Markdown: **bold**, *italic*, lists with '- ', links as [text](https://…). "
        "Scripts and other unsafe HTML are removed when the page is shown.",
    )
    reflection_prompts = TextAreaField(
        "Reflection prompts", validators=[Optional(), Length(max=8000)],
        description="One prompt per line. Reminders and pre-work ask these.",
    )
    is_commitments = BooleanField("This is the commitments and next steps component")


class AgendaRowForm(Form):
    """One agenda line: a component and minutes (a blank component means 'no line')."""

    component_id = SelectField("Part", coerce=str, validate_choice=False)
    minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(1, 1440, "Minutes must be 1 or more.")])


class AgendaForm(SafeForm):
    """The per-session agenda editor: a fixed number of rows, so it works without JavaScript."""

    rows = FieldList(FormField(AgendaRowForm), min_entries=AGENDA_ROWS, max_entries=AGENDA_ROWS + 10)


class ResetAgendaForm(SafeForm):
    """Only a CSRF token: go back to the protocol's default agenda."""


class ButtonForm(SafeForm):
    """Only a CSRF token, for move / retire / restore buttons."""
