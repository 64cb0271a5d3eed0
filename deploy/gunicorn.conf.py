"""gunicorn settings for labapp: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (the systemd unit reads /etc/labapp/labapp.env),
so the same file serves production and the benchmark (`make bench` runs both sides with it).
"""

import os

# nginx in front talks to this address; never expose gunicorn directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A worker per core, one request at a time each (sync workers); nginx buffers slow clients, so a
# worker is never held by a slow phone. Threads were tried: `make bench` (2026-11-24) gave the
# pages the same requests/second with 4 threads, and registrations a worse p99 (143 vs 96 ms at
# 16 clients), because threads take turns on the GIL while one of them holds a session's row lock.
# GUNICORN_THREADS=4 still gives gthread workers where a deployment wants them.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage; jitter avoids all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Heartbeat files on tmpfs: a slow disk must not make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs, not a temp file
proc_name = "labapp"

# The app writes one JSON line per request with its request id (labapp/core/request_log.py),
# so gunicorn's own access log would only duplicate it. Errors go to stderr -> journald.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the local nginx may tell gunicorn the scheme; the app's ProxyFix (PROXY_FIX_HOPS) does the rest.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):  # gunicorn's hook signature
    """Move everything loaded at start-up (app, templates, mappers) out of the garbage collector's way.

    Each full collection would otherwise walk those long-lived objects again; frozen, collections
    only look at what requests create, which keeps the slowest requests faster (Instagram's
    gc.freeze() recipe; a lower registration p99 in `make bench`).
    """
    import gc

    gc.collect()
    gc.freeze()
