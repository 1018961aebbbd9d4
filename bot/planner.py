"""From a decision to a plan: what a change or a refusal shows, to the thread and to the person.

Pure functions of (rupture, protocol, change or refusal, who acted); no Discord, no I/O. Every
sentence comes from `bot.wording`: what the thread shows in the rupture's language, what the
person who acted is told in theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.actions import Move
from bot.components import AcknowledgeButton, EndBreak, FollowupWay, WriteButton
from bot.events import (
    Accepted,
    Agreed,
    BreakEnded,
    Change,
    CheckinsStopped,
    Closed,
    CommitmentAcknowledged,
    CommitmentNamed,
    Confirmed,
    Event,
    Left,
    MovedOn,
    NewPrompt,
    Paused,
    PickedUp,
    Ready,
    Recognised,
    Refusal,
    RefusalReason,
    Resolved,
    Revealed,
    SaidOkay,
    SaidPhrase,
    SetAside,
    Skipped,
    Snoozed,
    Wrote,
    WrotePrivately,
)
from bot.i18n import _, speaking
from bot.plan import Button, Byline, Card, Edit, Plan, Reply, Tone, Undo, pack, word_cards
from bot.posts import invitation
from bot.prompts import prompt, retired_invitation_buttons, with_help
from bot.protocols import Protocol, Role, translated
from bot.rupture import Phase, Progress, Rupture, Status, current_step, turn
from bot.wording import checkins, common, opening, phrases, privacy, refusals
from bot.wording import turns as words


@dataclass(frozen=True)
class Actor:
    """Who acted, as the plan needs them: their seat, and how their words are signed."""

    user_id: int
    name: str
    icon_url: str | None = None
    from_private_message: bool = False  # pressed a button in a reply only they could see
    locale: str = "en-US"  # their Discord client's language, for what is shown to them alone

    @property
    def byline(self) -> Byline:
        return Byline(self.name, self.icon_url)


MEND = Actor(user_id=0, name="Mend")  # for a change Mend makes itself, which nobody pressed for


def plan_change(change: Change, protocol: Protocol, actor: Actor) -> Plan:
    """What a saved change shows: posts in the thread, edits to earlier messages and how to undo it
    if the thread cannot be told (in the thread's language), and the private reply (in the actor's)."""
    with speaking(change.rupture.language):
        plan = _thread_part(change, protocol, actor)
    with speaking(actor.locale):
        return replace(plan, reply=_reply(change, actor))


def _thread_part(change: Change, protocol: Protocol, actor: Actor) -> Plan:
    rupture = change.rupture
    cards: list[Card] = []
    buttons: tuple[Button, ...] = ()
    for event in change.events:
        cards += _cards(event, change, protocol, actor)
        if isinstance(event, Paused):
            buttons = with_help(Button.to(EndBreak(rupture.id), _(words.END_BREAK)))
    if any(isinstance(e, Closed) and e.outcome is Status.RESOLVED for e in change.events):
        cards.append(Card(_(words.COMPLETE)))
    new_prompt = change.has(NewPrompt) and rupture.status in (Status.ACTIVE, Status.RESOLVED)
    named = next((e.role for e in change.events if isinstance(e, CommitmentNamed)), None)
    if new_prompt:
        card, buttons = prompt(rupture, protocol)
        cards.append(card)
    elif named is not None:
        buttons = with_help(Button.to(AcknowledgeButton(rupture.id, rupture.position, named), _(words.ACKNOWLEDGE)))
    posts = pack(cards, buttons, carries_prompt=new_prompt, carries_commitment_of=None if new_prompt else named)
    edits = _edits(change, protocol, actor, retire=new_prompt or change.has(Closed))
    return Plan(
        posts=posts if cards else (),
        edits=edits,
        archive=change.has(Closed),
        undo=None if _stands(change) else _undo(change, protocol, actor, edits),
    )


def _undo(change: Change, protocol: Protocol, actor: Actor, edits: tuple[Edit, ...]) -> Undo:
    """Put the rupture back, keep again any private answer the change erased, give the pressed prompt
    its buttons (and, where it was refreshed, its card) back, and return the person's words."""
    before, old = change.before, change.rupture.prompt_message_id
    own: Edit | None = None
    if old is not None and before.phase is Phase.INVITATION:
        own = Edit(old, buttons=invitation(before, protocol).buttons)
    elif old is not None:
        card, buttons = prompt(before, protocol)
        refreshed = any(edit.message_id == old and edit.last_card is not None for edit in edits)
        own = Edit(old, buttons=buttons, last_card=card if refreshed else None)
    held = change.held_private[0] if change.held_private else None
    return Undo(before, held, own, _words_of(change, actor))


