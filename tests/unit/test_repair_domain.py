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
    Say,
    Snooze,
    Write,
)
from bot.events import (
    Accepted,
    Change,
    Closed,
    Confirmed,
    Left,
    MovedOn,
    NewPrompt,
    Ready,
    Refusal,
    RefusalReason,
    Revealed,
    SaidPhrase,
    SetAside,
    Skipped,
    Wrote,
    WrotePrivately,
)
from bot.people import erased_from
from bot.protocols import Kind, Protocol, Response, Role, Step
from bot.repair import can, decide, invitation, invitation_ended
from bot.rupture import Commitment, Due, Phase, Position, Progress, Rupture, Status, turn
from bot.schedule import INVITATION_LASTS, reminder_sent
from tests.pure import ALEX, NOW, OPTIONAL_FIRST, PROTOCOLS, ROBIN, SAM, act, changed, invited, refused, started


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


def test_the_speaker_is_looped_in_until_they_feel_heard() -> None:
    rupture = changed(act(started(), ALEX, Write("I felt alone."))).rupture
    rupture = changed(act(rupture, SAM, Write("You were sad."))).rupture
    assert rupture.phase is Phase.CONFIRM
    assert refused(act(rupture, SAM, Press(Move.GOT_IT))) is RefusalReason.NOT_YOUR_TURN
    not_quite = changed(act(rupture, ALEX, Press(Move.NOT_QUITE)))
    assert not_quite.events[0] == Confirmed(Role.FIRST, landed=False)
    clarify = not_quite.rupture
    assert clarify.position == Position(0, Phase.CLARIFY, 1) and turn(clarify, PROTOCOLS["quick"]) is Role.FIRST
    missed = changed(act(clarify, ALEX, Write("Alone, not sad."))).rupture
    assert missed.position == Position(0, Phase.MIRROR, 1), "the listener mirrors again, with what was missed"
    assert refused(act(missed, SAM, Write("late", rupture.position))) is RefusalReason.STALE
    rupture = changed(act(missed, SAM, Write("You felt alone."))).rupture
    more = changed(act(rupture, ALEX, Press(Move.MORE)))
    assert more.events[0] == Confirmed(Role.FIRST, True, more=True)
    assert more.rupture.position == Position(0, Phase.WRITE, 2), "is there more? the speaker adds it"
    rupture = changed(act(more.rupture, ALEX, Write("And tired."))).rupture
    rupture = changed(act(rupture, SAM, Write("Alone and tired."))).rupture
    rupture = changed(act(rupture, ALEX, Press(Move.GOT_IT))).rupture
    assert rupture.phase is Phase.VALIDATE
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND
    assert refused(act(rupture, ALEX, Press(Move.GOT_IT))) is RefusalReason.DONE_ALREADY
    rupture = changed(act(rupture, SAM, Write("That makes sense."))).rupture
    assert rupture.position == Position(1, Phase.WRITE, 0)
    assert turn(rupture, PROTOCOLS["quick"]) is Role.SECOND


def test_nothing_to_add_lets_the_listener_try_again() -> None:
    rupture = changed(act(started(), ALEX, Write("I felt alone."))).rupture
    rupture = changed(act(rupture, SAM, Write("You were sad."))).rupture
    clarify = changed(act(rupture, ALEX, Press(Move.NOT_QUITE))).rupture
    again = changed(act(clarify, ALEX, Press(Move.SKIP)))
    assert again.rupture.position == Position(0, Phase.MIRROR, 1) and again.has(NewPrompt)


def test_after_three_rounds_either_may_move_on_for_now() -> None:
    rupture = changed(act(started(), ALEX, Write("I felt alone."))).rupture
    for round_ in range(3):
        rupture = changed(act(rupture, SAM, Write(f"Try {round_}."))).rupture
        assert refused(act(rupture, SAM, Press(Move.MOVE_ON))) is RefusalReason.DONE_ALREADY, "not yet offered"
        rupture = changed(act(rupture, ALEX, Press(Move.NOT_QUITE))).rupture
        rupture = changed(act(rupture, ALEX, Press(Move.SKIP))).rupture
    rupture = changed(act(rupture, SAM, Write("Try 3."))).rupture
    assert rupture.round == 3
    moved_on = changed(act(rupture, SAM, Press(Move.MOVE_ON)))
    assert moved_on.events[0] == MovedOn(Role.SECOND), "the listener may move on too"
    assert moved_on.rupture.phase is Phase.VALIDATE


def _at_step(rupture: Rupture, index: int) -> Rupture:
    protocol = PROTOCOLS[rupture.protocol]
    kind = protocol.steps[index].kind
    return replace(rupture, step=index, phase=Phase.WRITE if kind is Kind.SPEAK else Phase.COLLECT)


def test_sealed_answers_are_kept_apart_until_both_are_in() -> None:
    rupture = _at_step(started("full"), 1)
    first = changed(act(rupture, SAM, Write("I'll say so.")))
    assert first.keep_private == (Role.SECOND, "I'll say so.")
    assert first.events == (WrotePrivately(Role.SECOND),)
    assert refused(act(first.rupture, SAM, Write("again"))) is RefusalReason.DONE_ALREADY
    second = changed(act(first.rupture, ALEX, Write("I'll ask."), second="I'll say so."))
    assert second.events[0] == Revealed(1, ((Role.FIRST, "I'll ask."), (Role.SECOND, "I'll say so.")))
    assert second.erase_private
    assert second.held_private == ((Role.SECOND, "I'll say so."),), "kept again if the reveal is undone"
    assert second.rupture.position == Position(2, Phase.WRITE, 0)


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


