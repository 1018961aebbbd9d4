"""The repair domain decides who may act and what each action changes, with no Discord involved."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.actions import (
    Acknowledge,
    Action,
    AnswerCheckin,
    CheckinAnswer,
    Context,
    EndPause,
    Leave,
    Move,
    Pause,
    Press,
    Snooze,
    Write,
)
from bot.events import (
    Change,
    Closed,
    Confirmed,
    Left,
    NewPrompt,
    Ready,
    Refusal,
    RefusalReason,
    Revealed,
    SetAside,
    Wrote,
    WrotePrivately,
)
from bot.people import erased_from
from bot.protocols import Kind, Protocol, Response, Role, Step
from bot.repair import can, decide, invitation, invitation_ended
from bot.rupture import Commitment, Due, Phase, Position, Progress, Rupture, Status, turn
from bot.schedule import INVITATION_LASTS, reminder_sent
from tests.pure import ALEX, NOW, PROTOCOLS, ROBIN, SAM, act, changed, invited, refused, started


def test_only_the_partner_answers_the_invitation() -> None:
    assert refused(act(invited(), ALEX, Press(Move.READY))) is RefusalReason.NOT_FOR_YOU
    assert refused(act(invited(), ROBIN, Press(Move.READY))) is RefusalReason.OUTSIDER
    ready = changed(act(invited(), SAM, Press(Move.READY)))
    assert (ready.rupture.status, ready.rupture.position) == (Status.ACTIVE, Position(0, Phase.WRITE, 0))
    assert ready.events == (Ready(Role.SECOND), NewPrompt(Position(0, Phase.WRITE, 0)))


def test_every_answer_but_ready_leaves_the_invitation_exactly_as_no_answer_would_at_its_end() -> None:
    """Not now, a decline, "I feel afraid or pressured" and stepping away change only that no reminder
    comes: the invitation waits for the same end as one nobody answered, so nothing tells them apart."""
    unanswered = reminder_sent(invited())
    answers: list[Action] = [Press(Move.NOT_NOW), Press(Move.DECLINE), Press(Move.NOT_SAFE), Leave()]
    for action in answers:
        answered = changed(act(invited(), SAM, action))
        assert answered.rupture == unanswered, action
        assert [type(event) for event in answered.events] == [SetAside], action
    assert (unanswered.status, unanswered.due, unanswered.due_at) == (
        Status.INVITED,
        Due.INVITATION_END,
        NOW + INVITATION_LASTS,
    )
    assert changed(act(unanswered, SAM, Press(Move.READY))).rupture.status is Status.ACTIVE, "yes stays possible"


def test_an_unwanted_invitation_waits_for_the_same_end() -> None:
    unwanted = invitation(10, "quick", ALEX, SAM, NOW, unwanted=True)
    assert (unwanted.due, unwanted.due_at) == (Due.INVITATION_END, NOW + INVITATION_LASTS)
    assert invitation_ended(unwanted, NOW + INVITATION_LASTS).status is Status.ENDED


def test_the_floor_belongs_to_the_writer_then_the_listener() -> None:
    rupture = started()
    protocol = PROTOCOLS["quick"]
    assert turn(rupture, protocol) is Role.FIRST
    decision = act(rupture, SAM, Write("me first"))
    assert isinstance(decision, Refusal)
    assert (decision.reason, decision.turn) == (RefusalReason.NOT_YOUR_TURN, Role.FIRST)
    written = changed(act(rupture, ALEX, Write("I felt alone.")))
    assert written.events == (Wrote(Role.FIRST, Phase.WRITE, 0, "I felt alone."), NewPrompt(written.rupture.position))
    assert written.rupture.phase is Phase.MIRROR
    assert turn(written.rupture, protocol) is Role.SECOND


def test_not_quite_sends_the_listener_back_and_got_it_moves_to_validation() -> None:
    rupture = changed(act(started(), ALEX, Write("I felt alone."))).rupture
    rupture = changed(act(rupture, SAM, Write("You were sad."))).rupture
    assert rupture.phase is Phase.CONFIRM
    assert refused(act(rupture, SAM, Press(Move.GOT_IT))) is RefusalReason.NOT_YOUR_TURN
    not_quite = changed(act(rupture, ALEX, Press(Move.NOT_QUITE)))
    assert not_quite.events[0] == Confirmed(Role.FIRST, landed=False)
    again = not_quite.rupture
    assert again.position == Position(0, Phase.MIRROR, 1)
    assert refused(act(again, SAM, Write("late", rupture.position))) is RefusalReason.STALE
    rupture = changed(act(again, SAM, Write("You felt alone."))).rupture
    rupture = changed(act(rupture, ALEX, Press(Move.GOT_IT))).rupture
    assert rupture.phase is Phase.VALIDATE
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND
    assert refused(act(rupture, ALEX, Press(Move.GOT_IT))) is RefusalReason.DONE_ALREADY
    rupture = changed(act(rupture, SAM, Write("That makes sense."))).rupture
    assert rupture.position == Position(1, Phase.WRITE, 0)
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND


def _at_step(rupture: Rupture, index: int) -> Rupture:
    protocol = PROTOCOLS[rupture.protocol]
    kind = protocol.steps[index].kind
    return replace(rupture, step=index, phase=Phase.WRITE if kind is Kind.SPEAK else Phase.COLLECT)


def test_sealed_answers_are_kept_apart_until_both_are_in() -> None:
    rupture = _at_step(started(), 2)
    first = changed(act(rupture, SAM, Write("I'll say so.")))
    assert first.keep_private == (Role.SECOND, "I'll say so.")
    assert first.events == (WrotePrivately(Role.SECOND),)
    assert refused(act(first.rupture, SAM, Write("again"))) is RefusalReason.DONE_ALREADY
    second = changed(act(first.rupture, ALEX, Write("I'll ask."), second="I'll say so."))
    assert second.events[0] == Revealed(2, ((Role.FIRST, "I'll ask."), (Role.SECOND, "I'll say so.")))
    assert second.erase_private
    assert second.held_private == ((Role.SECOND, "I'll say so."),), "kept again if the reveal is undone"
    assert second.rupture.phase is Phase.RECOGNITION


def test_both_must_agree_to_move_on() -> None:
    rupture = started("full")
    assert rupture.phase is Phase.COLLECT
    assert refused(act(rupture, ALEX, Write("words"))) is RefusalReason.DONE_ALREADY, "an agree step takes no words"
    one = changed(act(rupture, ALEX, Press(Move.AGREE)))
    assert one.rupture.step == 0 and one.rupture.first.progress is Progress.DONE
    assert not one.has(NewPrompt)
    both = changed(act(one.rupture, SAM, Press(Move.AGREE))).rupture
    assert both.position == Position(1, Phase.COLLECT, 0)
    assert both.first.progress is both.second.progress is Progress.NONE


def test_the_listener_may_accept_or_say_what_they_still_need() -> None:
    protocol = PROTOCOLS["full"]
    index = next(i for i, s in enumerate(protocol.steps) if s.response is Response.ACCEPT)
    rupture = changed(act(_at_step(started("full"), index), ALEX, Write("My part."))).rupture
    assert rupture.phase is Phase.RESPOND
    accepted = changed(act(rupture, SAM, Press(Move.ACCEPT))).rupture
    needed = changed(act(rupture, SAM, Write("I need to hear sorry."))).rupture
    assert accepted.step == needed.step == index + 1


def test_only_optional_steps_can_be_skipped() -> None:
    rupture = started("parent-child")
    assert refused(act(rupture, ALEX, Press(Move.SKIP))) is RefusalReason.DONE_ALREADY
    child_step = _at_step(rupture, 3)
    assert refused(act(child_step, ALEX, Press(Move.SKIP))) is RefusalReason.NOT_YOUR_TURN
    skipped = changed(act(child_step, SAM, Press(Move.SKIP))).rupture
    assert skipped.phase is Phase.RECOGNITION


def test_resolved_only_when_both_feel_understood() -> None:
    rupture = replace(started(), step=3, phase=Phase.RECOGNITION)
    not_yet = changed(act(rupture, SAM, Press(Move.NOT_YET))).rupture
    yes = changed(act(not_yet, ALEX, Press(Move.UNDERSTOOD))).rupture
    assert yes.status is Status.ACTIVE
    assert refused(act(yes, ALEX, Press(Move.UNDERSTOOD))) is RefusalReason.DONE_ALREADY
    resolved = changed(act(yes, SAM, Press(Move.UNDERSTOOD))).rupture
    assert (resolved.status, resolved.phase) == (Status.RESOLVED, Phase.COMMITMENTS)


def test_commitments_are_acknowledged_by_the_other_then_the_repair_closes() -> None:
    rupture = replace(started(), status=Status.RESOLVED, step=3, phase=Phase.COMMITMENTS)
    named = changed(act(rupture, ALEX, Write("I'll ask sooner."))).rupture
    assert named.first.commitment is Commitment.NAMED
    assert refused(act(named, ALEX, Acknowledge(Role.FIRST))) is RefusalReason.NOT_FOR_YOU
    acknowledged = changed(act(named, SAM, Acknowledge(Role.FIRST))).rupture
    assert acknowledged.first.commitment is Commitment.ACKNOWLEDGED
    closed = changed(act(acknowledged, SAM, Press(Move.SKIP)))
    assert closed.rupture.phase is Phase.CLOSED
    assert closed.has(Closed)
    assert refused(act(closed.rupture, ALEX, Write("more"))) is RefusalReason.ENDED


def test_a_break_lasts_twenty_minutes_to_a_day_and_only_its_owner_ends_it_early() -> None:
    rupture = started()
    short = changed(act(rupture, SAM, Pause(timedelta(minutes=1)))).rupture
    assert short.paused_until == NOW + timedelta(minutes=20)
    long = changed(act(rupture, SAM, Pause(timedelta(days=3)))).rupture
    assert long.paused_until == NOW + timedelta(hours=24)
    assert refused(act(short, ALEX, Write("x"))) is RefusalReason.PAUSED
    assert refused(act(short, ALEX, EndPause())) is RefusalReason.NOT_FOR_YOU
    ended = changed(act(short, SAM, EndPause()))
    assert ended.rupture.paused_until is None
    assert ended.has(NewPrompt), "the step is shown again"
    assert refused(act(invited(), ALEX, Pause(timedelta(minutes=20)))) is RefusalReason.NOT_STARTED


def test_either_person_can_leave_at_any_time_and_then_it_has_ended() -> None:
    for rupture in (invited(), started()):
        left = changed(act(rupture, ALEX, Leave()))
        assert left.rupture.status is Status.LEFT
        assert left.events == (Left(Role.FIRST), Closed(Status.LEFT))
        assert refused(act(left.rupture, SAM, Leave())) is RefusalReason.ENDED
    assert refused(act(started(), ROBIN, Leave())) is RefusalReason.OUTSIDER


EVERY_KIND_OF_ACTION: list[Action] = [
    *(Press(move) for move in Move),
    Write("x"),
    Acknowledge(Role.FIRST),
    Pause(timedelta(minutes=20)),
    EndPause(),
    Leave(),
    *(AnswerCheckin(answer) for answer in CheckinAnswer),
    Snooze(timedelta(days=1)),
]


@pytest.mark.parametrize("action", EVERY_KIND_OF_ACTION)
def test_an_outsider_can_do_nothing(action: Action) -> None:
    assert refused(act(started(), ROBIN, action)) is RefusalReason.OUTSIDER


def test_the_dry_run_refuses_as_deciding_would_and_changes_nothing() -> None:
    rupture = started()
    refusal = can(rupture, PROTOCOLS["quick"], SAM, Write(""), NOW)
    assert refusal is not None and refusal.reason is RefusalReason.NOT_YOUR_TURN
    assert can(rupture, PROTOCOLS["quick"], ALEX, Write(""), NOW) is None


def test_a_protocol_in_memory_works_like_a_file() -> None:
    tiny = Protocol("tiny", "Tiny", "One step.", "a", "b", (Step(Kind.SPEAK, "Say it", "Go."),))
    rupture = replace(started(), protocol="tiny")
    decision = decide(rupture, tiny, ALEX, Write("Done."), Context(NOW))
    assert isinstance(decision, Change)
    assert decision.rupture.phase is Phase.RECOGNITION


def test_we_are_okay_counts_only_until_something_else_happens() -> None:
    rupture = started()
    okay = changed(act(rupture, ALEX, AnswerCheckin(CheckinAnswer.OKAY))).rupture
    assert okay.first.okay
    moved_on = changed(act(okay, ALEX, Write("Actually, one more thing."))).rupture
    assert not moved_on.first.okay
    still_open = changed(act(moved_on, SAM, AnswerCheckin(CheckinAnswer.OKAY))).rupture
    assert still_open.status is Status.ACTIVE, "an old 'okay' does not close a later conversation"


def test_a_break_that_ran_out_is_over_for_the_next_action() -> None:
    paused = changed(act(started(), SAM, Pause(timedelta(minutes=20)))).rupture
    resumed = changed(act(paused, ALEX, Write("I'm back."), at=NOW + timedelta(hours=1)))
    assert resumed.rupture.paused_until is None
    assert resumed.rupture.due is Due.CHECKIN, "no stale 'the break is over' is planned"


def test_leaving_in_the_middle_of_a_sealed_step_erases_what_was_written() -> None:
    rupture = _at_step(started(), 2)
    sealed = changed(act(rupture, SAM, Write("I'll say so.")))
    assert not sealed.erase_private
    left = changed(act(sealed.rupture, ALEX, Leave(), second="I'll say so."))
    assert left.erase_private


def test_erasing_a_person_anonymises_their_seat_and_settles_what_waited_for_them() -> None:
    resolved = replace(started(), status=Status.RESOLVED, step=3, phase=Phase.COMMITMENTS)
    named = changed(act(resolved, ALEX, Write("I'll ask sooner."))).rupture
    alone = erased_from(named, SAM)
    assert alone.second.user_id is None
    assert alone.phase is Phase.CLOSED, "nobody is left to acknowledge Alex's commitment"
    assert alone.second.commitment is Commitment.SKIPPED
    assert alone.due is Due.FOLLOWUP, "Alex is still asked about Alex's own commitment"
    gone = erased_from(started(), ALEX)
    assert (gone.status, gone.phase, gone.first.user_id, gone.due) == (Status.ERASED, Phase.CLOSED, None, None)
