"""The baselines for bench_public: a bare Flask page of a given size, and a bare one-row INSERT route.

`gunicorn -c deploy/gunicorn.conf.py benchmarks.baseline_app:app`, same settings as labapp.
`POST /insert` reads the same form a registration sends and INSERTs it as one row into
`baseline_registrations` on the same PostgreSQL (BASELINE_DATABASE_URL; bench_public creates the table):
one connection per worker, one statement, autocommit. What a request costs when it does nothing but
store what was typed: the floor a registration is measured against.
"""

from __future__ import annotations

import os
from functools import cache

import psycopg
from flask import Flask, redirect, request
from werkzeug.wrappers import Response

app = Flask(__name__)

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS baseline_registrations (
    id bigserial PRIMARY KEY, slug text NOT NULL, email text NOT NULL, full_name text NOT NULL,
    role text NOT NULL, organisation text NOT NULL, focus text NOT NULL, hopes text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
)
"""


@cache
def page(size: int) -> str:
    return ("<!doctype html><title>baseline</title><p>" + "x" * size)[:size]


@cache
def _connection() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(os.environ["BASELINE_DATABASE_URL"], autocommit=True)


@app.get("/bytes/<int:size>")
def sized(size: int) -> str:
    """An HTML page of exactly `size` bytes."""
    return page(min(size, 1_000_000))


@app.post("/sessions/<slug>/insert")
def insert(slug: str) -> Response:
    """One row per POST, then a redirect, as a registration answers."""
    form = request.form
    _connection().execute(
        "INSERT INTO baseline_registrations (slug, email, full_name, role, organisation, focus, hopes) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (slug, form.get("email", ""), form.get("full_name", ""), form.get("role", ""),
         form.get("organisation", ""), ",".join(form.getlist("focus_populations")), form.get("hopes", "")),
    )
    return redirect(f"/sessions/{slug}/done", 302)
