"""Dashboard pages for the protocol: admins edit components; facilitators set their session's agenda."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from labapp.clock import utcnow
from labapp.core.urls import parse_id
from labapp.i18n import LANGUAGES
from labapp.protocol.agendas import AgendaItemInput, session_agenda, set_session_agenda
from labapp.protocol.errors import ComponentNotFound, InvalidAgenda, InvalidComponent
from labapp.protocol.forms import (
    AGENDA_ROWS,
    AgendaForm,
    ButtonForm,
    ComponentForm,
    ResetAgendaForm,
    TranslationForm,
    lines,
)
from labapp.protocol.languages import (
    TranslationFields,
    edit_translation,
    get_translation,
    translated_component_ids,
    translated_languages,
)
from labapp.protocol.models import ProtocolComponent
from labapp.protocol.rendering import render_markdown
from labapp.protocol.services import (
    ComponentFields,
    add_component,
    edit_component,
    get_component,
    list_components,
    move_component,
    protocol_components,
    set_component_retired,
)
from labapp.sessions.access import session_for
from labapp.sessions.models import LabSession

bp = Blueprint("protocol_admin", __name__, url_prefix="/dashboard")


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _require_admin_button() -> None:
    """Buttons (move, retire, restore) are small POST forms: an admin and a valid CSRF token."""
    _require_admin()
    if not ButtonForm().validate_on_submit():
        abort(400)


def _component_or_404(component_id: int) -> ProtocolComponent:
    try:
        return get_component(component_id)
    except ComponentNotFound:
        abort(404)


def _fields(form: ComponentForm) -> ComponentFields:
    return ComponentFields(
        title=form.title.data or "",
        purpose=form.purpose.data or "",
        minutes=form.minutes.data or 0,
        guiding_questions=lines(form.guiding_questions.data),
        facilitator_notes=form.facilitator_notes.data or "",
        reflection_prompts=lines(form.reflection_prompts.data),
        is_commitments=bool(form.is_commitments.data),
    )


@bp.get("/protocol")
@login_required
def components() -> str:
    """Every component, retired ones too, with reorder / retire buttons."""
    _require_admin()
    languages = {language: translated_component_ids(language) for language in translated_languages()}
    return render_template("protocol/admin/components.html", components=list_components(include_retired=True),
                           button_form=ButtonForm(), translations=languages)


@bp.route("/protocol/new", methods=["GET", "POST"])
@login_required
def add() -> Response | str | tuple[str, int]:
    """Add a component at the end of the protocol."""
    _require_admin()
    form = ComponentForm()
    if form.validate_on_submit():
        try:
            component = add_component(fields=_fields(form), now=utcnow())
        except InvalidComponent as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Added “%(title)s” at the end of the protocol.", title=component.title), "success")
            return redirect(url_for("protocol_admin.components"))
    status = 400 if form.is_submitted() else 200
    return render_template("protocol/admin/edit.html", form=form, component=None, preview=None), status


@bp.route("/protocol/<id:component_id>/edit", methods=["GET", "POST"])
@login_required
def edit(component_id: int) -> Response | str | tuple[str, int]:
    """Edit a component's text, minutes and prompts (Markdown notes are sanitised when shown)."""
    _require_admin()
    component = _component_or_404(component_id)
    form = ComponentForm(data={
        "title": component.title, "purpose": component.purpose, "minutes": component.minutes,
        "guiding_questions": "\n".join(component.guiding_questions or []),
        "facilitator_notes": component.facilitator_notes,
        "reflection_prompts": "\n".join(component.prompt_texts),
        "is_commitments": component.is_commitments,
    })
    if form.validate_on_submit():
        try:
            edit_component(component_id=component.id, fields=_fields(form), now=utcnow())
        except InvalidComponent as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Saved “%(title)s”.", title=component.title), "success")
            return redirect(url_for("protocol_admin.components"))
    status = 400 if form.is_submitted() else 200
    return render_template("protocol/admin/edit.html", form=form, component=component,
                           preview=render_markdown(component.facilitator_notes)), status


