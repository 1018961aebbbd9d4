"""Helpers for the tests that need no stand-in: ruptures, actions, and a whole repair walked in pure code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.actions import Acknowledge, Action, Context, Move, Press, Write
from bot.events import Change, Decision, Refusal, RefusalReason
from bot.protocols import Kind, Response, Role, load_protocols
from bot.repair import decide
from bot.rupture import Rupture, Seat, Status

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ALEX, SAM, ROBIN = 1, 2, 3
PROTOCOLS = load_protocols()


def invited(protocol: str = "quick") -> Rupture:
    return Rupture(1, 10, 100, protocol, Status.INVITED, Seat(ALEX), Seat(SAM), NOW, NOW, prompt_message_id=500)


def act(
    rupture: Rupture,
    who: int,
    action: Action,
    *,
    at: datetime = NOW,
    first: str | None = None,
    second: str | None = None,
) -> Decision:
    """Decide `action` by `who`; `first` and `second` are private answers already held for them."""
    held = {role: text for role, text in ((Role.FIRST, first), (Role.SECOND, second)) if text is not None}
    return decide(rupture, PROTOCOLS[rupture.protocol], who, action, Context(at, sealed=held))


def changed(decision: Decision) -> Change:
    assert isinstance(decision, Change), decision
    return decision


def refused(decision: Decision) -> RefusalReason:
    assert isinstance(decision, Refusal), decision
    return decision.reason


# The quick repair with an optional first step (no shipped protocol has one any more).
OPTIONAL_FIRST = replace(
    PROTOCOLS["quick"], steps=(replace(PROTOCOLS["quick"].steps[0], optional=True), *PROTOCOLS["quick"].steps[1:])
)


def started(protocol: str = "quick") -> Rupture:
    return changed(act(invited(protocol), SAM, Press(Move.READY))).rupture


def walk(protocol_key: str) -> list[tuple[Change, int]]:
    """Every change of a whole repair, from the invitation to the close, with who made it.

    On every mirrored step the speaker says "not quite" and what was missed, then "there's more";
    on every step that can be accepted the listener first says what they still need; one person
    says "not yet", tells the other what they still need and is answered, before both feel
    understood. A parent-led repair ends with the child's answer, reflected back. So every kind of
    turn appears.
    """
    protocol = PROTOCOLS[protocol_key]
    people = {Role.FIRST: ALEX, Role.SECOND: SAM}
    changes: list[tuple[Change, int]] = []
    rupture = invited(protocol_key)

    def do(who: int, action: Action, first: str | None = None) -> None:
        nonlocal rupture
        change = changed(act(rupture, who, action, first=first))
        changes.append((change, who))
        rupture = change.rupture

    do(SAM, Press(Move.READY))
    for number, step in enumerate(protocol.steps, start=1):
        if step.kind is Kind.AGREE:
            do(ALEX, Press(Move.AGREE))
            do(SAM, Press(Move.AGREE))
        elif step.kind is Kind.SEALED:
            do(ALEX, Write(f"Alex privately, step {number}."))
            do(SAM, Write(f"Sam privately, step {number}."), first=f"Alex privately, step {number}.")
        else:
            assert step.writer is not None
            writer, listener = people[step.writer], people[step.writer.other]
            do(writer, Write(f"{writer} speaks at step {number}."))
            if step.response is Response.MIRROR:
                do(listener, Write(f"{listener} heard step {number}."))
                do(writer, Press(Move.NOT_QUITE))
                do(writer, Write(f"{writer} says what was missed at step {number}."))
                do(listener, Write(f"{listener} heard step {number}, again."))
                do(writer, Press(Move.MORE))
                do(writer, Write(f"{writer} says more at step {number}."))
                do(listener, Write(f"{listener} heard the rest of step {number}."))
                do(writer, Press(Move.GOT_IT))
                if step.validate_prompt:
                    do(listener, Write(f"{listener} validates step {number}."))
            elif step.response is Response.ACCEPT:
                do(listener, Write(f"{listener} still needs something at step {number}."))
                do(writer, Write(f"{writer} answers it at step {number}."))
                do(listener, Press(Move.ACCEPT))
            elif step.response is Response.READ:
                do(listener, Press(Move.READ))
    if protocol.parent_led:
        do(SAM, Write("Sam says something after all."))
        do(ALEX, Write("Alex reflects it back."))
        assert rupture.phase.value == "closed"
        return changes
    do(SAM, Press(Move.NOT_YET))
    do(SAM, Write("Sam still needs to hear it won't happen again."))
    do(ALEX, Write("Alex answers what Sam needs."))
    do(ALEX, Press(Move.UNDERSTOOD))
    do(SAM, Press(Move.UNDERSTOOD))
    do(ALEX, Write("Alex will ask sooner."))
    do(SAM, Acknowledge(Role.FIRST))
    do(SAM, Press(Move.SKIP))
    assert rupture.phase.value == "closed"
    return changes
