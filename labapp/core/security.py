"""Security headers on every response, and HTTPS only where the public URL is HTTPS."""

from __future__ import annotations

import secrets

from flask import Flask, g, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

# Paths a load balancer or systemd probes over plain HTTP on the loopback: never redirected.
HTTPS_EXEMPT_PATHS = frozenset({"/healthz"})

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def https_only(app: Flask) -> bool:
    """True in production when the public URL is https:// (contract: only then redirect, HSTS, Secure)."""
    return app.config.get("ENV_NAME") == "production" and str(app.config.get("BASE_URL", "")).startswith("https://")


def content_security_policy(nonce: str, *, upgrade: bool) -> str:
    """The CSP: our own files only; a script runs only from /static or with this response's nonce."""
    parts = [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'" if nonce else "script-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
    if upgrade:
        parts.append("upgrade-insecure-requests")
    return "; ".join(parts)


def init_security(app: Flask) -> None:
    """Trust the configured proxies, force HTTPS when the site is HTTPS, and add the headers."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        # nginx sets X-Forwarded-For/-Proto/-Host; trusting them from more hops than exist lets clients spoof them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    secure = https_only(app)
    if secure:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")

        def redirect_to_https() -> Response | None:
            if request.is_secure or request.path in HTTPS_EXEMPT_PATHS:
                return None
            # Build the target from BASE_URL, not the Host header, so nobody can bounce visitors elsewhere.
            target = app.config["BASE_URL"] + request.full_path.rstrip("?")
            return redirect(target, code=301 if request.method in ("GET", "HEAD") else 308)

        # First in line: before CSRF checks and rate limits, which would answer a plain-HTTP POST with 400/429.
        app.before_request_funcs.setdefault(None, []).insert(0, redirect_to_https)

    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    fixed_headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]

    @app.after_request
    def security_headers(response: Response) -> Response:
        # A view may set its own value for any of these; one pass over the names keeps this cheap on every hit.
        present = {name.lower() for name in response.headers.keys()}
        headers = response.headers
        if "content-security-policy" not in present:
            headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce", ""), upgrade=secure)
        for name, value in fixed_headers:
            if name.lower() not in present:
                headers.add(name, value)
        if secure and request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", HSTS)
        return response
