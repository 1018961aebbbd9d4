"""The words of noticing flooding: the one-tap check before writing, and taking (more) time."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.wording.common import channel

QUESTION = N_("How are you right now? Only you see this.")  # at most 45 characters
HINT = N_("Nothing of it is kept. If you're flooded, your words wait with you and a break is offered.")
CALM, TENSE, FLOODED = N_("Calm"), N_("Tense"), N_("Flooded")
FLOODED_TITLE = N_("Time to settle first")
SOOTHING = N_(
    "That's worth listening to. When feelings flood, the body needs at least 20 minutes to settle, and "
    "words written before then tend to hurt. Take a break: walk, breathe slowly, put on music, and try "
    "not to rehearse the argument while you're away. Choose how long below; the other person only "
    "sees when you'll be back."
)


def need_longer(thread: int | None) -> str:
    return _(
        "Take the time you need before going back to {thread}: choose how much longer below. The other "
        "person only sees when you'll be back."
    ).format(thread=channel(thread))


def until_morning(tomorrow: bool) -> str:
    """The label of a break that ends when the person's quiet hours do: the next morning's, said as such."""
    return _("Until tomorrow morning") if tomorrow else _("Until this morning")
