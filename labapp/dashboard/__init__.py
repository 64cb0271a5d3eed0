"""The facilitator area under /dashboard: reads through other domains' services, has no models."""

from labapp.dashboard import (  # noqa: F401 - each route module adds its pages to bp when imported
    views_admin,
    views_export,
    views_feedback,
    views_messages,
    views_overview,
    views_privacy,
    views_reach,
    views_roster,
    views_sessions,
)
from labapp.dashboard.views import bp

__all__ = ["bp"]
