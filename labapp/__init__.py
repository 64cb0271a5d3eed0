"""labapp: registration and follow-through for Conversation Labs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, ROOT, url_settings
from labapp import settings


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app for `config_name` (default: $LABAPP_CONFIG or development).

    Keyword overrides replace config values (tests use them for the database URL).
    """
    name = config_name or os.environ.get("LABAPP_CONFIG") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"LABAPP_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}")
    config_class = CONFIGS[name]
    config_class.check()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config.update(url_settings(app.config["BASE_URL"]))
    settings.init_app(app)  # parsed once; a bad value stops start-up with a one-line reason
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from labapp import core, extensions, i18n, models  # noqa: F401 - models registers every table
    from labapp.db import db

    db.init_app(app)
    extensions.migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.login_manager.init_app(app)
    i18n.init_app(app)

    core.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from labapp.accounts.models import User
    from labapp.accounts.services import user_for_session
    from labapp.accounts.views import signed_in_language
    from labapp.extensions import login_manager
    from labapp.i18n import set_user_language_loader

    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please sign in to open the facilitator area.")
    login_manager.localize_callback = str  # flashed in the page's language, as a plain string the session can keep
    set_user_language_loader(signed_in_language)

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The cookie holds the user's session token, not the id (see User.session_token).
        return user_for_session(session_token)


def _register_blueprints(app: Flask) -> None:
    from labapp.core.views import bp as core_bp
    from labapp.privacy.views import bp as privacy_bp
    from labapp.protocol.views import bp as protocol_bp
    from labapp.records.views import bp as records_bp
    from labapp.registrations.session_pages import bp as sessions_bp
    from labapp.registrations.views import bp as registrations_bp

    for blueprint in (core_bp, sessions_bp, registrations_bp, protocol_bp, privacy_bp, records_bp):
        app.register_blueprint(blueprint)

    from labapp.protocol.admin_views import bp as protocol_admin_bp

    app.register_blueprint(protocol_admin_bp)

    from labapp.reminders.views import bp as reminders_bp

    app.register_blueprint(reminders_bp)

    from labapp.feedback.views import bp as feedback_bp

    app.register_blueprint(feedback_bp)

    from labapp.accounts.views import bp as accounts_bp
    from labapp.dashboard import bp as dashboard_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(dashboard_bp)


def _register_cli(app: Flask) -> None:
    from labapp.accounts.cli import users_cli
    from labapp.demo.cli import demo_cli
    from labapp.privacy.cli import privacy_cli
    from labapp.sessions.cli import sessions_cli
    from labapp.worker import register_worker_cli

    app.cli.add_command(sessions_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(privacy_cli)
    register_worker_cli(app)
