"""The settings the rules depend on are parsed once, at start, into one typed and frozen object."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import timedelta

import pytest

from labapp import create_app
from labapp.settings import settings


def test_settings_are_parsed_at_start_into_values():
    app = create_app("testing", REMINDER_OFFSETS="2d, 90m,1h", PROMOTION_CUTOFF="3h", RETENTION_DAYS_SENSITIVE=7,
                     RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        parsed = settings()
    assert parsed.reminder_offsets == (timedelta(days=2), timedelta(minutes=90), timedelta(hours=1))
    assert parsed.promotion_cutoff == timedelta(hours=3)
    assert parsed.retention_days_sensitive == 7
    assert parsed.retention_days_registration == 730
    assert parsed.rate_limits["RATELIMIT_LOGIN"] == "3 per minute"


def test_the_parsed_settings_cannot_be_changed_while_the_app_runs():
    app = create_app("testing")
    with app.app_context():
        parsed = settings()
    with pytest.raises(FrozenInstanceError):
        parsed.promotion_cutoff = timedelta(0)
    with pytest.raises(TypeError):
        parsed.rate_limits["RATELIMIT_LOGIN"] = "1000 per second"


@pytest.mark.parametrize("cutoff", ["soon", "2 hours"])
def test_an_unreadable_promotion_cutoff_stops_the_app_at_start_with_the_reason(cutoff):
    with pytest.raises(RuntimeError, match="PROMOTION_CUTOFF must be a duration like '2h'"):
        create_app("testing", PROMOTION_CUTOFF=cutoff)
