"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[])
