"""Markdown written by admins, turned into HTML that is safe to put on a public page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is let through markdown-it on purpose and then cleaned by nh3 (a maintained
# allow-list sanitiser): one place decides what is safe, and pasted tags are dropped
# instead of showing up as literal "<b>" text.
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    """Keep only harmless tags: no script or style, no on* handlers, no javascript: (or data:) links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML, ready for a template."""
    return Markup(sanitise_html(_markdown.render(text or "")))  # noqa: S704 - sanitised by nh3 just above
