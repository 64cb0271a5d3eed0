"""Public pages: the list of upcoming sessions and each session's page with its registration form.

The blueprint keeps the name "sessions" (endpoints `sessions.index`, `sessions.detail`, `sessions.feed`);
it lives here because the pages show seats left and the registration form, which are registration rules.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request

from labapp.clock import utcnow
from labapp.core.page_cache import cached_page
from labapp.protocol.agendas import session_agenda
from labapp.registrations.availability import availability_label, get_listing, list_upcoming_sessions
from labapp.registrations.forms import RegistrationForm
from labapp.sessions.errors import SessionNotFound
from labapp.sessions.feed import sessions_feed
from labapp.sessions.models import LabSession, SessionLanguage, SessionStatus
from labapp.sessions.services import get_session_by_slug

bp = Blueprint("sessions", __name__)


@bp.get("/")
def index() -> str:
    """Upcoming published sessions, soonest first (cached for a few seconds: see core/page_cache.py).

    `?language=es` keeps the sessions held in Spanish (and bilingual ones); an unknown value is
    ignored with a note on the page, so a mistyped link still shows every session.
    """

    asked = request.args.get("language", "")
    language = SessionLanguage.parse(asked)

    def render() -> str:
        now = utcnow()
        listings = list_upcoming_sessions(now=now, language=language)
        return render_template(
            "sessions/index.html",
            listings=[(listing, availability_label(listing, now)) for listing in listings],
            language=language,
            unknown_language=asked if asked and language is None else None,
            languages=list(SessionLanguage),
        )

    return cached_page("sessions.index", render)


def public_session_or_404(slug: str, *, with_facilitators: bool = True) -> LabSession:
    """The session behind a public URL; drafts are as unknown as a wrong slug (404)."""
    try:
        lab = get_session_by_slug(slug, with_facilitators=with_facilitators)
    except SessionNotFound:
        abort(404)
    if lab.status == SessionStatus.DRAFT:
        abort(404)
    return lab


@bp.get("/sessions/<slug>")
def detail(slug: str) -> str:
    """Everything about one session, with the registration form while it is open.

    Cached for a few seconds like `/` (core/page_cache.py); each visitor still gets their own CSRF token.
    """

    def render() -> str:
        return render_session_page(public_session_or_404(slug), form=RegistrationForm(), now=utcnow())

    return cached_page(f"sessions.detail:{slug}", render, form_token=True)


def render_session_page(lab: LabSession, *, form: RegistrationForm, now: datetime) -> str:
    """The session page; the registration view re-renders it with the form's errors."""
    listing = get_listing(lab)
    return render_template(
        "sessions/detail.html",
        lab=lab,
        listing=listing,
        availability=availability_label(listing, now),
        is_open=lab.is_open_for_registration(now),
        form=form,
        agenda=session_agenda(lab),
    )


@bp.get("/sessions.ics")
def feed() -> Response:
    """Upcoming published sessions (cancelled ones marked, until their date) as an iCalendar feed."""
    response = Response(sessions_feed(now=utcnow()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
