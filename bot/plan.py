"""What to show, as plain data: the pure plan between a decision and Discord.

A `Plan` says which messages to post in a repair's thread (cards and buttons, already packed into
messages), which earlier messages to edit, whether to archive the thread, what to tell the person
who acted privately, and how to put the change back if the thread cannot be told. It has no
Discord in it and does no I/O; one executor in the Discord layer performs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.components import Component
from bot.protocols import Role
from bot.rupture import Rupture

EMBED_DESCRIPTION_LIMIT = 4096
MESSAGE_CARD_LIMIT = 10
MESSAGE_CARD_CHARACTERS = 6000


class Tone(StrEnum):
    """How a card looks: Mend speaking, or a quiet line about what happened."""

    MAIN = "main"
    QUIET = "quiet"


class Style(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"
    LINK = "link"


@dataclass(frozen=True)
class Byline:
    """Whose words a card shows."""

    name: str
    icon_url: str | None = None


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Card:
    """One embed; `written` when its text is what a person wrote (Mend keeps none of that)."""

    text: str
    title: str | None = None
    tone: Tone = Tone.MAIN
    byline: Byline | None = None
    footer: str | None = None
    fields: tuple[Field, ...] = ()
    written: bool = False

    def __len__(self) -> int:
        """Characters as Discord counts them towards a message's 6000."""
        extras = sum(len(f.name) + len(f.value) for f in self.fields)
        named = len(self.byline.name) if self.byline else 0
        return len(self.text) + len(self.title or "") + len(self.footer or "") + named + extras


@dataclass(frozen=True)
class Button:
    label: str
    target: str  # a custom_id, or a URL for a link
    style: Style = Style.SECONDARY
    row: int | None = None  # which row of buttons it goes in (else the next with room)

    @classmethod
    def to(cls, component: Component, label: str, style: Style = Style.SECONDARY, *, row: int | None = None) -> Button:
        return cls(label, component.custom_id, style, row)

    @classmethod
    def link(cls, label: str, url: str) -> Button:
        return cls(label, url, Style.LINK)


@dataclass(frozen=True)
class Post:
    """One message in a thread (or a direct message). With `pings`, the people Mend's own `content`
    mentions are notified; words people wrote never ping anyone."""

    cards: tuple[Card, ...]
    buttons: tuple[Button, ...] = ()
    content: str = ""
    pings: bool = False
    carries_prompt: bool = False
    carries_commitment_of: Role | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Edit:
    """A change to a message Mend posted earlier: its buttons become `buttons`; `last_card` replaces
    its last card (a prompt refreshed in place) and `footer` is set on it."""

    message_id: int
    buttons: tuple[Button, ...] = ()
    last_card: Card | None = None
    footer: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message or a private answer; `description` is its alt text."""

    filename: str
    data: bytes
    description: str | None = None


@dataclass(frozen=True)
class Reply:
    """A private answer to the person who acted; `words` gives back what they wrote, when it could not
    be used, so nothing they wrote is lost."""

    text: str = ""
    cards: tuple[Card, ...] = ()
    buttons: tuple[Button, ...] = ()
    words: str | None = None
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Undo:
    """How to put a change back when the thread could not be told of it: the rupture as it was (and
    a private answer to keep again), the pressed message as it was, and the words to give back."""

    restore: Rupture
    keep_private: tuple[Role, str] | None = None
    own: Edit | None = None
    words: str | None = None


@dataclass(frozen=True)
class Plan:
    posts: tuple[Post, ...] = ()
    edits: tuple[Edit, ...] = ()
    archive: bool = False
    reply: Reply | None = None
    undo: Undo | None = None

    @property
    def tells_the_thread(self) -> bool:
        return bool(self.posts or self.edits or self.archive)

    @property
    def holds_words(self) -> bool:
        """Whether the thread part carries what a person wrote."""
        return any(card.written for post in self.posts for card in post.cards)


def word_cards(text: str, more: str, *, title: str | None = None, byline: Byline | None = None) -> list[Card]:
    """Cards for someone's words: split at Discord's description limit, never cut; the cards after the
    first say `more` in their footer."""
    size = EMBED_DESCRIPTION_LIMIT
    chunks = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    return [
        Card(chunk, title=title, byline=byline, written=True) if index == 0 else Card(chunk, footer=more, written=True)
        for index, chunk in enumerate(chunks)
    ]


def pack(
    cards: Sequence[Card],
    buttons: Iterable[Button] = (),
    *,
    content: str = "",
    pings: bool = False,
    carries_prompt: bool = False,
    carries_commitment_of: Role | None = None,
) -> tuple[Post, ...]:
    """Cards in as few messages as Discord allows (10 embeds, 6000 characters each); the buttons,
    and what the message carries, go with the last, the content and pings with the first."""
    batches: list[list[Card]] = [[]]
    size = 0
    for card in cards:
        if batches[-1] and (len(batches[-1]) == MESSAGE_CARD_LIMIT or size + len(card) > MESSAGE_CARD_CHARACTERS):
            batches.append([])
            size = 0
        batches[-1].append(card)
        size += len(card)
    last = len(batches) - 1
    return tuple(
        Post(
            tuple(batch),
            tuple(buttons) if index == last else (),
            content=content if index == 0 else "",
            pings=pings and index == 0,
            carries_prompt=carries_prompt and index == last,
            carries_commitment_of=carries_commitment_of if index == last else None,
        )
        for index, batch in enumerate(batches)
    )
