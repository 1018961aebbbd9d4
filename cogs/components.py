"""Every button and form Mend ever sent, wired once: parsed from its `custom_id` and handed on.

One `DynamicItem` template answers every `mend:` button, so buttons keep working after a restart;
form submissions and buttons that are not Mend's are answered here too. Whatever goes wrong, the
person still gets an answer.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ext import commands

from bot import components, metrics
from bot.actions import Move
from bot.app import Interaction, MendBot
from bot.components import (
    AcknowledgeButton,
    BreakUntilMorning,
    CheckinButton,
    Component,
    ConsentButton,
    EndBreak,
    EraseButton,
    FollowupButton,
    FollowupWay,
    InvitationDetails,
    LeaveButton,
    OfferBreak,
    PhrasePalette,
    ResourcesButton,
    SafetyAnswer,
    SayPhrase,
    ShareButton,
    TakeBreak,
    TurnButton,
    WriteButton,
    WriteForm,
)
from bot.i18n import _
from bot.plan import Reply
from bot.wording import common
from cogs import checkins, history, privacy, repair, turns
from cogs.ui import executor


async def dispatch(interaction: Interaction, component: Component | None) -> None:
    """Hand a pressed button or a sent form to what handles it."""
    match component:
        case TurnButton(move=Move.READY):
            await turns.ask_if_safe(interaction, component)
        case SafetyAnswer():
            await turns.act(interaction, component.rupture_id, component.action, on=component.invitation_id)
        case TurnButton() | AcknowledgeButton() | TakeBreak() | EndBreak() | CheckinButton():
            await turns.act(interaction, component.rupture_id, component.action)
        case PhrasePalette():
            await turns.show_phrases(interaction, component.rupture_id)
        case SayPhrase():
            await turns.say(interaction, component)
        case BreakUntilMorning():
            await turns.break_until_morning(interaction, component)
        case InvitationDetails():
            await turns.show_invitation_details(interaction, component.rupture_id)
        case WriteButton():
            await turns.open_form(interaction, component)
        case WriteForm():
            await turns.submit(interaction, component)
        case OfferBreak():
            await turns.offer_break(interaction, component.rupture_id, longer=component.longer)
        case LeaveButton():
            await turns.leave(interaction, component)
        case FollowupButton():
            await checkins.answer_followup(interaction, component)
        case FollowupWay():
            await checkins.choose_followup_way(interaction, component)
        case ConsentButton():
            await repair.consent(interaction, component)
        case EraseButton():
            await privacy.erase(interaction, component)
        case ShareButton():
            await history.share(interaction, component)
        case ResourcesButton():
            await privacy.show_resources(interaction)
        case None:
            unknown = interaction.type is discord.InteractionType.modal_submit
            await executor.answer(interaction, Reply(_(common.UNKNOWN_FORM if unknown else common.UNKNOWN_BUTTON)))


async def guarded(interaction: Interaction, component: Component | None) -> None:
    """Dispatch, in the person's language, so that any error still gets them an answer.

    discord.py only logs exceptions raised inside dynamic items, which would leave the person
    looking at "This interaction failed".
    """
    interaction.client.track_current_task()
    interaction.client.heard(interaction)
    metrics.interaction_started(interaction.id, type(component).__name__ if component else "unknown")
    try:
        await dispatch(interaction, component)
    except Exception as error:
        await interaction.client.report_error(interaction, error)


TEMPLATE = re.compile(re.escape(components.PREFIX) + ".+")


class MendButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """Any of Mend's buttons: its `custom_id` carries all it needs (a form's id on a button is no button)."""

    def __init__(self, item: discord.ui.Button[Any]) -> None:
        super().__init__(item)
        parsed = components.parse(str(item.custom_id))
        self.component = None if isinstance(parsed, WriteForm) else parsed

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MendButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self.component)


class Components(commands.Cog):
    """Form submissions, and presses on buttons that are not Mend's."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: Interaction) -> None:
        executor.Responder.of(interaction).watch()
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit:
            form = components.parse(custom_id)
            await guarded(interaction, form if isinstance(form, WriteForm) else None)
        elif interaction.type is discord.InteractionType.component and not TEMPLATE.fullmatch(custom_id):
            self.bot.heard(interaction)
            await executor.answer(interaction, Reply(_(common.UNKNOWN_BUTTON)))


async def setup(bot: MendBot) -> None:
    bot.add_dynamic_items(MendButton)
    await bot.add_cog(Components(bot))
