"""The floor: a bare discord.py bot that makes exactly Mend's Discord calls on the measured paths.

Mend's cost on a path is what discord.py and Discord cost (parsing the interaction, and for a
button the whole message it sits on; building embeds and views; the calls themselves) plus what
Mend adds (the database, the domain, the plan). This bot pays only the first part: no database, no
domain. It answers with the bodies `bench/interactions.py` recorded from Mend on the same stand-in
(its script, a JSON file named by FLOOR_SCRIPT), through the same discord.py mechanisms:

* `/repair status`: one ephemeral callback with Mend's embed of ten open repairs;
* a press by the outsider (the one user id the script names): Mend's private refusal;
* "Reflect back": the form, as a stateless modal, like Mend's (its optional private question too);
* the form sent: UPDATE_MESSAGE retiring the buttons it came from, then one follow-up with the
  words and the next prompt ("Got it", "Not quite"…);
* "Not quite": UPDATE_MESSAGE, then one follow-up with the line and the prompt to say what was
  missed or let them try again;
* "Let them try again": UPDATE_MESSAGE, then one follow-up with the prompt to reflect back again.

Buttons are answered by one `DynamicItem` template over every `mend:` custom_id, as in
`cogs/components.py`, so discord.py rebuilds the whole message a button sits on here too; form
submissions are read in `on_interaction`, as Mend reads them. The lane and the round come from the
custom_id, as Mend's do; nothing is kept between interactions.

    python bench/floor_bot.py    # with DISCORD_TOKEN, DISCORD_API_BASE_URL, DISCORD_GATEWAY_URL, FLOOR_SCRIPT
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path
from typing import Any

import bare_bot
import discord

TEMPLATE = re.compile(r"mend:.+")
TURN = re.compile(r"mend:turn:(?P<lane>[0-9]+):(?P<step>[0-9]+):(?P<phase>[a-z]+):(?P<round>[0-9]+):(?P<move>[a-z-]+)")
FORM = re.compile(r"mend:write:(?P<lane>[0-9]+):(?P<step>[0-9]+):(?P<phase>[a-z]+):(?P<round>[0-9]+)")
NO_PINGS = discord.AllowedMentions.none()


def fill(custom_id: str, lane: int, round_: int) -> str:
    """A recorded custom_id template (`{lane}`, `{round}`) for one lane and round."""
    return custom_id.format(lane=lane, round=round_)


def components(prompt: dict[str, Any], lane: int, round_: int) -> list[dict[str, Any]]:
    """A prompt's buttons as a message payload (the bench seeds each lane's first prompt with it)."""
    buttons = [
        {"type": 2, **button, "custom_id": fill(button["custom_id"], lane, round_)} for button in prompt["buttons"]
    ]
    return [{"type": 1, "components": buttons}]


def view(prompt: dict[str, Any], lane: int, round_: int) -> discord.ui.View:
    """The prompt's buttons, stopped before sending as Mend's are (so discord.py keeps no copy)."""
    made = discord.ui.View(timeout=None)
    for button in prompt["buttons"]:
        made.add_item(
            discord.ui.Button(
                label=button["label"],
                style=discord.ButtonStyle(button["style"]),
                custom_id=fill(button["custom_id"], lane, round_),
            )
        )
    made.stop()
    return made


def retired() -> discord.ui.View:
    made = discord.ui.View(timeout=None)
    made.stop()
    return made


class Floor:
    """The answers, from the script."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.outsider = int(script["outsider"])

    async def status(self, interaction: discord.Interaction) -> None:
        await self._private(interaction, self.script["status"])

    async def refuse(self, interaction: discord.Interaction) -> None:
        await self._private(interaction, self.script["refusal"])

    async def _private(self, interaction: discord.Interaction, answer: dict[str, Any]) -> None:
        """An ephemeral answer in the callback, as Mend gives one."""
        embeds = [discord.Embed.from_dict(embed) for embed in answer["embeds"]]
        await interaction.response.send_message(
            answer["content"], embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
        )

    async def press(self, interaction: discord.Interaction, custom_id: str) -> None:
        turn = TURN.fullmatch(custom_id)
        if interaction.user.id == self.outsider or turn is None:
            await self.refuse(interaction)
            return
        lane, round_ = int(turn["lane"]), int(turn["round"])
        if turn["move"] == "write":
            await interaction.response.send_modal(self.form(lane, round_))
        elif turn["move"] == "notquite":  # the speaker is asked what was missed, one round on
            await self.move_on(interaction, self.script["press"], lane, round_ + 1)
        else:  # "Let them try again": the listener reflects back again, in the same round
            await self.move_on(interaction, self.script["again"], lane, round_)

    def form(self, lane: int, round_: int) -> discord.ui.Modal:
        form = self.script["form"]
        made = discord.ui.Modal(title=form["title"], custom_id=fill(form["custom_id"], lane, round_), timeout=None)
        question = form["question"]
        if question is not None:  # Mend's private one-of question, above the words
            options = [discord.RadioGroupOption(label=label, value=value) for label, value in question["options"]]
            choice: discord.ui.RadioGroup[discord.ui.View] = discord.ui.RadioGroup(
                custom_id=question["custom_id"], options=options, required=question["required"]
            )
            label = discord.ui.Label(text=question["label"], description=question["description"], component=choice)
            made.add_item(label)
        made.add_item(
            discord.ui.TextInput(
                label=form["label"],
                custom_id="text",
                style=discord.TextStyle.paragraph,
                max_length=form["max_length"],
                placeholder=form["placeholder"],
            )
        )
        made.stop()
        return made

    async def submit(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        form = FORM.fullmatch(str(data.get("custom_id", "")))
        if form is None:
            await self.refuse(interaction)
            return
        rows = data.get("components", [])
        fields = (field for row in rows for field in row.get("components") or [row.get("component")])
        words = next(field["value"] for field in fields if field.get("custom_id") == "text")
        await self.move_on(interaction, self.script["submit"], int(form["lane"]), int(form["round"]), words)

    async def move_on(
        self, interaction: discord.Interaction, prompt: dict[str, Any], lane: int, round_: int, words: str = ""
    ) -> None:
        """Retire the buttons pressed in the callback itself, then post what comes next as a follow-up."""
        await interaction.response.edit_message(view=retired(), allowed_mentions=NO_PINGS)
        embeds = [discord.Embed.from_dict(embed) for embed in prompt["embeds"]]
        if prompt.get("words_at") is not None:
            embeds[prompt["words_at"]].description = words
        await interaction.followup.send(
            wait=True, embeds=embeds, view=view(prompt, lane, round_), allowed_mentions=NO_PINGS
        )


async def run(floor: Floor) -> None:
    made, tree = bare_bot.client()
    repair = discord.app_commands.Group(name="repair", description="Repairs")

    @repair.command(description="Your open repairs, privately")
    async def status(interaction: discord.Interaction) -> None:
        await floor.status(interaction)

    tree.add_command(repair)

    class FloorButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
        """Every `mend:` button, as Mend's one template answers them (cogs/components.py)."""

        def __init__(self, item: discord.ui.Button[Any]) -> None:
            super().__init__(item)
            self.custom_id = str(item.custom_id)

        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
        ) -> FloorButton:
            assert isinstance(item, discord.ui.Button)
            return cls(item)

        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            await floor.press(interaction, self.custom_id)

    @made.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            await floor.submit(interaction)

    await bare_bot.serve(made, tree, lambda: made.add_dynamic_items(FloorButton))


if __name__ == "__main__":
    asyncio.run(run(Floor(json.loads(Path(os.environ["FLOOR_SCRIPT"]).read_text()))))