def test_a_need_the_listener_names_is_answered_by_the_speaker() -> None:
    protocol = PROTOCOLS["full"]
    index = next(i for i, s in enumerate(protocol.steps) if s.response is Response.ACCEPT)
    rupture = changed(act(_at_step(started("full"), index), ALEX, Write("My part."))).rupture
    assert rupture.phase is Phase.RESPOND
    accepted = changed(act(rupture, SAM, Press(Move.ACCEPT))).rupture
    assert accepted.step == index + 1
    needed = changed(act(rupture, SAM, Write("I need to hear sorry."))).rupture
    assert needed.position == Position(index, Phase.REPLY, 0) and turn(needed, protocol) is Role.FIRST
    answered = changed(act(needed, ALEX, Write("I'm sorry."))).rupture
    assert answered.position == Position(index, Phase.RESPOND, 1), "then the listener can accept, or say more"
    assert changed(act(answered, SAM, Press(Move.ACCEPT))).rupture.step == index + 1


def test_what_triggered_someone_is_at_least_read() -> None:
    protocol = PROTOCOLS["full"]
    index = next(i for i, s in enumerate(protocol.steps) if s.title == "What triggered me")
    rupture = changed(act(_at_step(started("full"), index), ALEX, Write("An old hurt."))).rupture
    assert rupture.phase is Phase.RESPOND
    read = changed(act(rupture, SAM, Press(Move.READ)))
    assert read.events[0] == Accepted(Role.SECOND, read=True) and read.rupture.step == index + 1


def test_only_optional_steps_can_be_skipped() -> None:
    rupture = started()
    assert refused(act(rupture, ALEX, Press(Move.SKIP))) is RefusalReason.DONE_ALREADY
    skipped = changed(decide(rupture, OPTIONAL_FIRST, ALEX, Press(Move.SKIP), Context(NOW)))
    assert skipped.events[0] == Skipped(Role.FIRST, Phase.WRITE) and skipped.rupture.step == 1


def test_a_parent_led_repair_is_complete_without_the_child_doing_anything() -> None:
    rupture = started("parent-child")
    assert refused(act(rupture, SAM, Write("Me first."))) is RefusalReason.NOT_YOUR_TURN
    for number in range(3):
        rupture = changed(act(rupture, ALEX, Write(f"The parent, step {number + 1}."))).rupture
    assert (rupture.status, rupture.phase) == (Status.RESOLVED, Phase.OFFER), "complete: the child is only offered"
    assert rupture.resolved_at == NOW
    assert refused(act(rupture, ALEX, Write("More."))) is RefusalReason.NOT_YOUR_TURN
    nothing = changed(act(rupture, SAM, Press(Move.SKIP)))
    assert nothing.rupture.phase is Phase.CLOSED and nothing.has(Closed)
    said = changed(act(rupture, SAM, Write("It was scary."))).rupture
    assert said.phase is Phase.REFLECT and turn(said, PROTOCOLS["parent-child"]) is Role.FIRST
    reflected = changed(act(said, ALEX, Write("You were scared.")))
    assert reflected.rupture.phase is Phase.CLOSED and reflected.has(Closed)


def test_not_yet_is_a_full_answer_and_what_is_still_needed_is_answered() -> None:
    rupture = replace(started(), step=4, phase=Phase.RECOGNITION)
    not_yet = changed(act(rupture, SAM, Press(Move.NOT_YET))).rupture
    assert not_yet.status is Status.ACTIVE and not_yet.second.progress is Progress.NOT_YET
    assert refused(act(not_yet, ALEX, Write("I think you do."))) is RefusalReason.DONE_ALREADY
    need = changed(act(not_yet, SAM, Write("To hear it won't happen again.")))
    assert need.rupture.phase is Phase.HEAR and turn(need.rupture, PROTOCOLS["quick"]) is Role.FIRST
    heard = changed(act(need.rupture, ALEX, Write("It won't; I'll ask first."))).rupture
    assert heard.position == Position(4, Phase.RECOGNITION, 1) and heard.second.progress is Progress.NONE
    assert changed(act(heard, SAM, Press(Move.UNDERSTOOD))).rupture.second.progress is Progress.UNDERSTOOD


def test_were_okay_now_leads_to_the_same_last_question() -> None:
    rupture = started()
    okay = changed(act(rupture, ALEX, AnswerCheckin(CheckinAnswer.OKAY))).rupture
    both = changed(act(okay, SAM, AnswerCheckin(CheckinAnswer.OKAY))).rupture
    assert (both.status, both.phase) == (Status.ACTIVE, Phase.RECOGNITION)
    led = act(started("parent-child"), SAM, AnswerCheckin(CheckinAnswer.OKAY))
    assert refused(led) is RefusalReason.STALE, "led by a parent, nobody is asked to say they're okay"


def test_a_repair_phrase_is_sent_outside_the_turns_but_not_in_a_break() -> None:
    rupture = started()
    said = changed(act(rupture, SAM, Say("sorry1")))
    assert said.events == (SaidPhrase(Role.SECOND, "sorry1"),) and said.rupture.position == rupture.position
    paused = changed(act(rupture, ALEX, Pause(timedelta(hours=1)))).rupture
    assert refused(act(paused, SAM, Say("calm1"))) is RefusalReason.PAUSED
    assert refused(act(invited(), ALEX, Say("calm1"))) is RefusalReason.NOT_STARTED


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
    rupture = _at_step(started("full"), 1)
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
