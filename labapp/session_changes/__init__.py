"""Changes to a session that reach the people registered: new time or place, fewer or more seats, cancelling."""
