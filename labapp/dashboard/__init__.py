"""The facilitator area under /dashboard: reads through other domains' services, has no models."""

from labapp.dashboard.views import bp

__all__ = ["bp"]
