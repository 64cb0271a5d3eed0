"""Feedback from the people who came: usefulness, what they will try next, for which students."""
