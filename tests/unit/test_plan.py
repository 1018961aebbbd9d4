"""The pure plan: what every step, event and refusal shows, checked with no Discord and no stand-in."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot import components
from bot.actions import AnswerCheckin, CheckinAnswer, Context, EndPause, Leave, Move, Pause, Press, Snooze, Write
from bot.components import AcknowledgeButton, EndBreak, ResourcesButton, TurnButton, WriteButton
from bot.events import Change, CommitmentNamed, NewPrompt, Refusal, RefusalReason, Revealed, Wrote
from bot.plan import MESSAGE_CARD_CHARACTERS, MESSAGE_CARD_LIMIT, Plan, Style, Tone
from bot.planner import Actor, plan_change, plan_refusal
from bot.protocols import Role
from bot.repair import decide
from bot.rupture import Phase, Position, Rupture, Status
from bot.schedule import INVITATION_LASTS
from bot.wording import privacy, refusals
from bot.wording import turns as words
from tests.pure import ALEX, NOW, OPTIONAL_FIRST, PROTOCOLS, SAM, act, changed, invited, started, walk

NAMES = {ALEX: "Alex", SAM: "Sam"}
SET_ASIDE = (Move.NOT_NOW, Move.DECLINE, Move.NOT_SAFE)
WALKED = [(key, index, change, who) for key in PROTOCOLS for index, (change, who) in enumerate(walk(key))]


def planned(change: Change, who: int, *, private: bool = False) -> Plan:
    return plan_change(change, PROTOCOLS[change.rupture.protocol], Actor(who, NAMES[who], from_private_message=private))


def texts(plan: Plan) -> str:
    return "\n".join(card.text for post in plan.posts for card in post.cards)


def lines(plan: Plan) -> list[str]:
    """The neutral lines a plan puts in the thread."""
    return [card.text for post in plan.posts for card in post.cards if card.tone is Tone.QUIET]


def reply_text(plan: Plan) -> str | None:
    return None if plan.reply is None else plan.reply.text


@pytest.mark.parametrize(("key", "index", "change", "who"), WALKED, ids=[f"{k}-{i}" for k, i, _, _ in WALKED])
def test_every_change_of_every_protocol_shows_what_happened_and_the_next_prompt(
    key: str, index: int, change: Change, who: int
) -> None:
    plan = planned(change, who)
    rupture = change.rupture
    for post in plan.posts:
        assert len(post.cards) <= MESSAGE_CARD_LIMIT
        assert sum(len(card) for card in post.cards) <= MESSAGE_CARD_CHARACTERS
        assert not post.pings, "nothing a change shows pings anyone"
        assert all(len(button.label) <= 80 and len(button.target) <= 100 for button in post.buttons)
    if change.has(NewPrompt):
        carrying = [post for post in plan.posts if post.carries_prompt]
        assert carrying == [plan.posts[-1]], "the prompt is the last message, and recorded"
        buttons = carrying[0].buttons
        answers = rupture.phase in (Phase.CONFIRM, Phase.CLARIFY, Phase.RESPOND, Phase.RECOGNITION, Phase.OFFER)
        if (
            answers
            and len([b for b in buttons if isinstance(components.parse(b.target), TurnButton | WriteButton)]) > 1
        ):
            assert all(b.style is Style.SECONDARY for b in buttons), "answers look alike: none is pushed"
        else:
            assert buttons[0].style is Style.PRIMARY, "one thing to do is the main button"
        for button in buttons:
            parsed = components.parse(button.target)
            assert parsed is not None and getattr(parsed, "rupture_id", rupture.id) == rupture.id
            if isinstance(parsed, TurnButton | WriteButton | AcknowledgeButton):
                assert parsed.at == rupture.position, "buttons are made for where the repair stands"
        assert [edit.message_id for edit in plan.edits][:1] == [500], "the old prompt is retired"
    for event in change.events:
        if isinstance(event, Wrote | CommitmentNamed):
            written = [card for post in plan.posts for card in post.cards if card.text == event.text]
            assert written and written[0].byline is not None and written[0].byline.name == NAMES[who]
        if isinstance(event, Revealed):
            assert all(answer in texts(plan) for _, answer in event.answers)
    assert (plan.undo is None) == (rupture.status in (Status.DECLINED, Status.LEFT))


def test_the_invitation_answered_keeps_only_its_help_button() -> None:
    plan = planned(changed(act(invited(), SAM, Press(Move.READY))), SAM)
    assert lines(plan) == [words.ready(SAM)]
    assert plan.edits[0].message_id == 500
    assert [b.target for b in plan.edits[0].buttons] == [ResourcesButton().custom_id]
    assert plan.reply is None


def test_every_answer_but_ready_shows_the_thread_nothing_and_only_the_person_is_told() -> None:
    plans = {move: planned(changed(act(invited(), SAM, Press(move))), SAM) for move in SET_ASIDE}
    for move, plan in plans.items():
        assert (plan.posts, plan.edits, plan.archive, plan.tells_the_thread) == ((), (), False, False), move
    ends = NOW + INVITATION_LASTS
    assert reply_text(plans[Move.NOT_NOW]) == words.set_aside_reply(ALEX, False, ends)
    assert reply_text(plans[Move.DECLINE]) == words.set_aside_reply(ALEX, True, ends)
    unsafe = plans[Move.NOT_SAFE].reply
    assert unsafe is not None and unsafe.text == words.NOT_YOUR_FAULT
    assert [card.title for card in unsafe.cards] == [privacy.HELP_AND_SAFETY]


def test_a_sealed_answer_refreshes_the_prompt_and_is_not_shown() -> None:
    rupture = replace(started("full"), step=1, phase=Phase.COLLECT)
    plan = planned(changed(act(rupture, SAM, Write("I'll say so."))), SAM)
    assert plan.posts == ()
    [refresh] = plan.edits
    assert refresh.message_id == 500 and refresh.last_card is not None
    assert words.progress(1, words.WRITTEN) in refresh.last_card.text
    assert reply_text(plan) == words.wrote_privately_reply(ALEX)
    assert "I'll say so." not in str(plan)


def test_the_first_agreement_waits_and_the_second_moves_on() -> None:
    rupture = started("full")
    first = changed(act(rupture, ALEX, Press(Move.AGREE)))
    waiting = planned(first, ALEX)
    assert reply_text(waiting) == words.agreed_reply(SAM)
    assert waiting.edits[0].last_card is not None
    moved = planned(changed(act(first.rupture, SAM, Press(Move.AGREE))), SAM)
    assert moved.reply is None
    assert moved.posts[-1].carries_prompt


def test_a_skipped_turn_is_shown_and_a_skipped_commitment_is_private() -> None:
    skip = changed(decide(started(), OPTIONAL_FIRST, ALEX, Press(Move.SKIP), Context(NOW)))
    assert lines(plan_change(skip, OPTIONAL_FIRST, Actor(ALEX, "Alex"))) == [words.skipped(ALEX)]
    closing = replace(started(), status=Status.RESOLVED, step=4, phase=Phase.COMMITMENTS)
    private = planned(changed(act(closing, ALEX, Press(Move.SKIP))), ALEX)
    assert lines(private) == []
    assert reply_text(private) == words.NOTHING_TO_ADD_REPLY


def test_recognition_answers_are_private_until_both_feel_understood() -> None:
    asking = replace(started(), step=3, phase=Phase.RECOGNITION)
    not_yet = planned(changed(act(asking, SAM, Press(Move.NOT_YET))), SAM)
    assert (not_yet.posts, reply_text(not_yet)) == ((), words.NOT_YET_REPLY)
    first = changed(act(asking, ALEX, Press(Move.UNDERSTOOD)))
    assert reply_text(planned(first, ALEX)) == words.understood_reply(SAM)
    both = planned(changed(act(first.rupture, SAM, Press(Move.UNDERSTOOD))), SAM)
    assert lines(both) == [words.RESOLVED_BY_RECOGNITION]
    assert both.posts[-1].cards[-1].title == words.CLOSING_TITLE and both.reply is None


def test_a_named_commitment_can_be_acknowledged_and_the_last_answer_closes() -> None:
    closing = replace(started(), status=Status.RESOLVED, step=3, phase=Phase.COMMITMENTS)
    named = changed(act(closing, ALEX, Write("I'll ask sooner.")))
    plan = planned(named, ALEX)
    [post] = plan.posts
    assert post.carries_commitment_of is Role.FIRST and not post.carries_prompt
    acknowledge = AcknowledgeButton(1, closing.position, Role.FIRST)
    assert [b.target for b in post.buttons] == [acknowledge.custom_id, ResourcesButton().custom_id]
    recorded = replace(named.rupture, first=replace(named.rupture.first, commitment_message_id=700))
    acknowledged = planned(changed(act(recorded, SAM, AcknowledgeButton(1, closing.position, Role.FIRST).action)), SAM)
    assert [(e.message_id, e.footer) for e in acknowledged.edits] == [(700, words.acknowledged_by("Sam"))]
    done = planned(changed(act(recorded, SAM, Press(Move.SKIP))), SAM)
    assert done.posts == () and not done.archive, "Alex's commitment still waits to be acknowledged"
    last = changed(
        act(
            changed(act(recorded, SAM, Press(Move.SKIP))).rupture,
            SAM,
            AcknowledgeButton(1, closing.position, Role.FIRST).action,
        )
    )
    closed = planned(last, SAM)
    assert texts(closed) == words.COMPLETE and closed.archive
    assert 500 in [edit.message_id for edit in closed.edits], "the closing prompt is retired"


def test_a_break_is_shown_neutrally_with_a_way_to_end_it_early() -> None:
    paused = changed(act(started(), SAM, Pause(timedelta(hours=1))))
    plan = planned(paused, SAM)
    until = NOW + timedelta(hours=1)
    assert lines(plan) == [words.paused(until)]
    assert [b.target for b in plan.posts[0].buttons] == [EndBreak(1).custom_id, ResourcesButton().custom_id]
    assert reply_text(plan) == words.paused_reply(until)
    ended = planned(changed(act(paused.rupture, SAM, EndPause())), SAM)
    assert lines(ended) == [words.BREAK_OVER] and ended.posts[-1].carries_prompt


def test_stepping_away_is_neutral_in_the_thread_and_private_to_the_person() -> None:
    plan = planned(changed(act(started(), ALEX, Leave())), ALEX)
    assert lines(plan) == [words.LEFT]
    assert reply_text(plan) == words.left_reply(SAM)
    assert plan.archive and plan.undo is None


def test_check_in_answers() -> None:
    rupture = started()
    okay = changed(act(rupture, ALEX, AnswerCheckin(CheckinAnswer.OKAY)))
    assert (planned(okay, ALEX).posts, reply_text(planned(okay, ALEX))) == ((), words.okay_reply(SAM))
    both = planned(changed(act(okay.rupture, SAM, AnswerCheckin(CheckinAnswer.OKAY))), SAM)
    assert lines(both) == [] and words.RECOGNITION in texts(both), "both okay: the last question, as after the steps"
    assert both.posts[-1].carries_prompt
    picked = changed(act(rupture, SAM, AnswerCheckin(CheckinAnswer.PICK_UP)))
    assert lines(planned(picked, SAM)) == [words.PICKED_UP] and planned(picked, SAM).reply is None
    assert reply_text(planned(picked, SAM, private=True)) == words.picked_up_reply(100)
    snoozed = planned(changed(act(rupture, SAM, Snooze(timedelta(days=3)))), SAM)
    assert lines(snoozed) == [words.snoozed(NOW + timedelta(days=3))]
    assert reply_text(snoozed) == words.snoozed_reply(NOW + timedelta(days=3))
    stopped = planned(changed(act(rupture, SAM, AnswerCheckin(CheckinAnswer.STOP))), SAM)
    assert (lines(stopped), reply_text(stopped)) == ([words.CHECKINS_STOPPED], words.STOPPED_REPLY)


def test_undoing_a_reveal_keeps_the_first_answer_again_and_gives_the_words_back() -> None:
    rupture = replace(started("full"), step=1, phase=Phase.COLLECT)
    first = changed(act(rupture, SAM, Write("Sam's answer.")))
    reveal = changed(act(first.rupture, ALEX, Write("Alex's answer."), second="Sam's answer."))
    undo = planned(reveal, ALEX).undo
    assert undo is not None
    assert undo.restore == first.rupture
    assert undo.keep_private == (Role.SECOND, "Sam's answer.")
    assert undo.words == "Alex's answer."


def _at(rupture: Rupture, phase: Phase, step: int = 0) -> Rupture:
    return replace(rupture, step=step, phase=phase)


REFUSALS = [
    (Refusal(RefusalReason.OUTSIDER), started(), refusals.outsider(ALEX, SAM)),
    (
        Refusal(RefusalReason.NOT_YOUR_TURN, Role.FIRST),
        started(),
        refusals.whose_turn(ALEX, Phase.WRITE, PROTOCOLS["quick"].steps[0].response),
    ),
    (
        Refusal(RefusalReason.NOT_YOUR_TURN, Role.SECOND),
        _at(started(), Phase.MIRROR),
        refusals.whose_turn(SAM, Phase.MIRROR, None),
    ),
    (Refusal(RefusalReason.NOT_FOR_YOU), invited(), refusals.only_invitee(SAM)),
    (Refusal(RefusalReason.NOT_FOR_YOU), _at(started(), Phase.COMMITMENTS, 3), refusals.OTHERS_COMMITMENT),
    (Refusal(RefusalReason.NOT_FOR_YOU), started(), refusals.NOT_YOUR_BREAK),
    (Refusal(RefusalReason.STALE), started(), refusals.STALE),
    (Refusal(RefusalReason.DONE_ALREADY), started(), refusals.DONE_ALREADY),
    (Refusal(RefusalReason.ENDED), started(), refusals.ENDED),
    (Refusal(RefusalReason.PAUSED), replace(started(), paused_until=NOW), refusals.on_a_break(NOW)),
    (Refusal(RefusalReason.NOT_STARTED), invited(), refusals.not_started(SAM)),
]


@pytest.mark.parametrize(("refusal", "rupture", "sentence"), REFUSALS)
def test_every_refusal_is_one_private_sentence_that_gives_the_words_back(
    refusal: Refusal, rupture: Rupture, sentence: str
) -> None:
    plan = plan_refusal(rupture, PROTOCOLS[rupture.protocol], refusal, "What I wrote.")
    assert plan.posts == () and plan.edits == () and not plan.archive
    assert plan.reply is not None and plan.reply.text == sentence
    assert plan.reply.words == "What I wrote."


def test_every_refusal_reason_has_its_case() -> None:
    assert {refusal.reason for refusal, _, _ in REFUSALS} == set(RefusalReason)


def test_a_prompt_is_made_for_its_position() -> None:
    rupture = started()
    plan = planned(changed(act(invited(), SAM, Press(Move.READY))), SAM)
    [write, say, take_break, leave, help_and_safety] = plan.posts[-1].buttons
    assert components.parse(write.target) == WriteButton(1, Position(0, Phase.WRITE, 0))
    assert rupture.position == Position(0, Phase.WRITE, 0)
    assert (say.label, take_break.label, leave.label) == (words.PHRASES, words.TAKE_A_BREAK, words.STEP_AWAY)
    assert help_and_safety.target == ResourcesButton().custom_id


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
def test_at_every_turn_of_every_protocol_writing_out_of_turn_is_refused_in_a_plain_sentence(protocol: str) -> None:
    for change, _ in walk(protocol):
        rupture = change.rupture
        for who in (ALEX, SAM):
            decision = decide(rupture, PROTOCOLS[protocol], who, Write("Too early?", rupture.position), Context(NOW))
            if isinstance(decision, Refusal):
                reply = plan_refusal(rupture, PROTOCOLS[protocol], decision, "Too early?").reply
                assert reply is not None and reply.words == "Too early?"
                assert reply.text.strip() and "None" not in reply.text, (rupture.position, reply.text)
