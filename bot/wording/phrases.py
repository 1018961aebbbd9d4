"""Repair phrases: short, fixed things one person can send the other in one click, outside the turns.

A repair attempt is any small move that keeps a hard conversation from escalating. These are
written for Mend, grouped by what they do. Each has a key that travels in a button's `custom_id`
(letters then a number), so a phrase can be reworded without breaking buttons already sent.
"""

from __future__ import annotations

from bot.i18n import N_

PALETTE_TITLE = N_("Repair phrases")
PALETTE = N_(
    "Each one is sent to the other person in the thread, under your name, as soon as you press it. "
    "It doesn't use up anyone's turn."
)
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("I feel"),
        (
            ("feel1", N_("I'm feeling overwhelmed.")),
            ("feel2", N_("That hurt, and I want to keep talking.")),
            ("feel3", N_("I'm getting defensive. Bear with me.")),
        ),
    ),
    (
        N_("Sorry"),
        (
            ("sorry1", N_("I'm sorry. That came out wrong.")),
            ("sorry2", N_("You're right about that part.")),
            ("sorry3", N_("I see my part in this.")),
        ),
    ),
    (
        N_("Let's calm down"),
        (
            ("calm1", N_("Can we slow down a little?")),
            ("calm2", N_("I need a moment before I answer.")),
            ("calm3", N_("Let's both take a breath.")),
        ),
    ),
    (
        N_("Let's start over"),
        (
            ("over1", N_("Can I try that again, more gently?")),
            ("over2", N_("Let's start this part over.")),
            ("over3", N_("We're on the same side here.")),
        ),
    ),
    (
        N_("I appreciate"),
        (
            ("thanks1", N_("Thank you for listening.")),
            ("thanks2", N_("I appreciate you doing this with me.")),
            ("thanks3", N_("I care about you, even now.")),
        ),
    ),
)
_BY_KEY = {key: text for _, phrases in GROUPS for key, text in phrases}


def phrase(key: str) -> str | None:
    """The phrase with this key (its English, to translate where it is shown), or None if there is
    none (a button from another version)."""
    return _BY_KEY.get(key)
