"""Every link in every kind of email is built by the router: each one on BASE_URL names a route of the app."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

from labapp.mail.kinds import EmailKind
from tests.factories import now_utc
from tests.mail.every_email import every_email

URL = re.compile(r"""https?://[^\s"'<>]+""")


def _links(message) -> set[str]:
    """Every URL in every part and header of the message, calendar lines unfolded."""
    texts = [str(value) for value in message.values()]
    for part in message.walk():
        if not part.is_multipart():
            texts.append(part.get_content() if part.get_content_maintype() == "text"
                         else part.get_payload(decode=True).decode())
    found = set()
    for text in texts:
        text = text.replace("\r\n ", "").replace("\n ", "").replace("\\,", ",").replace("&amp;", "&")
        found.update(url.rstrip(".,;>)") for url in URL.findall(text))
    return found


def test_every_link_in_every_kind_of_email_resolves_to_a_route(app, smtp):
    emails = every_email(smtp, now=now_utc())
    base = urlsplit(app.config["BASE_URL"])
    router = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    checked, broken = 0, []
    assert set(emails) >= set(EmailKind)
    for kind, message in emails.items():
        for url in sorted(_links(message)):
            parts = urlsplit(url)
            if parts.netloc != base.netloc:
                continue  # the join link, Google and Outlook calendar links
            assert parts.scheme == base.scheme, url
            try:
                endpoint, _ = router.match(unquote(parts.path), method="GET")
            except (NotFound, MethodNotAllowed) as error:
                broken.append(f"{kind}: {url} ({type(error).__name__})")
                continue
            assert endpoint != "static", url
            checked += 1
    assert broken == []
    assert checked >= 3 * len(EmailKind)  # every email links to the site at least a few times
