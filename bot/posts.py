"""Posts Mend makes on its own, as plain data: the invitation, and what the sweep sends when due."""

from __future__ import annotations

from bot.actions import Move
from bot.components import (
    CheckinButton,
    CheckinChoice,
    FollowupAnswer,
    FollowupButton,
    LeaveButton,
    LeaveStep,
    ResourcesButton,
    TurnButton,
    invitation_link,
)
from bot.plan import Button, Card, Edit, Plan, Post, Style
from bot.prompts import prompt
from bot.protocols import Protocol, Role
from bot.rupture import Rupture
from bot.wording import checkins as words
from bot.wording import opening, privacy
from bot.wording import turns as turn_words
from bot.wording.common import mention


def invitation(rupture: Rupture, protocol: Protocol) -> Post:
    """The invitation that opens a repair's thread; it pings only the invited person."""
    text = opening.invitation(
        rupture.first.user_id, protocol.name, protocol.description, protocol.first_label, protocol.second_label
    )
    answers = ((Move.READY, turn_words.READY), (Move.NOT_NOW, turn_words.NOT_NOW), (Move.DECLINE, turn_words.DECLINE))
    buttons = (
        *(
            Button.to(
                TurnButton(rupture.id, rupture.position, move), label, Style.PRIMARY if index == 0 else Style.SECONDARY
            )
            for index, (move, label) in enumerate(answers)
        ),
        Button.to(LeaveButton(rupture.id, LeaveStep.ASK), turn_words.WITHDRAW),
        Button.to(ResourcesButton(), privacy.HELP_AND_SAFETY),
    )
    return Post(
        (Card(text, title=opening.INVITATION_TITLE),),
        buttons,
        content=opening.invitation_content(rupture.second.user_id),
        pings=True,
        carries_prompt=True,
    )


def checkin(rupture: Rupture) -> Post:
    choices = (
        (CheckinChoice.OKAY, words.OKAY),
        (CheckinChoice.PICK_UP, words.PICK_UP),
        (CheckinChoice.SNOOZE_DAY, words.SNOOZE_DAY),
        (CheckinChoice.SNOOZE_THREE_DAYS, words.SNOOZE_THREE_DAYS),
        (CheckinChoice.STOP, words.STOP),
    )
    buttons = tuple(
        Button.to(
            CheckinButton(rupture.id, choice),
            label,
            Style.PRIMARY if choice is CheckinChoice.PICK_UP else Style.SECONDARY,
        )
        for choice, label in choices
    )
    return Post(
        (Card(words.CHECKIN, title=words.CHECKIN_TITLE),),
        buttons,
        content=words.both(rupture.first.user_id, rupture.second.user_id),
        pings=True,
    )


def reminder(rupture: Rupture) -> Post:
    """The invitation's one gentle reminder, to the invited person only."""
    return Post(
        (Card(words.reminder(rupture.first.user_id), title=words.REMINDER_TITLE),),
        (Button.link(words.SEE_INVITATION, invitation_link(rupture)),),
        content=mention(rupture.second.user_id),
        pings=True,
    )


def break_over(rupture: Rupture, protocol: Protocol) -> Plan:
    """The end of a break, told to both, with the current step; the old prompt is retired."""
    card, buttons = prompt(rupture, protocol)
    post = Post(
        (Card(turn_words.BREAK_OVER), card),
        buttons,
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
    return tuple(Button.to(FollowupButton(rupture.id, role, answer), label) for answer, label in answers)


def followup_by_dm(rupture: Rupture, role: Role) -> Post:
    """The private question, a few days after a resolve: did the commitment you named happen?"""
    card = Card(words.followup_question(followup_link(rupture, role)), title=words.FOLLOWUP_TITLE)
    return Post((card,), followup_answers(rupture, role))


def followup_in_thread(rupture: Rupture, role: Role) -> Post:
    """When their direct messages are closed: a neutral note in the thread; the answer stays private."""
    button = Button.to(FollowupButton(rupture.id, role, FollowupAnswer.ASK), words.ANSWER_PRIVATELY)
    return Post(
        (Card(words.PRIVATE_QUESTION),),
        (button,),
        content=mention(rupture.user_id(role)),
        pings=True,
    )
