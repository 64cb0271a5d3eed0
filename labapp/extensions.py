"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from labapp.settings import rate_limit

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()


def client_address() -> str:
    """The client's IP address (behind PROXY_FIX_HOPS proxies), the key of every per-IP limit."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, default_limits=[])


def configured_limit(name: str) -> Callable[[], str]:
    """The limit of the setting `name`, for Flask-Limiter to read at each request (config.py holds every number)."""
    return lambda: rate_limit(name)