def plan_refusal(rupture: Rupture, protocol: Protocol, refusal: Refusal, words_given: str | None = None) -> Plan:
    """A refusal is one private sentence (in the language spoken now: the person's); any words the
    person wrote are given back with it."""
    return Plan(reply=Reply(why_not(rupture, protocol, refusal), words=words_given))


def why_not(rupture: Rupture, protocol: Protocol, refusal: Refusal) -> str:
    """One plain sentence for why an action was not taken."""
    reason, first, second = refusal.reason, rupture.first.user_id, rupture.second.user_id
    if reason is RefusalReason.OUTSIDER:
        return refusals.outsider(first, second)
    if reason is RefusalReason.NOT_YOUR_TURN and refusal.turn is not None:
        step = current_step(rupture, protocol)
        return refusals.whose_turn(rupture.user_id(refusal.turn), rupture.phase, step.response if step else None)
    if reason is RefusalReason.NOT_FOR_YOU:
        if rupture.phase is Phase.INVITATION:
            return refusals.only_invitee(second)
        if rupture.phase is Phase.COMMITMENTS:
            return _(refusals.OTHERS_COMMITMENT)
        return _(refusals.NOT_YOUR_BREAK)
    if reason is RefusalReason.PAUSED and rupture.paused_until is not None:
        return refusals.on_a_break(rupture.paused_until)
    if reason is RefusalReason.NOT_STARTED:
        return refusals.not_started(second)
    if reason is RefusalReason.ENDED:
        return _(refusals.ENDED)
    if reason is RefusalReason.STALE:
        return _(refusals.STALE)
    return _(refusals.DONE_ALREADY)


def _cards(event: Event, change: Change, protocol: Protocol, actor: Actor) -> list[Card]:
    """What one event puts in the thread: someone's words, both sealed answers, or a neutral line."""
    steps = translated(protocol).steps
    more = _(common.CONTINUED)
    if isinstance(event, Wrote):
        step_title = steps[event.step].title if event.step < len(steps) else ""
        title = words.written_title(event.part, step_title)
        return word_cards(event.text, more, title=title, byline=actor.byline)
    if isinstance(event, SaidPhrase):
        said = phrases.phrase(event.phrase)
        return [Card(_(said) if said else "", byline=actor.byline)]
    if isinstance(event, CommitmentNamed):
        title = words.written_title(Phase.COMMITMENTS, "")
        return word_cards(event.text, more, title=title, byline=actor.byline)
    if isinstance(event, Revealed):
        title = steps[event.step].title
        rupture = change.rupture
        return [
            card
            for role, text in event.answers
            for card in word_cards(f"**{common.mention(rupture.user_id(role))}**\n{text}", more, title=title)
        ]
    line = _line(event, change)
    return [] if line is None else [Card(line, tone=Tone.QUIET)]


def _line(event: Event, change: Change) -> str | None:
    """The neutral line an event puts in the thread, or None when it stays private."""
    person = change.rupture.user_id
    match event:
        case Ready(role=role):
            return words.ready(person(role))
        case Confirmed(role=role, landed=landed, more=more):
            return words.confirmed(person(role), landed, more)
        case Accepted(role=role, read=read):
            return words.accepted(person(role), read)
        case MovedOn(role=None):
            return _(words.STEPS_CHANGED)
        case MovedOn():
            return _(words.MOVED_ON)
        case Skipped(role=role, part=Phase.WRITE):
            return words.skipped(person(role))
        case Left():
            return _(words.LEFT)
        case Paused(until=until):
            return words.paused(until)
        case BreakEnded():
            return _(words.BREAK_OVER)
        case PickedUp():
            return _(words.PICKED_UP)
        case Snoozed(until=until):
            return words.snoozed(until)
        case CheckinsStopped():
            return _(words.CHECKINS_STOPPED)
        case Resolved(parent_led=parent_led):
            return _(words.RESOLVED_BY_A_PARENT if parent_led else words.RESOLVED_BY_RECOGNITION)
    return None


def _edits(change: Change, protocol: Protocol, actor: Actor, *, retire: bool) -> tuple[Edit, ...]:
    """Retire the old prompt (or refresh it in place where both act), and mark acknowledgements."""
    rupture = change.rupture
    edits: list[Edit] = []
    old = rupture.prompt_message_id
    if old is not None and retire:
        answered_invitation = change.before.phase is Phase.INVITATION
        edits.append(Edit(old, buttons=retired_invitation_buttons() if answered_invitation else ()))
    elif old is not None and _shows_progress(change):
        card, buttons = prompt(rupture, protocol)
        edits.append(Edit(old, buttons=buttons, last_card=card))
    for event in change.events:
        message = rupture.seat(event.whose).commitment_message_id if isinstance(event, CommitmentAcknowledged) else None
        if message is not None:
            edits.append(Edit(message, footer=words.acknowledged_by(actor.name)))
    return tuple(edits)


