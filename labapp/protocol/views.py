"""The protocol agenda that every Conversation Lab follows: the public page, its download, pre-work, certificates."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from labapp.protocol import seed_content
from labapp.protocol.rendering import render_markdown
from labapp.protocol.services import list_components, protocol_markdown

bp = Blueprint("protocol", __name__)


@bp.get("/protocol")
def index() -> str:
    """The whole protocol, readable on a phone and printable."""
    components = list_components()
    return render_template(
        "protocol/index.html",
        title=seed_content.PROTOCOL_TITLE,
        intro=render_markdown(seed_content.PROTOCOL_INTRO),
        components=[(component, render_markdown(component.facilitator_notes)) for component in components],
        total_minutes=sum(component.minutes for component in components),
    )


@bp.get("/protocol.md")
def download() -> Response:
    """The protocol as a Markdown (plain text) file."""
    return Response(
        protocol_markdown(),
        mimetype="text/markdown",
        headers={"Content-Disposition": 'attachment; filename="conversation-lab-protocol.md"'},
    )
