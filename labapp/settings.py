"""The settings the rules depend on, parsed once at start-up into one typed, frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app

from config import LIMIT_SETTINGS, check_settings, parse_duration, parse_offsets

EXTENSION_KEY = "labapp.settings"


@dataclass(frozen=True, slots=True)
class Settings:
    """REMINDER_OFFSETS, PROMOTION_CUTOFF, RETENTION_DAYS_* and the RATELIMIT_* limits, as values."""

    reminder_offsets: tuple[timedelta, ...]  # largest first
    promotion_cutoff: timedelta
    retention_days_sensitive: int
    retention_days_registration: int
    rate_limits: Mapping[str, str]  # setting name (RATELIMIT_LOGIN, ...) -> "5 per minute;20 per hour"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Parse the app's config; RuntimeError with a one-line reason for a value the app cannot use."""
        check_settings(config)
        cutoff_text = config.get("PROMOTION_CUTOFF") or "2h"
        try:
            cutoff = parse_duration(cutoff_text)
        except ValueError:
            raise RuntimeError(f"PROMOTION_CUTOFF must be a duration like '2h', not {cutoff_text!r}") from None
        return cls(
            reminder_offsets=tuple(parse_offsets(config["REMINDER_OFFSETS"])),
            promotion_cutoff=cutoff,
            retention_days_sensitive=int(config["RETENTION_DAYS_SENSITIVE"]),
            retention_days_registration=int(config["RETENTION_DAYS_REGISTRATION"]),
            rate_limits=MappingProxyType({name: str(config[name]) for name in LIMIT_SETTINGS & config.keys()}),
        )


def init_app(app: Flask) -> None:
    """Parse the settings once; a bad value stops the web server, the CLI and the worker at start."""
    app.extensions[EXTENSION_KEY] = Settings.from_config(app.config)


def settings() -> Settings:
    """The running app's settings."""
    found: Settings = current_app.extensions[EXTENSION_KEY]
    return found


def rate_limit(name: str) -> str:
    """The limit of the RATELIMIT_* setting `name`, e.g. "5 per minute"."""
    return settings().rate_limits[name]
