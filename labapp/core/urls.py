"""URL converters shared by every blueprint, and absolute links for emails, invites and the CLI."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, url_for
from werkzeug.routing import BaseConverter

# Ids are PostgreSQL `integer` columns. A larger number in a URL can name no row, and handing it to the
# database is an error there (a 500), so such a URL does not match any route at all: a plain 404.
MAX_ID = 2**31 - 1


def numbers_up_to(limit: int) -> str:
    """A regex matching the decimal numbers 1..limit, without leading zeros.

    The range lives in the regex rather than in to_python: a converter that refuses a matched value makes
    werkzeug answer 405 for a POST when a GET rule has the same path, instead of 404.
    """
    digits = str(limit)
    options = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for at, digit in enumerate(digits):
        lowest = 1 if at == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - at - 1
            options.append(f"{digits[:at]}[{lowest}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


_ID = re.compile(numbers_up_to(MAX_ID))


def parse_id(text: str) -> int | None:
    """A database id typed in a form value (1 to MAX_ID), else None: the same rule as `<id:…>`."""
    return int(text) if _ID.fullmatch(text) else None


class IdConverter(BaseConverter):
    """`<id:name>`: a database id, 1 to 2**31 - 1, as an int; anything else is a 404."""

    regex = numbers_up_to(MAX_ID)
    part_isolating = True
    weight = 50  # the same as werkzeug's int converter, so rules sort as they did with `<int:…>`

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


def init_url_converters(app: Any) -> None:
    """Register `<id:…>` on the app (before any blueprint adds its rules)."""
    app.url_map.converters["id"] = IdConverter


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link on BASE_URL to a route, for emails, invites, the CLI and the worker.

    url_for with `_external=True`: outside a request it uses SERVER_NAME and APPLICATION_ROOT (set from
    BASE_URL); inside one, SERVER_NAME too, and BASE_URL's scheme is forced so a link queued during a
    request behind a plain-HTTP proxy is the same as one the worker builds.
    """
    return url_for(endpoint, _external=True, _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)