@bp.route("/protocol/<id:component_id>/translate/<language>", methods=["GET", "POST"])
@login_required
def translate(component_id: int, language: str) -> Response | str | tuple[str, int]:
    """Edit a component's text in another language (Spanish); empty fields show the English text."""
    _require_admin()
    if language not in translated_languages():
        abort(404)
    component = _component_or_404(component_id)
    stored = get_translation(component.id, language)
    by_id = {prompt["id"]: prompt["text"] for prompt in (stored.reflection_prompts if stored else None) or []}
    form = TranslationForm(data={
        "title": stored.title if stored else "", "purpose": stored.purpose if stored else "",
        "guiding_questions": "\n".join(stored.guiding_questions or []) if stored else "",
        "facilitator_notes": stored.facilitator_notes if stored else "",
        "reflection_prompts": "\n".join(by_id.get(p["id"], "") for p in component.reflection_prompts or []).rstrip(),
    })
    if form.validate_on_submit():
        fields = TranslationFields(
            title=form.title.data or "", purpose=form.purpose.data or "",
            guiding_questions=lines(form.guiding_questions.data), facilitator_notes=form.facilitator_notes.data or "",
            reflection_prompts=lines(form.reflection_prompts.data),
        )
        try:
            edit_translation(component_id=component.id, language=language, fields=fields, now=utcnow())
        except InvalidComponent as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Saved “%(title)s” in %(language)s.", title=component.title, language=LANGUAGES[language]),
                  "success")
            return redirect(url_for("protocol_admin.components") + f"#component-{component.id}")
    status = 400 if form.is_submitted() else 200
    return render_template("protocol/admin/translate.html", form=form, component=component, language=language,
                           language_name=LANGUAGES[language]), status


@bp.post("/protocol/<id:component_id>/move/<any(up, down):direction>")
@login_required
def move(component_id: int, direction: str) -> Response:
    """Move a component one place up or down."""
    _require_admin_button()
    try:
        move_component(component_id=component_id, offset=-1 if direction == "up" else 1, now=utcnow())
    except ComponentNotFound:
        abort(404)
    return redirect(url_for("protocol_admin.components") + f"#component-{component_id}")


@bp.post("/protocol/<id:component_id>/<any(retire, restore):action>")
@login_required
def retire(component_id: int, action: str) -> Response:
    """Retire a component (kept for past agendas) or restore it."""
    _require_admin_button()
    try:
        component = set_component_retired(component_id=component_id, is_retired=action == "retire", now=utcnow())
    except ComponentNotFound:
        abort(404)
    message = _("“%(title)s” is retired.") if component.is_retired else _("“%(title)s” is back in the protocol.")
    flash(message % {"title": component.title}, "success")
    return redirect(url_for("protocol_admin.components"))


def _session_for_editor(session_id: int) -> LabSession:
    return session_for(current_user._get_current_object(), session_id)


def _agenda_form(lab: LabSession) -> AgendaForm:
    agenda = session_agenda(lab)
    rows = [{"component_id": str(slot.component.id), "minutes": slot.minutes} for slot in agenda.slots]
    form = AgendaForm(data={"rows": rows + [{}] * max(0, AGENDA_ROWS - len(rows))})
    choices = [("", _("— none —"))] + [
        (str(c.id), _("%(title)s (%(minutes)d min suggested)", title=c.title, minutes=c.minutes))
        for c in protocol_components() + [s.component for s in agenda.slots if s.component.is_retired]
    ]
    for row in form.rows:
        row.form.component_id.choices = choices
    return form


def _agenda_items(form: AgendaForm) -> list[AgendaItemInput]:
    items = []
    for number, row in enumerate(form.rows, start=1):
        choice, minutes = row.form.component_id.data or "", row.form.minutes.data
        if not choice:
            continue
        component_id = parse_id(choice)
        if component_id is None or minutes is None:
            raise InvalidAgenda(_("Line %(number)d: please give the minutes for each part you chose.", number=number))
        items.append(AgendaItemInput(component_id=component_id, minutes=minutes))
    if not items:
        raise InvalidAgenda(_("Please choose at least one part, or go back to the default agenda."))
    return items


@bp.route("/sessions/<id:session_id>/agenda", methods=["GET", "POST"])
@login_required
def session_agenda_editor(session_id: int) -> Response | str | tuple[str, int]:
    """Choose the session's parts and minutes; the total must fit the session."""
    lab = _session_for_editor(session_id)
    form = _agenda_form(lab)
    if form.validate_on_submit():
        try:
            set_session_agenda(lab_session_id=lab.id, items=_agenda_items(form), now=utcnow())
        except InvalidAgenda as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The agenda is saved."), "success")
            return redirect(url_for("protocol_admin.session_agenda_editor", session_id=lab.id))
    status = 400 if form.is_submitted() else 200
    return render_template("protocol/admin/agenda.html", lab=lab, form=form, agenda=session_agenda(lab),
                           reset_form=ResetAgendaForm()), status


@bp.post("/sessions/<id:session_id>/agenda/reset")
@login_required
def reset_session_agenda(session_id: int) -> Response:
    """Go back to the protocol's default agenda for this session."""
    lab = _session_for_editor(session_id)
    if not ResetAgendaForm().validate_on_submit():
        abort(400)
    set_session_agenda(lab_session_id=lab.id, items=[], now=utcnow())
    flash(_("This session now follows the protocol's default agenda."), "success")
    return redirect(url_for("protocol_admin.session_agenda_editor", session_id=lab.id))
