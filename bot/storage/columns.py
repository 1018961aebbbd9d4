"""The `ruptures` table's columns, each declared once, and the row mapping both ways built from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from bot.clock import from_timestamp, to_timestamp
from bot.protocols import Role
from bot.rupture import Commitment, Due, FollowUp, Phase, Progress, Rupture, Seat, Status
from bot.storage.connection import Row

_Value = TypeVar("_Value", bound=StrEnum)


@dataclass(frozen=True)
class Kind:
    """How one Python value is stored: `dump` for writing, `load` for reading."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


def _enum(kind: type[_Value], *, optional: bool = False) -> Kind:
    members = {member.value: member for member in kind}  # faster than calling the enum per row
    if optional:
        return Kind(lambda v: None if v is None else v.value, lambda v: None if v is None else members[v])
    return Kind(lambda v: v.value, members.__getitem__)


def _same(value: Any) -> Any:
    return value


PLAIN = Kind(_same, _same)
FLAG = Kind(int, bool)
MOMENT = Kind(to_timestamp, from_timestamp)
MAYBE_MOMENT = Kind(
    lambda v: None if v is None else to_timestamp(v),
    lambda v: None if v is None else from_timestamp(v),
)


@dataclass(frozen=True)
class Column:
    """A column of `ruptures`: the field it holds (`first.progress` for a seat's), how, and who writes it.

    `changes` columns are written by every saved change; the others are set once (the pair, the
    server, the thread, the creation time). `swept` columns are the ones a sent sweep item records.
    """

    name: str
    field: str
    kind: Kind = PLAIN
    changes: bool = True
    swept: bool = False


def _seat_columns(seat: str) -> tuple[Column, ...]:
    return (
        Column(f"{seat}_id", f"{seat}.user_id", changes=False),
        Column(f"{seat}_mark", f"{seat}.progress", _enum(Progress)),
        Column(f"{seat}_commitment", f"{seat}.commitment", _enum(Commitment)),
        Column(f"{seat}_commitment_message_id", f"{seat}.commitment_message_id"),
        Column(f"{seat}_okay", f"{seat}.okay", FLAG),
        Column(f"{seat}_followup", f"{seat}.followup", _enum(FollowUp), swept=True),
        Column(f"{seat}_followup_dm", f"{seat}.followup_by_dm", FLAG),
    )


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", changes=False),
    Column("guild_id", "guild_id", changes=False),
    Column("thread_id", "thread_id", changes=False),
    Column("protocol", "protocol", changes=False),
    Column("status", "status", _enum(Status), swept=True),
    *_seat_columns("first"),
    *_seat_columns("second"),
    Column("created_at", "created_at", MOMENT, changes=False),
    Column("updated_at", "updated_at", MOMENT, swept=True),
    Column("step", "step"),
    Column("phase", "phase", _enum(Phase), swept=True),
    Column("round", "round"),
    Column("paused_until", "paused_until", MAYBE_MOMENT, swept=True),
    Column("paused_by", "paused_by", _enum(Role, optional=True), swept=True),
    Column("prompt_message_id", "prompt_message_id", swept=True),
    Column("due_at", "due_at", MAYBE_MOMENT, swept=True),
    Column("due_kind", "due", _enum(Due, optional=True), swept=True),
    Column("checkin_stage", "checkin_stage", swept=True),
    Column("checkins_stopped", "checkins_stopped", FLAG),
    Column("invite_reminded", "invite_reminded", FLAG, swept=True),
    Column("resolved_at", "resolved_at", MAYBE_MOMENT),
    Column("checkins_sent", "checkins_sent", swept=True),
    Column("version", "version", changes=False),
    Column("language", "language", changes=False),
)
SELECT = ", ".join(column.name for column in COLUMNS)


def select_of(table: str) -> str:
    """`SELECT`'s columns named with their table, for queries that join another table."""
    return ", ".join(f"{table}.{column.name}" for column in COLUMNS)


CHANGED = tuple(column for column in COLUMNS if column.changes)
SWEPT = tuple(column for column in COLUMNS if column.swept)
PAIR = tuple(column for column in COLUMNS if column.name in ("first_id", "second_id"))
CREATED = tuple(column for column in COLUMNS if column.name not in ("id", "thread_id", "version"))
SEAT_FIELDS = tuple(column.name.removeprefix("first_") for column in COLUMNS if column.name.startswith("first_"))

# For reading: where each column's value goes (a top-level field, or a field of one of the seats).
_TOP, _FIRST, _SECOND = 0, 1, 2
_PLACES = tuple(
    (
        _FIRST if c.field.startswith("first.") else _SECOND if c.field.startswith("second.") else _TOP,
        c.field.rpartition(".")[2],
        c.kind.load,
    )
    for c in COLUMNS
)


def to_rupture(row: Iterable[Any]) -> Rupture:
    """A rupture from a row whose first columns are `SELECT`, in that order."""
    parts: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
    for (place, name, load), value in zip(_PLACES, row, strict=False):
        parts[place][name] = load(value)
    top, first, second = parts
    return Rupture(first=Seat(**first), second=Seat(**second), **top)


def values(rupture: Rupture, columns: Sequence[Column]) -> dict[str, Any]:
    """The stored values of `columns` for `rupture`, by column name."""
    return {column.name: column.kind.dump(_get(rupture, column.field)) for column in columns}


def _get(rupture: Rupture, field: str) -> Any:
    owner: object = rupture
    for part in field.split("."):
        owner = getattr(owner, part)
    return owner


# What both people in a rupture can see in its thread anyway. The rest (when it last changed, what is
# due next, its version, whether a reminder went out, who took a break) moves with what the other
# person did privately, so it is not theirs to export.
SHARED_FACTS = (
    "id",
    "guild_id",
    "thread_id",
    "protocol",
    "status",
    "created_at",
    "step",
    "phase",
    "round",
    "paused_until",
    "checkin_stage",
    "checkins_stopped",
    "checkins_sent",
    "resolved_at",
)


def your_part(row: Row, user_id: int) -> dict[str, Any]:
    """A rupture row as one person may see it: the shared facts and their own seat, not the other's."""
    mine, theirs = ("first", "second") if row["first_id"] == user_id else ("second", "first")
    part = {name: row[name] for name in SHARED_FACTS}
    part["your_seat"] = mine
    part["with_user_id"] = row[f"{theirs}_id"]
    part.update({f"your_{name}": row[f"{mine}_{name}"] for name in SEAT_FIELDS if name != "id"})
    return part
