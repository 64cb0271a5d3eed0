"""The baseline for bench_public: a bare Flask route returning a page of a given size.

`gunicorn -c deploy/gunicorn.conf.py benchmarks.baseline_app:app`, same settings as labapp.
"""

from __future__ import annotations

from functools import cache

from flask import Flask

app = Flask(__name__)


@cache
def page(size: int) -> str:
    return ("<!doctype html><title>baseline</title><p>" + "x" * size)[:size]


@app.get("/bytes/<int:size>")
def sized(size: int) -> str:
    """An HTML page of exactly `size` bytes."""
    return page(min(size, 1_000_000))
