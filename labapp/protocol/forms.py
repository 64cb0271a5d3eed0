"""Protocol forms: shape only; the rules are in services.py, agendas.py and prework.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from labapp.core.forms import SafeForm
from labapp.protocol.languages import MAX_NOTES_LENGTH
from labapp.protocol.services import MAX_COMPONENT_MINUTES

AGENDA_ROWS = 10


def lines(text: str | None) -> list[str]:
    """A textarea with one item per line, as a list."""
    return [line for line in (text or "").splitlines() if line.strip()]


class ComponentForm(SafeForm):
    """The admin editor for one protocol component."""

    title = StringField(_l("Title"),
                        validators=[DataRequired(_l("Please give the component a title.")), Length(max=200)])
    purpose = TextAreaField(
        _l("Purpose"), validators=[DataRequired(_l("Please say what this component is for.")), Length(max=2000)]
    )
    minutes = IntegerField(
        _l("Suggested minutes"),
        validators=[
            InputRequired(_l("Please give the suggested minutes as a whole number.")),
            NumberRange(1, MAX_COMPONENT_MINUTES,
                        _l("Suggested minutes must be between 1 and %(minutes)s.", minutes=MAX_COMPONENT_MINUTES)),
        ],
    )
    guiding_questions = TextAreaField(
        _l("Guiding questions"), validators=[Optional(), Length(max=8000)], description=_l("One question per line.")
    )
    facilitator_notes = TextAreaField(
        _l("Facilitator notes"),
        validators=[Optional(),
                    Length(max=MAX_NOTES_LENGTH, message=_l("Please keep the notes under 20,000 characters."))],
        description=_l("Markdown: **bold**, *italic*, lists with '- ', links as [text](https://…). "
                       "Scripts and other unsafe HTML are removed when the page is shown."),
    )
    reflection_prompts = TextAreaField(
        _l("Reflection prompts"), validators=[Optional(), Length(max=8000)],
        description=_l("One prompt per line. Reminders and pre-work ask these."),
    )
    is_commitments = BooleanField(_l("This is the commitments and next steps component"))


class AgendaRowForm(Form):
    """One agenda line: a component and minutes (a blank component means 'no line')."""

    component_id = SelectField(_l("Part"), coerce=str, validate_choice=False)
    minutes = IntegerField(_l("Minutes"),
                           validators=[Optional(), NumberRange(1, 1440, _l("Minutes must be 1 or more."))])


class AgendaForm(SafeForm):
    """The per-session agenda editor: a fixed number of rows, so it works without JavaScript."""

    rows = FieldList(FormField(AgendaRowForm), min_entries=AGENDA_ROWS, max_entries=AGENDA_ROWS + 10)


class ResetAgendaForm(SafeForm):
    """Only a CSRF token: go back to the protocol's default agenda."""


class ButtonForm(SafeForm):
    """Only a CSRF token, for move / retire / restore buttons."""


class TranslationForm(SafeForm):
    """The admin editor for one component in another language: every field may stay empty (English shows)."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    guiding_questions = TextAreaField(_l("Guiding questions"), validators=[Optional(), Length(max=8000)],
                                      description=_l("One question per line."))
    facilitator_notes = TextAreaField(
        _l("Facilitator notes"),
        validators=[Optional(),
                    Length(max=MAX_NOTES_LENGTH, message=_l("Please keep the notes under 20,000 characters."))],
        description=_l("Markdown, as in English. Scripts and other unsafe HTML are removed when the page is shown."),
    )
    reflection_prompts = TextAreaField(
        _l("Reflection prompts"), validators=[Optional(), Length(max=8000)],
        description=_l("One line per English prompt, in the same order: answers in either language count "
                       "as answers to the same question."),
    )
