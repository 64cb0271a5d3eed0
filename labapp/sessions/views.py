"""Public pages: the list of upcoming sessions and each session's page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from labapp.clock import utcnow
from labapp.core.page_cache import cached_page
from labapp.registrations.availability import availability_label, get_listing, list_upcoming_sessions
from labapp.registrations.forms import RegistrationForm
from labapp.sessions.models import SessionStatus
from labapp.sessions.services import SessionNotFound, get_session_by_slug

bp = Blueprint("sessions", __name__)


@bp.get("/")
def index() -> str:
    """Upcoming published sessions, soonest first (cached for a few seconds: see core/page_cache.py)."""

    def render() -> str:
        now = utcnow()
        listings = list_upcoming_sessions(now=now)
        return render_template(
            "sessions/index.html",
            listings=[(listing, availability_label(listing, now)) for listing in listings],
        )

    return cached_page("sessions.index", render)


@bp.get("/sessions/<slug>")
def detail(slug: str) -> str:
    """Everything about one session, with the registration form while it is open."""
    now = utcnow()
    try:
        lab = get_session_by_slug(slug)
    except SessionNotFound:
        abort(404)
    if lab.status == SessionStatus.DRAFT:
        abort(404)
    listing = get_listing(lab)
    return render_template(
        "sessions/detail.html",
        lab=lab,
        listing=listing,
        availability=availability_label(listing, now),
        is_open=lab.is_open_for_registration(now),
        form=RegistrationForm(),
    )
