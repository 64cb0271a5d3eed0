"""The protocol agenda that every Conversation Lab follows: the public page, its download, pre-work, certificates."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from labapp.i18n import current_language
from labapp.protocol.languages import protocol_heading
from labapp.protocol.rendering import render_markdown
from labapp.protocol.services import protocol_components, protocol_markdown

bp = Blueprint("protocol", __name__)


@bp.get("/protocol")
def index() -> str:
    """The whole protocol in the reader's language (English where a text is not translated), printable."""
    components = protocol_components()
    title, intro = protocol_heading()
    return render_template(
        "protocol/index.html",
        title=title,
        intro=render_markdown(intro),
        components=[(component, render_markdown(component.facilitator_notes)) for component in components],
        total_minutes=sum(component.minutes for component in components),
    )


@bp.get("/protocol.md")
def download() -> Response:
    """The protocol as a Markdown (plain text) file."""
    return Response(
        protocol_markdown(),
        mimetype="text/markdown",
        headers={"Content-Disposition": 'attachment; filename="conversation-lab-protocol.md"',
                 "Content-Language": current_language()},
    )
