"""What a repair's thread has yet to be told, as text: the outbox's contents.

A change is committed with the thread part of its plan (posts, edits, archive) and that part is
deleted once shown; if Mend stops in between, or Discord asks it to slow down, what is left here
is shown as soon as it can be. Pure Python: JSON in, plan out.
"""

from __future__ import annotations

import json
from typing import Any

from bot.plan import Button, Byline, Card, Edit, Field, Plan, Post, Style, Tone
from bot.protocols import Role


def to_text(plan: Plan) -> str:
    """The thread part of a plan as JSON (the private reply and the undo are not kept)."""
    return json.dumps(
        {"posts": [_post(p) for p in plan.posts], "edits": [_edit(e) for e in plan.edits], "archive": plan.archive},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_text(text: str) -> Plan:
    data = json.loads(text)
    return Plan(
        posts=tuple(_read_post(p) for p in data["posts"]),
        edits=tuple(_read_edit(e) for e in data["edits"]),
        archive=bool(data["archive"]),
    )


def _card(card: Card) -> dict[str, Any]:
    return {
        "text": card.text,
        "title": card.title,
        "tone": card.tone.value,
        "byline": None if card.byline is None else [card.byline.name, card.byline.icon_url],
        "footer": card.footer,
        "fields": [[f.name, f.value, f.inline] for f in card.fields],
        "written": card.written,
    }


def _read_card(data: dict[str, Any]) -> Card:
    byline = data["byline"]
    return Card(
        data["text"],
        title=data["title"],
        tone=Tone(data["tone"]),
        byline=None if byline is None else Byline(*byline),
        footer=data["footer"],
        fields=tuple(Field(*f) for f in data["fields"]),
        written=data["written"],
    )


def _buttons(buttons: tuple[Button, ...]) -> list[list[str]]:
    return [[b.label, b.target, b.style.value] for b in buttons]


def _read_buttons(data: list[list[str]]) -> tuple[Button, ...]:
    return tuple(Button(label, target, Style(style)) for label, target, style in data)


def _post(post: Post) -> dict[str, Any]:
    return {
        "cards": [_card(c) for c in post.cards],
        "buttons": _buttons(post.buttons),
        "content": post.content,
        "pings": post.pings,
        "prompt": post.carries_prompt,
        "commitment_of": None if post.carries_commitment_of is None else post.carries_commitment_of.value,
    }


def _read_post(data: dict[str, Any]) -> Post:
    commitment = data["commitment_of"]
    return Post(
        tuple(_read_card(c) for c in data["cards"]),
        _read_buttons(data["buttons"]),
        content=data["content"],
        pings=data["pings"],
        carries_prompt=data["prompt"],
        carries_commitment_of=None if commitment is None else Role(commitment),
    )


def _edit(edit: Edit) -> dict[str, Any]:
    return {
        "message": edit.message_id,
        "buttons": _buttons(edit.buttons),
        "last_card": None if edit.last_card is None else _card(edit.last_card),
        "footer": edit.footer,
    }


def _read_edit(data: dict[str, Any]) -> Edit:
    last = data["last_card"]
    return Edit(
        data["message"], _read_buttons(data["buttons"]), None if last is None else _read_card(last), data["footer"]
    )
