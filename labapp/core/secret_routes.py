"""The one list of routes whose URL carries a secret, and how a path is written with it hidden.

The app's request log (request_log.py) and the nginx example (deploy/nginx-labapp.conf, map
`$labapp_loggable_uri`) both redact by this list; tests/core/test_secret_routes.py fails when a route
with a `<token>` is missing here, or when the nginx map misses a route listed here.
"""

from __future__ import annotations

import re
from functools import cache

# A listed rule covers itself and every page under it (/manage/<token>/cancel, …/record.csv).
SECRET_ROUTES: tuple[str, ...] = (
    "/manage/<token>",  # a registration's manage link: its answers, export and erasure
    "/account/reset/<token>",  # choosing a new password: the account, for an hour
    "/my-record/<token>",  # a person's professional-learning record, for 24 hours
    "/reminders/stop/<id:registration_id>/<token>",  # stops a registration's reminders
    "/feedback/<id:registration_id>/<token>",  # a checked-in attendee's feedback on one session
)
# URL variables that are secrets wherever they appear; a new route with one must be listed above.
SECRET_VIEW_ARGS = frozenset({"token"})
REDACTED = "[redacted]"

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Each listed rule as a regex on a path; the secret variables are its groups."""
    patterns = []
    for rule in SECRET_ROUTES:
        regex, position = "^", 0
        for variable in _VARIABLE.finditer(rule):
            regex += re.escape(rule[position:variable.start()]).replace("/", "/+")
            regex += "([^/]+)" if variable.group(1) in SECRET_VIEW_ARGS else "[^/]+"
            position = variable.end()
        patterns.append(re.compile(regex + re.escape(rule[position:]).replace("/", "/+") + "(?=/|$)"))
    return tuple(patterns)


def covers(rule: str) -> bool:
    """True when a URL rule of the app is one of the secret routes or lies under one."""
    return any(rule == listed or rule.startswith(listed + "/") for listed in SECRET_ROUTES)


def redact_path(path: str) -> str:
    """The path with the secret parts of any listed route replaced by '[redacted]'."""
    for pattern in _patterns():
        match = pattern.match(path)
        if match:
            for group in reversed(range(1, (match.lastindex or 0) + 1)):
                path = path[:match.start(group)] + REDACTED + path[match.end(group):]
            return path
    return path
