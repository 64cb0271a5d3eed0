"""Which language a page speaks: English or Spanish, from ?lang=, the `lang` cookie or Accept-Language.

Flask-Babel translates with the catalogs in labapp/translations (compiled by `make install`).
Emails are rendered in the registration's own language with `flask_babel.force_locale`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, has_request_context, request, url_for
from flask_babel import Babel, get_locale, refresh
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# The languages the site speaks, in the order of the switch; English is the fallback.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"

_ENVIRON_KEY = "labapp.language"
_VARY = ("Accept-Language", "Cookie")

# The signed-in person's chosen language, or None: accounts registers it at start-up (this bottom
# layer must not import accounts). A signed-in facilitator's setting beats the cookie and the browser.
user_language_loader: Callable[[], str | None] = lambda: None  # noqa: E731 - replaced at start-up


def set_user_language_loader(loader: Callable[[], str | None]) -> None:
    """Use `loader` to read the signed-in person's chosen language (None when nobody is signed in)."""
    global user_language_loader  # one setting, made once at start-up
    user_language_loader = loader

babel = Babel()


def supported(code: str | None) -> str | None:
    """`code` when the site speaks it ("es", "ES", "es-MX" -> "es"), else None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def requested_language() -> str | None:
    """The language asked for with ?lang= on this request, if the site speaks it."""
    return supported(request.args.get("lang")) if has_request_context() else None


def page_language() -> str:
    """The visitor's language: ?lang=, then a signed-in user's setting, the cookie, Accept-Language, English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    cached: str | None = request.environ.get(_ENVIRON_KEY)  # per request (g may outlive one in tests)
    if cached:
        return cached
    language = (
        requested_language()
        or supported(user_language_loader())
        or supported(request.cookies.get(COOKIE))
        or browser_language(request.headers.get("Accept-Language"))
    )
    request.environ[_ENVIRON_KEY] = language
    return language


@lru_cache(maxsize=256)  # browsers send a handful of distinct headers; parsing one costs more than the page lookup
def browser_language(accept_language: str | None) -> str:
    """The best language of the site for an Accept-Language header, else English."""
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language text is being rendered in now (the page's, or the one forced for an email)."""
    locale = get_locale()
    return supported(str(locale)) or DEFAULT_LANGUAGE if locale else DEFAULT_LANGUAGE


def switch_url(language: str) -> str:
    """This page in `language`: the same endpoint, arguments and query, with ?lang= set."""
    args: dict[str, Any] = {key: value for key, value in request.args.items() if key != "lang"}
    if request.endpoint and request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=language)
    return url_for("sessions.index", lang=language)


def _remember_choice(response: Response) -> Response:
    # ?lang=es on any URL (a Spanish blog post's link) is remembered like a click on the switch.
    chosen = requested_language()
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    # One header write (each `response.vary.add` re-serialises it): every page differs by both.
    vary = [name.strip() for name in response.headers.get("Vary", "").split(",") if name.strip()]
    response.headers["Vary"] = ", ".join(vary + [name for name in _VARY if name not in vary])
    return response


def _check_catalogs(app: Flask) -> None:
    # The .mo files are built by `make install` / `python -m tools.translations compile`, not kept in git.
    for language in LANGUAGES:
        if language != DEFAULT_LANGUAGE and not (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").exists():
            app.logger.warning("no compiled catalog for %r: run `python -m tools.translations compile`; "
                               "pages in that language fall back to English", language)


def init_app(app: Flask) -> None:
    _check_catalogs(app)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=page_language,
                   default_translation_directories=str(TRANSLATIONS))
    # Flask-Babel keeps the locale on `g`, which outlives a request when an app context was pushed
    # before it (the CLI, tests): forget it so each request chooses again.
    app.before_request(refresh)
    app.after_request(_remember_choice)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language, switch_url=switch_url)
