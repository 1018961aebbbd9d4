"""Repair phrases: short, fixed things one person can send the other in one click, outside the turns.

A repair attempt is any small move that keeps a hard conversation from escalating. These are
written for Mend, grouped by what they do. Each has a key that travels in a button's `custom_id`
(letters then a number), so a phrase can be reworded without breaking buttons already sent.
"""

from __future__ import annotations

PALETTE_TITLE = "Repair phrases"
PALETTE = (
    "Each one is sent to the other person in the thread, under your name, as soon as you press it. "
    "It doesn't use up anyone's turn."
)
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "I feel",
        (
            ("feel1", "I'm feeling overwhelmed."),
            ("feel2", "That hurt, and I want to keep talking."),
            ("feel3", "I'm getting defensive. Bear with me."),
        ),
    ),
    (
        "Sorry",
        (
            ("sorry1", "I'm sorry. That came out wrong."),
            ("sorry2", "You're right about that part."),
            ("sorry3", "I see my part in this."),
        ),
    ),
    (
        "Let's calm down",
        (
            ("calm1", "Can we slow down a little?"),
            ("calm2", "I need a moment before I answer."),
            ("calm3", "Let's both take a breath."),
        ),
    ),
    (
        "Let's start over",
        (
            ("over1", "Can I try that again, more gently?"),
            ("over2", "Let's start this part over."),
            ("over3", "We're on the same side here."),
        ),
    ),
    (
        "I appreciate",
        (
            ("thanks1", "Thank you for listening."),
            ("thanks2", "I appreciate you doing this with me."),
            ("thanks3", "I care about you, even now."),
        ),
    ),
)
_BY_KEY = {key: text for _, phrases in GROUPS for key, text in phrases}


def phrase(key: str) -> str | None:
    """The phrase with this key, or None if there is none (a button from another version)."""
    return _BY_KEY.get(key)
