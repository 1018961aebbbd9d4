"""The words of noticing flooding: the one-tap check before writing, and taking (more) time."""

from __future__ import annotations

from bot.wording.common import channel

QUESTION = "How are you right now? Only you see this."
HINT = "Nothing of it is kept. If you're flooded, your words wait with you and a break is offered."
CALM, TENSE, FLOODED = "Calm", "Tense", "Flooded"
FLOODED_TITLE = "Time to settle first"
SOOTHING = (
    "That's worth listening to. When feelings flood, the body needs at least 20 minutes to settle, and "
    "words written before then tend to hurt. Take a break: walk, breathe slowly, put on music, and try "
    "not to rehearse the argument while you're away. Choose how long below; the other person only "
    "sees when you'll be back."
)


def need_longer(thread: int | None) -> str:
    return (
        f"Take the time you need before going back to {channel(thread)}: choose how much longer below. "
        "The other person only sees when you'll be back."
    )


def until_morning(tomorrow: bool) -> str:
    """The label of a break that ends when the person's quiet hours do: the next morning's, said as such."""
    return "Until tomorrow morning" if tomorrow else "Until this morning"
