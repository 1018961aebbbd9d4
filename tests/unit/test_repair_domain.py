"""The repair domain decides who may act and what each action changes, with no Discord involved."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.protocols import Kind, Protocol, Response, Role, Step, load_protocols
from bot.repair import (
    Action,
    Change,
    Commitment,
    Due,
    Mark,
    Notice,
    Phase,
    Position,
    Refusal,
    Refuse,
    Revealed,
    Rupture,
    Seat,
    Status,
    Written,
    decide,
    turn,
    without,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ALEX, SAM, ROBIN = 1, 2, 3
PROTOCOLS = load_protocols()


def invited(protocol: str = "quick") -> Rupture:
    return Rupture(1, 10, 100, protocol, Status.INVITED, Seat(ALEX), Seat(SAM), NOW, NOW)


def changed(decision: Refusal | Change) -> Change:
    assert isinstance(decision, Change), decision
    return decision


def refused(decision: Refusal | Change) -> Refuse:
    assert isinstance(decision, Refusal), decision
    return decision.reason


def act(rupture: Rupture, who: int, action: Action, **options: object) -> Refusal | Change:
    protocol = PROTOCOLS[rupture.protocol]
    return decide(rupture, protocol, who, action, NOW, **options)  # type: ignore[arg-type]


def started(protocol: str = "quick") -> Rupture:
    return changed(act(invited(protocol), SAM, Action.READY)).rupture


def test_only_the_partner_answers_the_invitation() -> None:
    assert refused(act(invited(), ALEX, Action.READY)) is Refuse.NOT_FOR_YOU
    assert refused(act(invited(), ROBIN, Action.READY)) is Refuse.OUTSIDER
    ready = changed(act(invited(), SAM, Action.READY)).rupture
    assert (ready.status, ready.position) == (Status.ACTIVE, Position(0, Phase.WRITE, 0))


def test_not_now_waits_and_decline_closes_with_the_same_neutral_notice() -> None:
    not_now = changed(act(invited(), SAM, Action.NOT_NOW))
    decline = changed(act(invited(), SAM, Action.DECLINE))
    assert not_now.rupture.status is Status.INVITED
    assert decline.rupture.status is Status.DECLINED
    assert not_now.events == decline.events == (Notice(Action.NOT_NOW, Role.SECOND),)


def test_the_floor_belongs_to_the_writer_then_the_listener() -> None:
    rupture = started()
    protocol = PROTOCOLS["quick"]
    assert turn(rupture, protocol) is Role.FIRST
    decision = act(rupture, SAM, Action.WRITE, text="me first")
    assert isinstance(decision, Refusal)
    assert (decision.reason, decision.turn) == (Refuse.NOT_YOUR_TURN, Role.FIRST)
    written = changed(act(rupture, ALEX, Action.WRITE, text="I felt alone."))
    assert written.events == (Written(Role.FIRST, Phase.WRITE, "I felt alone."),)
    assert written.rupture.phase is Phase.MIRROR
    assert turn(written.rupture, protocol) is Role.SECOND


def test_not_quite_sends_the_listener_back_and_got_it_moves_to_validation() -> None:
    rupture = changed(act(started(), ALEX, Action.WRITE, text="I felt alone.")).rupture
    rupture = changed(act(rupture, SAM, Action.WRITE, text="You were sad.")).rupture
    assert rupture.phase is Phase.CONFIRM
    assert refused(act(rupture, SAM, Action.GOT_IT)) is Refuse.NOT_YOUR_TURN
    again = changed(act(rupture, ALEX, Action.NOT_QUITE)).rupture
    assert again.position == Position(0, Phase.MIRROR, 1)
    assert refused(act(again, SAM, Action.WRITE, text="late", at=rupture.position)) is Refuse.STALE
    rupture = changed(act(again, SAM, Action.WRITE, text="You felt alone.")).rupture
    rupture = changed(act(rupture, ALEX, Action.GOT_IT)).rupture
    assert rupture.phase is Phase.VALIDATE
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND
    assert refused(act(rupture, ALEX, Action.GOT_IT)) is Refuse.DONE_ALREADY
    rupture = changed(act(rupture, SAM, Action.WRITE, text="That makes sense.")).rupture
    assert rupture.position == Position(1, Phase.WRITE, 0)
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND


def _at_step(rupture: Rupture, index: int) -> Rupture:
    protocol = PROTOCOLS[rupture.protocol]
    kind = protocol.steps[index].kind
    return replace(rupture, step=index, phase=Phase.WRITE if kind is Kind.SPEAK else Phase.COLLECT)


def test_sealed_answers_are_kept_apart_until_both_are_in() -> None:
    rupture = _at_step(started(), 2)
    first = changed(act(rupture, SAM, Action.WRITE, text="I'll say so."))
    assert first.seal == (Role.SECOND, "I'll say so.")
    assert not any(isinstance(e, Revealed) for e in first.events)
    assert refused(act(first.rupture, SAM, Action.WRITE, text="again")) is Refuse.DONE_ALREADY
    second = changed(act(first.rupture, ALEX, Action.WRITE, text="I'll ask.", sealed={Role.SECOND: "I'll say so."}))
    assert second.events == (Revealed(((Role.FIRST, "I'll ask."), (Role.SECOND, "I'll say so."))),)
    assert second.unseal
    assert second.rupture.phase is Phase.RECOGNITION


def test_both_must_agree_to_move_on() -> None:
    rupture = started("full")
    assert rupture.phase is Phase.COLLECT
    one = changed(act(rupture, ALEX, Action.AGREE)).rupture
    assert one.step == 0 and one.first.mark is Mark.DONE
    both = changed(act(one, SAM, Action.AGREE)).rupture
    assert both.position == Position(1, Phase.COLLECT, 0)
    assert both.first.mark is both.second.mark is Mark.NONE


def test_the_listener_may_accept_or_say_what_they_still_need() -> None:
    protocol = PROTOCOLS["full"]
    index = next(i for i, s in enumerate(protocol.steps) if s.response is Response.ACCEPT)
    rupture = changed(act(_at_step(started("full"), index), ALEX, Action.WRITE, text="My part.")).rupture
    assert rupture.phase is Phase.RESPOND
    accepted = changed(act(rupture, SAM, Action.ACCEPT)).rupture
    needed = changed(act(rupture, SAM, Action.WRITE, text="I need to hear sorry.")).rupture
    assert accepted.step == needed.step == index + 1


def test_only_optional_steps_can_be_skipped() -> None:
    rupture = started("parent-child")
    assert refused(act(rupture, ALEX, Action.SKIP)) is Refuse.DONE_ALREADY
    child_step = _at_step(rupture, 3)
    assert refused(act(child_step, ALEX, Action.SKIP)) is Refuse.NOT_YOUR_TURN
    skipped = changed(act(child_step, SAM, Action.SKIP)).rupture
    assert skipped.phase is Phase.RECOGNITION


def test_resolved_only_when_both_feel_understood() -> None:
    rupture = replace(started(), step=3, phase=Phase.RECOGNITION)
    not_yet = changed(act(rupture, SAM, Action.NOT_YET)).rupture
    yes = changed(act(not_yet, ALEX, Action.UNDERSTOOD)).rupture
    assert yes.status is Status.ACTIVE
    assert refused(act(yes, ALEX, Action.UNDERSTOOD)) is Refuse.DONE_ALREADY
    resolved = changed(act(yes, SAM, Action.UNDERSTOOD)).rupture
    assert (resolved.status, resolved.phase) == (Status.RESOLVED, Phase.COMMITMENTS)


def test_commitments_are_acknowledged_by_the_other_then_the_repair_closes() -> None:
    rupture = replace(started(), status=Status.RESOLVED, step=3, phase=Phase.COMMITMENTS)
    named = changed(act(rupture, ALEX, Action.WRITE, text="I'll ask sooner.")).rupture
    assert named.first.commitment is Commitment.NAMED
    assert refused(act(named, ALEX, Action.ACKNOWLEDGE, about=Role.FIRST)) is Refuse.NOT_FOR_YOU
    acknowledged = changed(act(named, SAM, Action.ACKNOWLEDGE, about=Role.FIRST)).rupture
    assert acknowledged.first.commitment is Commitment.ACKNOWLEDGED
    closed = changed(act(acknowledged, SAM, Action.SKIP)).rupture
    assert closed.phase is Phase.CLOSED
    assert refused(act(closed, ALEX, Action.WRITE, text="more")) is Refuse.ENDED


def test_a_break_lasts_twenty_minutes_to_a_day_and_only_its_owner_ends_it_early() -> None:
    rupture = started()
    short = changed(act(rupture, SAM, Action.PAUSE, until=NOW + timedelta(minutes=1))).rupture
    assert short.paused_until == NOW + timedelta(minutes=20)
    long = changed(act(rupture, SAM, Action.PAUSE, until=NOW + timedelta(days=3))).rupture
    assert long.paused_until == NOW + timedelta(hours=24)
    assert refused(act(short, ALEX, Action.WRITE, text="x")) is Refuse.PAUSED
    assert refused(act(short, ALEX, Action.END_PAUSE)) is Refuse.NOT_FOR_YOU
    ended = changed(act(short, SAM, Action.END_PAUSE)).rupture
    assert ended.paused_until is None
    assert refused(act(invited(), ALEX, Action.PAUSE, until=NOW)) is Refuse.NOT_STARTED


def test_either_person_can_leave_at_any_time_and_then_it_has_ended() -> None:
    for rupture in (invited(), started()):
        left = changed(act(rupture, ALEX, Action.LEAVE))
        assert left.rupture.status is Status.LEFT
        assert left.events == (Notice(Action.LEAVE, Role.FIRST),)
        assert refused(act(left.rupture, SAM, Action.LEAVE)) is Refuse.ENDED
    assert refused(act(started(), ROBIN, Action.LEAVE)) is Refuse.OUTSIDER


@pytest.mark.parametrize("action", list(Action))
def test_an_outsider_can_do_nothing(action: Action) -> None:
    assert refused(act(started(), ROBIN, action, text="x", until=NOW, about=Role.FIRST)) is Refuse.OUTSIDER


def test_a_protocol_in_memory_works_like_a_file() -> None:
    tiny = Protocol("tiny", "Tiny", "One step.", "a", "b", (Step(Kind.SPEAK, "Say it", "Go."),))
    rupture = replace(started(), protocol="tiny")
    decision = decide(rupture, tiny, ALEX, Action.WRITE, NOW, text="Done.")
    assert isinstance(decision, Change)
    assert decision.rupture.phase is Phase.RECOGNITION


def test_we_are_okay_counts_only_until_something_else_happens() -> None:
    rupture = started()
    okay = changed(act(rupture, ALEX, Action.OKAY)).rupture
    assert okay.first.okay
    moved_on = changed(act(okay, ALEX, Action.WRITE, text="Actually, one more thing.")).rupture
    assert not moved_on.first.okay
    still_open = changed(act(moved_on, SAM, Action.OKAY)).rupture
    assert still_open.status is Status.ACTIVE, "an old 'okay' does not close a later conversation"


def test_a_break_that_ran_out_is_over_for_the_next_action() -> None:
    paused = changed(act(started(), SAM, Action.PAUSE, until=NOW + timedelta(minutes=20))).rupture
    later = NOW + timedelta(hours=1)
    resumed = decide(paused, PROTOCOLS["quick"], ALEX, Action.WRITE, later, text="I'm back.")
    assert isinstance(resumed, Change)
    assert resumed.rupture.paused_until is None
    assert resumed.rupture.due is Due.CHECKIN, "no stale 'the break is over' is planned"


def test_leaving_in_the_middle_of_a_sealed_step_erases_what_was_written() -> None:
    rupture = _at_step(started(), 2)
    sealed = changed(act(rupture, SAM, Action.WRITE, text="I'll say so."))
    assert not sealed.unseal
    left = changed(act(sealed.rupture, ALEX, Action.LEAVE))
    assert left.unseal


def test_erasing_a_person_anonymises_their_seat_and_settles_what_waited_for_them() -> None:
    resolved = replace(started(), status=Status.RESOLVED, step=3, phase=Phase.COMMITMENTS)
    named = changed(act(resolved, ALEX, Action.WRITE, text="I'll ask sooner.")).rupture
    alone = without(named, SAM)
    assert alone.second.user_id is None
    assert alone.phase is Phase.CLOSED, "nobody is left to acknowledge Alex's commitment"
    assert alone.second.commitment is Commitment.SKIPPED
    assert alone.due is Due.FOLLOWUP, "Alex is still asked about Alex's own commitment"
    gone = without(started(), ALEX)
    assert (gone.status, gone.phase, gone.first.user_id, gone.due) == (Status.ERASED, Phase.CLOSED, None, None)
