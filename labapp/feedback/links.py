"""The private feedback link: derived from the registration's salt with the secret key, nothing stored."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import current_app

from labapp.tokens import derive_token

FEEDBACK_PURPOSE = "session-feedback"


def feedback_token(token_salt: str) -> str:
    """The token of a registration's feedback link (another purpose than the manage token)."""
    return derive_token(FEEDBACK_PURPOSE, token_salt)


def is_feedback_token(token_salt: str, token: str) -> bool:
    """True when `token` belongs to this salt (constant time); an erased salt matches nothing."""
    if not token_salt or not token or len(token) > 100:
        return False
    return hmac.compare_digest(feedback_token(token_salt).encode(), token.encode())


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL on BASE_URL built from the route (works in the worker, outside any request)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def feedback_url(*, registration_id: int, token_salt: str) -> str:
    """Absolute URL of a registration's feedback form, for the `Thank you:` email."""
    return external_url("feedback.respond", registration_id=registration_id, token=feedback_token(token_salt))
