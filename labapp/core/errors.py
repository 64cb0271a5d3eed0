"""The base of every domain error, so callers can tell a broken rule from a bug."""

from __future__ import annotations


class DomainError(Exception):
    """A service refused because a rule says no; the message is safe to show to the person who asked.

    Subclasses may also derive from a built-in (ValueError, LookupError, PermissionError) that callers
    already catch.
    """