def _shows_progress(change: Change) -> bool:
    """Whether the change is someone's part in a phase both act in, which the prompt counts."""
    return any(
        isinstance(event, WrotePrivately | Agreed | CommitmentNamed)
        or (isinstance(event, Skipped) and event.part is Phase.COMMITMENTS)
        for event in change.events
    )


def _reply(change: Change, actor: Actor) -> Reply | None:
    """A private word to the person who acted, where the thread alone would not tell them."""
    if any(isinstance(e, SetAside) and e.answer is Move.NOT_SAFE for e in change.events):
        return Reply(_(words.NOT_YOUR_FAULT), cards=(privacy.resources(actor.locale),))
    named = next((e for e in change.events if isinstance(e, CommitmentNamed)), None)
    if named is not None:
        ways = ((True, checkins.BY_DM), (False, checkins.IN_THE_THREAD))
        rupture_id = change.rupture.id
        buttons = tuple(Button.to(FollowupWay(rupture_id, named.role, by_dm), _(label)) for by_dm, label in ways)
        return Reply(_(checkins.HOW_TO_ASK), buttons=buttons)
    if any(isinstance(e, Recognised) and not e.understood for e in change.events):
        tell = Button.to(WriteButton(change.rupture.id, change.rupture.position), _(words.TELL_WHAT_I_NEED))
        return Reply(_(words.NOT_YET_REPLY), buttons=(tell,))
    sentences = (_private_word(event, change, actor) for event in change.events)
    sentence = next((s for s in sentences if s is not None), None)
    return None if sentence is None else Reply(sentence)


def _private_word(event: Event, change: Change, actor: Actor) -> str | None:
    rupture = change.rupture
    role = rupture.role_of(actor.user_id) or Role.FIRST
    other = rupture.user_id(role.other)
    resolved = change.has(Resolved)
    match event:
        case SetAside(answer=answer) if rupture.due_at is not None:
            return words.set_aside_reply(rupture.first.user_id, answer is Move.DECLINE, rupture.due_at)
        case WrotePrivately():
            return words.wrote_privately_reply(other)
        case Agreed() if not change.has(NewPrompt):
            return words.agreed_reply(other)
        case Recognised(understood=True) if not resolved:
            return words.understood_reply(other)
        case Left():
            return words.left_reply(other)
        case Paused(until=until):
            return words.paused_reply(until)
        case Skipped(part=Phase.COMMITMENTS):
            return _(words.NOTHING_TO_ADD_REPLY)
        case Snoozed(until=until):
            return words.snoozed_reply(until)
        case CheckinsStopped():
            return _(words.STOPPED_REPLY)
        case SaidOkay() if not resolved:
            return words.okay_reply(other)
        case PickedUp() if actor.from_private_message:
            return words.picked_up_reply(rupture.thread_id)
    return None


def _stands(change: Change) -> bool:
    """Stepping away always works, even when the thread cannot be told; so does moving on from a
    place the protocol no longer has (there is nothing to go back to)."""
    left = any(isinstance(e, Closed) and e.outcome is Status.LEFT for e in change.events)
    return left or any(isinstance(e, MovedOn) and e.role is None for e in change.events)


def _words_of(change: Change, actor: Actor) -> str | None:
    """What the person who acted wrote in this change, to give back if it cannot be shown."""
    role = change.rupture.role_of(actor.user_id)
    for event in change.events:
        if isinstance(event, Wrote | CommitmentNamed) and event.role is role:
            return event.text
        if isinstance(event, Revealed):
            return dict(event.answers).get(role) if role is not None else None
    return None


def standing(rupture: Rupture, protocol: Protocol, role: Role, now: datetime) -> str:
    """One line on where a rupture stands, from this person's side (in the language spoken now)."""
    other = rupture.user_id(role.other)
    if rupture.status is Status.INVITED:
        return opening.waiting_for_answer(other) if role is Role.FIRST else opening.invited_you(other)
    if rupture.is_paused(now) and rupture.paused_until is not None:
        return opening.on_a_break(rupture.paused_until)
    if rupture.dormant:
        return _(opening.RESTING)
    step = current_step(rupture, translated(protocol))
    where = opening.at_step(rupture.step + 1, len(protocol.steps), step.title) if step else _(opening.LAST_QUESTION)
    holder = turn(rupture, protocol)
    if holder is None:
        done = rupture.seat(role).progress in (Progress.DONE, Progress.UNDERSTOOD)
        whose = _(opening.WAITING_FOR_OTHER if done else opening.YOUR_PART)
    else:
        whose = _(opening.YOUR_TURN) if holder is role else opening.their_turn(other)
    return opening.where_and_whose(where, whose)
