"""Messages a facilitator writes to a session's attendees, and the record of who got them."""
