"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from labapp import create_app

app = create_app()
