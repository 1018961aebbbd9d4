"""Posts Mend makes on its own, as plain data: the invitation, and what the sweep sends when due.

Each is in the language spoken now: its thread's, or, for a direct message, the person's."""

from __future__ import annotations

from bot.actions import Move
from bot.components import (
    CheckinButton,
    CheckinChoice,
    FollowupAnswer,
    FollowupButton,
    InvitationDetails,
    LeaveButton,
    LeaveStep,
    OfferBreak,
    TurnButton,
    invitation_link,
)
from bot.i18n import _
from bot.plan import Button, Card, Edit, Plan, Post, Style, Tone
from bot.prompts import prompt, retired_invitation_buttons, with_help
from bot.protocols import Protocol, Role, translated
from bot.rupture import Rupture
from bot.wording import checkins as words
from bot.wording import opening
from bot.wording import turns as turn_words
from bot.wording.common import mention


def invitation(rupture: Rupture, protocol: Protocol, *, pings: bool = True) -> Post:
    """The invitation that opens a repair's thread; it pings only the invited person (or nobody, when
    they blocked the one inviting: the invitation then looks the same and reaches no one). Its answers
    look alike, so none is pushed."""
    answers = ((Move.READY, turn_words.READY), (Move.NOT_NOW, turn_words.NOT_NOW), (Move.DECLINE, turn_words.DECLINE))
    buttons = with_help(
        *(Button.to(TurnButton(rupture.id, rupture.position, move), _(label)) for move, label in answers),
        Button.to(InvitationDetails(rupture.id), _(opening.INVITATION_DETAILS)),
        Button.to(LeaveButton(rupture.id, LeaveStep.ASK), _(turn_words.WITHDRAW)),
    )
    name = translated(protocol).name
    return Post(
        (Card(opening.invitation(rupture.first.user_id, name), title=_(opening.INVITATION_TITLE)),),
        buttons,
        content=opening.invitation_content(rupture.second.user_id),
        pings=pings,
        carries_prompt=True,
    )


def invitation_ended(rupture: Rupture) -> Plan:
    """An invitation's set end, the same whatever the invited person did: a neutral line, the
    invitation's buttons retired (its help stays), the thread archived."""
    retire = (
        () if rupture.prompt_message_id is None else (Edit(rupture.prompt_message_id, retired_invitation_buttons()),)
    )
    return Plan(posts=(Post((Card(_(opening.INVITATION_ENDED), tone=Tone.QUIET),)),), edits=retire, archive=True)


def checkin(rupture: Rupture, parent_led: bool = False) -> Post:
    """A check-in on a quiet repair; led by a parent, without "we're okay now" (the child is never
    asked to say it)."""
    okay = () if parent_led else ((CheckinChoice.OKAY, words.OKAY),)
    choices = (
        *okay,
        (CheckinChoice.PICK_UP, words.PICK_UP),
        (CheckinChoice.SNOOZE_DAY, words.SNOOZE_DAY),
        (CheckinChoice.SNOOZE_THREE_DAYS, words.SNOOZE_THREE_DAYS),
        (CheckinChoice.STOP, words.STOP),
    )
    buttons = with_help(
        *(
            Button.to(
                CheckinButton(rupture.id, choice),
                _(label),
                Style.PRIMARY if choice is CheckinChoice.PICK_UP else Style.SECONDARY,
            )
            for choice, label in choices
        )
    )
    return Post(
        (Card(_(words.CHECKIN_LED_BY_A_PARENT if parent_led else words.CHECKIN), title=_(words.CHECKIN_TITLE)),),
        buttons,
        content=words.both(rupture.first.user_id, rupture.second.user_id),
        pings=True,
    )


def reminder(rupture: Rupture) -> Post:
    """The invitation's one gentle reminder, by direct message to the invited person only (nothing in
    the thread, so the one who invited sees the same whether it was sent or not)."""
    return Post(
        (Card(words.reminder(rupture.first.user_id), title=_(words.REMINDER_TITLE)),),
        (Button.link(_(words.SEE_INVITATION), invitation_link(rupture)),),
    )


def break_over(rupture: Rupture, protocol: Protocol) -> Plan:
    """The end of a break, told to both, with the current step and, for either, a private *I need
    longer*; the old prompt is retired."""
    card, buttons = prompt(rupture, protocol)
    post = Post(
        (Card(_(turn_words.BREAK_OVER)), card),
        (Button.to(OfferBreak(rupture.id, longer=True), _(turn_words.I_NEED_LONGER)), *buttons),
        content=words.both(rupture.first.user_id, rupture.second.user_id),
        pings=True,
        carries_prompt=True,
    )
    retire = () if rupture.prompt_message_id is None else (Edit(rupture.prompt_message_id),)
    return Plan(posts=(post,), edits=retire)


def followup_link(rupture: Rupture, role: Role) -> str:
    link = f"https://discord.com/channels/{rupture.guild_id}/{rupture.thread_id}"
    message = rupture.seat(role).commitment_message_id
    return link if message is None else f"{link}/{message}"


def followup_answers(rupture: Rupture, role: Role) -> tuple[Button, ...]:
    answers = (
        (FollowupAnswer.YES, words.YES),
        (FollowupAnswer.PARTLY, words.PARTLY),
        (FollowupAnswer.NOT_YET, words.NOT_YET),
    )
    return tuple(Button.to(FollowupButton(rupture.id, role, answer), _(label)) for answer, label in answers)


def followup_by_dm(rupture: Rupture, role: Role) -> Post:
    """The private question, a few days after a resolve: did the commitment you named happen?"""
    card = Card(words.followup_question(followup_link(rupture, role)), title=_(words.FOLLOWUP_TITLE))
    return Post((card,), followup_answers(rupture, role))


def followup_in_thread(rupture: Rupture, role: Role) -> Post:
    """When their direct messages are closed: a neutral note in the thread; the answer stays private."""
    button = Button.to(FollowupButton(rupture.id, role, FollowupAnswer.ASK), _(words.ANSWER_PRIVATELY))
    return Post(
        (Card(_(words.PRIVATE_QUESTION)),),
        (button,),
        content=mention(rupture.user_id(role)),
        pings=True,
    )
