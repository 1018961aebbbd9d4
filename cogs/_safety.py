"""Help and safety, shared by `/resources` and the button on every repair thread's first message."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.app import answer_privately
from cogs._ui import COLOUR, Interaction, MendButton

RESOURCES_ID = "mend:resources"


def resources_embed() -> discord.Embed:
    """What Mend is and is not, where to find help now, and how to leave a repair privately."""
    embed = discord.Embed(
        title="Help and safety",
        colour=COLOUR,
        description=(
            "Mend is a structured conversation for two people in a relationship that feels **safe**. "
            "It is not therapy and not a crisis service. If you are afraid of someone, or someone is "
            "hurting you, a repair conversation is not the right tool: please reach out to the people "
            "below. Only you can see this message."
        ),
    )
    embed.add_field(
        name="If you are in danger now",
        value="Call your local emergency number: 911 (US, Canada), 999 (UK), 112 (EU), 000 (Australia).",
        inline=False,
    )
    embed.add_field(
        name="Crisis and suicide lines",
        value=(
            "US and Canada: call or text **988**\n"
            "UK and Ireland: Samaritans, **116 123**\n"
            "Australia: Lifeline, **13 11 14**\n"
            "Anywhere else: https://findahelpline.com lists free, confidential lines by country"
        ),
        inline=False,
    )
    embed.add_field(
        name="Domestic violence and abuse",
        value=(
            "US: National Domestic Violence Hotline, **1-800-799-7233**, or text START to 88788\n"
            "UK: National Domestic Abuse Helpline, **0808 2000 247**\n"
            "Australia: 1800RESPECT, **1800 737 732**\n"
            "Elsewhere: your local police non-emergency line, a doctor, or https://findahelpline.com "
            "can point you to services near you"
        ),
        inline=False,
    )
    embed.add_field(
        name="Leaving a repair privately",
        value=(
            "Press **Step away** in the repair's thread, or use `/repair leave`. You are asked privately "
            "first, and the other person only sees that you stepped away for now, never why. "
            "`/mend block` stops someone from inviting you again, without telling them."
        ),
        inline=False,
    )
    return embed


class ResourcesButton(MendButton, template=re.escape(RESOURCES_ID)):
    """The help-and-safety button on every repair thread's first message; answered privately."""

    def __init__(self) -> None:
        super().__init__(RESOURCES_ID, "Help and safety")

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResourcesButton:
        return cls()

    async def pressed(self, interaction: Interaction) -> None:
        await answer_privately(interaction, "", embed=resources_embed())
