"""The nginx example compresses every kind of text the app serves."""

from __future__ import annotations

import re

from config import ROOT

NGINX = ROOT / "deploy" / "nginx-labapp.conf"


def _tls_server_block() -> str:
    text = re.sub(r"#[^\n]*", "", NGINX.read_text())
    start = text.index("listen 443")
    return text[start:]


def test_the_https_site_gzips_html_css_json_csv_and_calendars():
    block = _tls_server_block()
    directives = dict(re.findall(r"^\s*(gzip\w*)\s+([^;]+);", block, flags=re.MULTILINE))
    assert directives["gzip"] == "on"
    # nginx always compresses text/html when gzip is on (naming it again is a warning).
    types = directives["gzip_types"].split()
    assert {"text/css", "application/json", "text/csv", "text/calendar"} <= set(types)
    assert "text/html" not in types
    assert directives["gzip_vary"] == "on"  # caches keep the compressed and plain copies apart
    assert directives["gzip_proxied"] == "any"
