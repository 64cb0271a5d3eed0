"""Reading the protocol. (Placeholder over the shipped seed content until the protocol is in the database.)"""

from __future__ import annotations

from labapp.protocol import seed_content


def reminder_prompts(limit: int = 3) -> list[str]:
    """Two or three reflection prompts from the protocol, for reminders and pre-work."""
    prompts = [prompt for component in seed_content.COMPONENTS for prompt in component["reflection_prompts"]]
    return prompts[:limit]


def commitments_component() -> dict | None:
    """The protocol's commitments-and-next-steps component (title, guiding_questions), for follow-ups."""
    return next((c for c in seed_content.COMPONENTS if c.get("is_commitments")), None)
