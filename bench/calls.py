"""The Discord calls a bot makes on each measured path, recorded on the stand-in.

`bench/interactions.py` records Mend's calls for one interaction of each path, turns them into the
floor bot's script (`script`), records the floor bot's calls the same way, and prints the two side
by side (`compare`), so the run itself shows that the floor makes the same calls as Mend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from tests.standin.server import Recorded

PATHS = ("status (10 open)", "refused press", "open the form", "turn submit", "floor press", "try again")
_RUPTURE = re.compile(r"^(mend:[a-z]+:)[0-9]+")
_ROUND = re.compile(r"^(mend:(?:turn|write):\{lane\}:[0-9]+:[a-z]+:)[0-9]+")


def size(record: Recorded) -> int:
    """A request body's size in bytes, as JSON."""
    return 0 if record.body is None else len(json.dumps(record.body).encode())


def route(record: Recorded) -> str:
    """A short name for a request: the callback with its type, a follow-up, or the route."""
    if record.template.endswith("/callback"):
        return f"callback type {record.body['type']}"
    if record.method == "POST" and record.template == "/webhooks/{webhook_id}/{webhook_token}":
        return "follow-up"
    return f"{record.method} {record.template}"


def generalise(custom_id: str) -> str:
    """Mend's custom_id for one rupture and round, as a template with `{lane}` and `{round}`."""
    return _ROUND.sub(r"\1{round}", _RUPTURE.sub(r"\1{lane}", custom_id))


def _answer(record: Recorded) -> dict[str, Any]:
    data = record.body["data"]
    return {"content": data.get("content") or "", "embeds": data.get("embeds") or []}


def _prompt(record: Recorded, words: str | None = None) -> dict[str, Any]:
    body = record.body
    buttons = [
        {"label": button["label"], "style": button["style"], "custom_id": generalise(button["custom_id"])}
        for row in body.get("components") or []
        for button in row["components"]
    ]
    embeds = body.get("embeds") or []
    words_at = next((index for index, embed in enumerate(embeds) if embed.get("description") == words), None)
    return {"embeds": embeds, "buttons": buttons, "words_at": words_at}


def _form(record: Recorded) -> dict[str, Any]:
    """A form: its title, its text input and, if it has one, its one-of question (a label around a
    radio group)."""
    form = record.body["data"]
    fields = [row.get("component") or row["components"][0] for row in form["components"]]
    text_input = next(field for field in fields if field["type"] == 4)
    label = next((row for row in form["components"] if row["type"] == 18 and row["component"]["type"] == 21), None)
    question = None
    if label is not None:
        group = label["component"]
        options = [[option["label"], option["value"]] for option in group["options"]]
        question = {"label": label["label"], "description": label.get("description"), "options": options}
        question |= {"custom_id": group["custom_id"], "required": group.get("required", True)}
    return {
        "title": form["title"],
        "custom_id": generalise(form["custom_id"]),
        "label": text_input["label"],
        "placeholder": text_input.get("placeholder"),
        "max_length": text_input.get("max_length", 4000),
        "question": question,
    }


def script(mend: dict[str, list[Recorded]], outsider: int, words: str) -> dict[str, Any]:
    """The floor bot's script: Mend's recorded answers, with each custom_id made a template."""
    return {
        "outsider": outsider,
        "status": _answer(mend["status (10 open)"][0]),
        "refusal": _answer(mend["refused press"][0]),
        "form": _form(mend["open the form"][0]),
        "submit": _prompt(mend["turn submit"][-1], words),
        "press": _prompt(mend["floor press"][-1]),
        "again": _prompt(mend["try again"][-1]),
    }


def compare(mend: dict[str, list[Recorded]], floor: dict[str, list[Recorded]]) -> tuple[list[str], bool]:
    """Lines showing each path's calls (route and body bytes, Mend | floor), and whether the routes
    and the sizes agree."""
    lines, same = [], True
    for path in PATHS:
        ours, theirs = mend[path], floor[path]
        agree = _calls(ours) == _calls(theirs)
        same = same and agree
        cells = ", ".join(f"{route(m)} {size(m)} B | {size(f)} B" for m, f in zip(ours, theirs, strict=False))
        extra = "" if agree else f"  DIFFERENT: Mend {_calls(ours)}, floor {_calls(theirs)}"
        lines.append(f"  {path:<18} {cells}{extra}")
    return lines, same


def _calls(records: Sequence[Recorded]) -> list[tuple[str, int]]:
    return [(route(r), size(r)) for r in records]
