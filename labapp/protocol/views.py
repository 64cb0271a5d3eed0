"""The protocol agenda that every Conversation Lab follows."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("protocol", __name__)


@bp.get("/protocol")
def index() -> str:
    """The whole protocol, readable on a phone and printable."""
    return render_template("protocol/index.html")
