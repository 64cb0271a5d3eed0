"""Where a `?next=` may send someone: only to a page of this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

# Browsers drop tabs and line breaks anywhere in a URL and trim C0 controls and spaces at its ends, so
# "/\t/evil.example" reaches them as "//evil.example". Remove every such character before judging.
_BROWSER_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def local_target(target: str | None) -> str | None:
    """`target` as a browser would read it when that is a GET page of this app, else None.

    Accepted: one leading "/", no backslash, no scheme, no host, and a path that matches one of the
    app's routes. Anything else (another host in any spelling, an unknown page) is refused.
    """
    if not target or len(target) > 2000:
        return None
    cleaned = _BROWSER_IGNORED.sub("", target)
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(parts.path, method="GET")
    except RequestRedirect:
        pass  # our own route, spelt without its trailing slash
    except HTTPException:
        return None
    return cleaned
