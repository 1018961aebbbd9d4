"""The turn-taking flow in a repair thread: buttons, modals, and how each decision is shown.

Every press goes the same way: load the rupture, let the domain decide, answer a refusal
privately at once; otherwise acknowledge, save with compare-and-set, then post what changed and
tidy up. If the save loses a race the press is decided again on the new state, so concurrent
presses leave one consistent result and every press gets an answer. If the post fails, the
change is put back and the writer gets their words back privately (declining and stepping away
stand regardless).

Buttons are `DynamicItem`s whose `custom_id` carries the rupture and the position they were made
for, so they survive restarts. Modals are stateless: their `custom_id` says where the text goes,
and one listener handles every submission, so a restart between opening and sending loses nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.app import answer_privately
from bot.protocols import Kind, Protocol, Response, Role, Step
from bot.repair import (
    Action,
    Change,
    Commitment,
    Mark,
    Notice,
    Phase,
    Position,
    Refusal,
    Refuse,
    Revealed,
    Rupture,
    Status,
    Written,
    current_step,
    decide,
    turn,
)
from cogs._safety import ResourcesButton
from cogs._ui import (
    COLOUR,
    DISCORD_FAILURES,
    NO_PINGS,
    QUIET,
    Interaction,
    MendButton,
    buttons,
    defer,
    discord_problem,
    mention,
    post,
    text_embeds,
    when,
)

log = logging.getLogger(__name__)

ATTEMPTS = 5
TEXT_LIMIT = 4000
BREAKS = {"20 minutes": 20, "1 hour": 60, "4 hours": 240, "Until tomorrow": 24 * 60}

_PHASES = "|".join(p.value for p in Phase)
_TURN_ACTIONS = [
    a
    for a in Action
    if a
    not in (
        Action.PAUSE,
        Action.END_PAUSE,
        Action.LEAVE,
        Action.OKAY,
        Action.PICK_UP,
        Action.SNOOZE,
        Action.STOP_CHECKINS,
    )
]
_ACTIONS = "|".join(a.value for a in _TURN_ACTIONS)
_ID = r"\d{1,19}"
TURN_TEMPLATE = re.compile(
    rf"mend:turn:(?P<rid>{_ID}):(?P<step>\d{{1,3}}):(?P<phase>{_PHASES}):(?P<round>\d{{1,3}})"
    rf":(?P<action>{_ACTIONS})(?:-(?P<about>first|second))?"
)
WRITE_TEMPLATE = re.compile(rf"mend:write:(?P<rid>{_ID}):(?P<step>\d{{1,3}}):(?P<phase>{_PHASES}):(?P<round>\d{{1,3}})")
BREAK_TEMPLATE = re.compile(rf"mend:break:(?P<rid>{_ID}):(?P<what>ask|end|\d{{2,4}})")
LEAVE_TEMPLATE = re.compile(rf"mend:leave:(?P<rid>{_ID}):(?P<what>ask|yes|no)")
CHECKIN_TEMPLATE = re.compile(rf"mend:checkin:(?P<rid>{_ID}):(?P<answer>okay|pickup|snooze1|snooze3|stop)")
SNOOZES = {"snooze1": timedelta(days=1), "snooze3": timedelta(days=3)}

_PART_TITLES = {
    Phase.MIRROR: "What I heard",
    Phase.VALIDATE: "What makes sense to me",
    Phase.RESPOND: "What I still need",
    Phase.COMMITMENTS: "One thing I'll do",
}
_INPUT_LABELS = {
    Phase.WRITE: "Your words",
    Phase.MIRROR: "What I heard",
    Phase.VALIDATE: "What makes sense to me",
    Phase.RESPOND: "What I still need",
    Phase.COLLECT: "Only shown once you've both written",
    Phase.COMMITMENTS: "One thing I'll do",
}


# -- buttons --------------------------------------------------------------------------------------


def _position(match: re.Match[str]) -> Position:
    return Position(int(match["step"]), Phase(match["phase"]), int(match["round"]))


class TurnButton(MendButton, template=TURN_TEMPLATE):
    """A button of the repair itself: ready, write, got it, agree, understood, acknowledge…"""

    def __init__(
        self,
        rupture_id: int,
        position: Position,
        action: Action,
        label: str = "·",
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        about: Role | None = None,
    ) -> None:
        self.rupture_id, self.position, self.action, self.about = rupture_id, position, action, about
        suffix = f"-{about.value}" if about else ""
        at = position
        super().__init__(
            f"mend:turn:{rupture_id}:{at.step}:{at.phase.value}:{at.round}:{action.value}{suffix}", label, style
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TurnButton:
        about = Role(match["about"]) if match["about"] else None
        return cls(int(match["rid"]), _position(match), Action(match["action"]), about=about)

    async def pressed(self, interaction: Interaction) -> None:
        if self.action is Action.WRITE:
            await open_writer(interaction, self.rupture_id, self.position)
        else:
            await apply(interaction, self.rupture_id, self.action, at=self.position, about=self.about)


class BreakButton(MendButton, template=BREAK_TEMPLATE):
    """Take a break: `ask` offers the lengths privately; a number of minutes starts it; `end` ends it."""

    def __init__(self, rupture_id: int, what: str, label: str = "Take a break") -> None:
        self.rupture_id, self.what = rupture_id, what
        super().__init__(f"mend:break:{rupture_id}:{what}", label)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BreakButton:
        return cls(int(match["rid"]), match["what"])

    async def pressed(self, interaction: Interaction) -> None:
        if self.what == "ask":
            await offer_break(interaction, self.rupture_id)
        elif self.what == "end":
            await apply(interaction, self.rupture_id, Action.END_PAUSE)
        else:
            minutes = min(int(self.what), 24 * 60)
            until = interaction.client.clock.now() + timedelta(minutes=minutes)
            await apply(interaction, self.rupture_id, Action.PAUSE, until=until)


class LeaveButton(MendButton, template=LEAVE_TEMPLATE):
    """Step away: `ask` confirms privately first; `yes` leaves; `no` keeps things as they are."""

    def __init__(self, rupture_id: int, what: str, label: str = "Step away") -> None:
        self.rupture_id, self.what = rupture_id, what
        style = discord.ButtonStyle.danger if what == "yes" else discord.ButtonStyle.secondary
        super().__init__(f"mend:leave:{rupture_id}:{what}", label, style)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> LeaveButton:
        return cls(int(match["rid"]), match["what"])

    async def pressed(self, interaction: Interaction) -> None:
        if self.what == "ask":
            await confirm_leave(interaction, self.rupture_id)
        elif self.what == "yes":
            await apply(interaction, self.rupture_id, Action.LEAVE)
        else:
            await interaction.response.edit_message(content="Okay, nothing has changed.", view=None)


class CheckinButton(MendButton, template=CHECKIN_TEMPLATE):
    """An answer to a check-in: we're okay now, pick up, snooze, or stop checking in."""

    def __init__(self, rupture_id: int, answer: str, label: str = "·", primary: bool = False) -> None:
        self.rupture_id, self.answer = rupture_id, answer
        style = discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary
        super().__init__(f"mend:checkin:{rupture_id}:{answer}", label, style)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckinButton:
        return cls(int(match["rid"]), match["answer"])

    async def pressed(self, interaction: Interaction) -> None:
        if self.answer in SNOOZES:
            until = interaction.client.clock.now() + SNOOZES[self.answer]
            await apply(interaction, self.rupture_id, Action.SNOOZE, until=until)
        else:
            action = {"okay": Action.OKAY, "pickup": Action.PICK_UP, "stop": Action.STOP_CHECKINS}[self.answer]
            await apply(interaction, self.rupture_id, action)


def checkin_view(rupture_id: int) -> discord.ui.View:
    return buttons(
        *(
            CheckinButton(rupture_id, answer, label, primary=answer == "pickup")
            for answer, label in (
                ("okay", "We're okay now"),
                ("pickup", "Pick up where we left off"),
                ("snooze1", "Snooze a day"),
                ("snooze3", "Snooze 3 days"),
                ("stop", "Stop checking in"),
            )
        )
    )


DYNAMIC_ITEMS = (TurnButton, BreakButton, LeaveButton, CheckinButton)


# -- the pipeline ---------------------------------------------------------------------------------


async def load(interaction: Interaction, rupture_id: int) -> Rupture | None:
    """The rupture a button or modal points at, if it is in this server; otherwise say so."""
    rupture = await interaction.client.db.rupture(rupture_id)
    if rupture is None or rupture.guild_id != interaction.guild_id:
        await answer_privately(interaction, "This button doesn't belong to a repair in this server.")
        return None
    if rupture.protocol not in interaction.client.protocols:
        await answer_privately(interaction, "The steps of this repair are no longer installed on this Mend.")
        return None
    return rupture


async def permitted(interaction: Interaction, rupture_id: int, action: Action, **options: Any) -> Rupture | None:
    """The rupture, if this person may take `action` now (the domain's decision, as a dry run);
    otherwise None, and they have been told why, privately."""
    rupture = await load(interaction, rupture_id)
    if rupture is None:
        return None
    protocol = interaction.client.protocols[rupture.protocol]
    now = interaction.client.clock.now()
    decision = decide(rupture, protocol, interaction.user.id, action, now, **options)
    if isinstance(decision, Refusal):
        await refuse(interaction, rupture, protocol, decision)
        return None
    return rupture


async def open_writer(interaction: Interaction, rupture_id: int, at: Position) -> None:
    """Open the modal for the current writing turn, if it is this person's turn."""
    rupture = await permitted(interaction, rupture_id, Action.WRITE, at=at)
    if rupture is not None:
        await interaction.response.send_modal(writer_modal(rupture, interaction.client.protocols[rupture.protocol]))


def writer_modal(rupture: Rupture, protocol: Protocol) -> discord.ui.Modal:
    step = current_step(rupture, protocol)
    title = step.title if step is not None else "One thing I'll do"
    if rupture.phase in (Phase.MIRROR, Phase.VALIDATE, Phase.RESPOND):
        title = _PART_TITLES[rupture.phase]
    at = rupture.position
    modal = discord.ui.Modal(
        title=title[:45],
        custom_id=f"mend:write:{rupture.id}:{at.step}:{at.phase.value}:{at.round}",
        timeout=None,
    )
    placeholder = _placeholder(rupture, step)
    modal.add_item(
        discord.ui.TextInput(
            label=_INPUT_LABELS.get(rupture.phase, "Your words"),
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=TEXT_LIMIT,
            placeholder=placeholder[:100] if placeholder else None,
        )
    )
    modal.stop()  # never kept in memory: the listener handles the submission, even after a restart
    return modal


def _placeholder(rupture: Rupture, step: Step | None) -> str:
    if rupture.phase is Phase.MIRROR:
        return "I heard you say…"
    if rupture.phase is Phase.VALIDATE:
        return "It makes sense that you felt… because…"
    if rupture.phase is Phase.COMMITMENTS:
        return "Next time, I will…"
    return "" if step is None else "I felt… I needed…"


async def submitted(interaction: Interaction) -> None:
    """Handle a writing modal's submission: its `custom_id` says which rupture and turn it is for."""
    data: dict[str, Any] = dict(interaction.data or {})
    match = WRITE_TEMPLATE.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        await answer_privately(interaction, "This form isn't one Mend can use any more; nothing was posted.")
        return
    text = _modal_text(data).strip()
    if not text:
        await answer_privately(interaction, "Nothing was posted: the box was empty.")
        return
    await apply(interaction, int(match["rid"]), Action.WRITE, at=_position(match), text=text)


def _modal_text(data: dict[str, Any]) -> str:
    for component in data.get("components", []):
        inner = component.get("components") or [component.get("component") or {}]
        for field in inner:
            if field.get("custom_id") == "text":
                return str(field.get("value") or "")
    return ""


async def apply(
    interaction: Interaction,
    rupture_id: int,
    action: Action,
    *,
    at: Position | None = None,
    text: str | None = None,
    about: Role | None = None,
    until: datetime | None = None,
) -> None:
    """Decide, save with compare-and-set, then show it; every outcome answers the person.

    The change is committed before anyone is told (the thread post is the telling). If the post
    fails, the change is reverted, and any words are given back privately to the writer.
    """
    bot = interaction.client
    for _ in range(ATTEMPTS):
        rupture = await load(interaction, rupture_id)
        if rupture is None:
            return
        protocol = bot.protocols[rupture.protocol]
        sealed = {}
        if text is not None and rupture.phase is Phase.COLLECT:
            sealed = await bot.db.sealed_answers(rupture.id, rupture.step)
        cadence = (await bot.db.guild_settings(rupture.guild_id)).cadence
        decision = decide(
            rupture,
            protocol,
            interaction.user.id,
            action,
            bot.clock.now(),
            at=at,
            text=text,
            sealed=sealed,
            about=about,
            until=until,
            cadence=cadence,
        )
        if isinstance(decision, Refusal):
            await refuse(interaction, rupture, protocol, decision, text)
            return
        await defer(interaction)
        saved = await bot.db.save(decision, rupture.version)
        if saved is None:
            continue
        thread = _thread(interaction, rupture)
        try:
            await show(thread, interaction, rupture, replace(decision, rupture=saved), protocol)
        except DISCORD_FAILURES as error:
            log.warning("Could not post in thread %s of rupture %s: %s", rupture.thread_id, rupture.id, error)
            if saved.phase is Phase.CLOSED and rupture.status.is_open:
                # Declining and stepping away always work, even when the thread cannot be told.
                await tidy(interaction, thread, rupture, replace(decision, rupture=saved), protocol)
                await acknowledge(interaction, rupture, saved, decision)
                return
            await _undo(interaction, rupture, saved, decision, sealed, error, text)
            return
        await tidy(interaction, thread, rupture, replace(decision, rupture=saved), protocol)
        await acknowledge(interaction, rupture, saved, decision)
        return
    await answer_privately(interaction, "Several presses arrived at once; please try again.", embeds=_echo(text))


async def _undo(
    interaction: Interaction,
    before: Rupture,
    saved: Rupture,
    change: Change,
    sealed: dict[Role, str],
    error: BaseException,
    text: str | None,
) -> None:
    """The thread could not be told: put the rupture back as it was and say so, privately."""
    db = interaction.client.db
    if isinstance(error, discord.NotFound) and error.code == 10003:
        await db.mark_gone(before.id)
        sentence = "This repair's thread has been deleted, so the repair is closed."
    else:
        kept = next(((role, words) for role, words in sealed.items() if change.unseal), None)
        if await db.save(Change(before, seal=kept), saved.version) is not None:
            sentence = f"Nothing was changed: {discord_problem(error)}. Please try again in a moment."
        else:
            log.warning("Rupture %s moved on before its failed post could be undone", before.id)
            sentence = (
                f"Mend couldn't post this in the thread ({discord_problem(error)}), and the repair has moved on "
                "since. `/repair status` shows where it stands now."
            )
    await answer_privately(interaction, sentence, embeds=_echo(text))


def _thread(interaction: Interaction, rupture: Rupture) -> discord.PartialMessageable:
    assert rupture.thread_id is not None
    return interaction.client.get_partial_messageable(
        rupture.thread_id, guild_id=rupture.guild_id, type=discord.ChannelType.private_thread
    )


def _echo(text: str | None) -> list[discord.Embed]:
    """Give refused words back to the writer, privately, so nothing they wrote is lost."""
    if not text:
        return []
    return text_embeds(text, title="What you wrote (only you can see this)")


# -- showing a change -----------------------------------------------------------------------------


async def show(
    thread: discord.PartialMessageable,
    interaction: Interaction,
    before: Rupture,
    change: Change,
    protocol: Protocol,
) -> None:
    """Post what a saved change shows in the thread, and note which messages carry its buttons."""
    after = change.rupture
    embeds: list[discord.Embed] = []
    view: discord.ui.View | None = None
    commitment_by: Role | None = None
    for event in change.events:
        if isinstance(event, Written):
            title = _title_of(event, before, protocol)
            embeds += text_embeds(event.text, title=title, author=interaction.user)
            if event.part is Phase.COMMITMENTS:
                commitment_by = event.role
        elif isinstance(event, Revealed):
            step = protocol.steps[before.step]
            for role, text in event.texts:
                embeds += text_embeds(f"**{mention(before.user_id(role))}**\n{text}", title=step.title)
        else:
            notice = _notice(event, before, after)
            if notice is not None:
                embeds.append(discord.Embed(description=notice, colour=QUIET))
            if event.kind is Action.PAUSE:
                view = buttons(BreakButton(after.id, "end", "End the break early"))
    if after.phase is Phase.CLOSED and after.status is Status.RESOLVED:
        embeds.append(discord.Embed(description=CLOSING_WORDS, colour=COLOUR))
    new_prompt = _needs_new_prompt(before, change)
    if new_prompt:
        prompt, view = render_prompt(after, protocol)
        embeds.append(prompt)
    elif commitment_by is not None:
        view = buttons(TurnButton(after.id, after.position, Action.ACKNOWLEDGE, "Acknowledge", about=commitment_by))
    if not embeds:
        return
    posted = await post(thread, embeds, view=view)
    if new_prompt or commitment_by is not None:
        await interaction.client.db.note_messages(
            after.id, after.version, posted[-1].id, prompt=new_prompt, commitment_of=commitment_by
        )


CLOSING_WORDS = "This repair is complete. Thank you both for coming back to each other. 🌱"


def _needs_new_prompt(before: Rupture, change: Change) -> bool:
    after = change.rupture
    if after.status not in (Status.ACTIVE, Status.RESOLVED) or after.phase is Phase.CLOSED:
        return False
    moved = after.position != before.position
    again = any(isinstance(e, Notice) and e.kind in (Action.END_PAUSE, Action.PICK_UP) for e in change.events)
    return moved or again


def _title_of(event: Written, before: Rupture, protocol: Protocol) -> str:
    if event.part in _PART_TITLES:
        return _PART_TITLES[event.part]
    step = current_step(before, protocol)
    return step.title if step is not None else ""


def _notice(event: Notice, before: Rupture, after: Rupture) -> str | None:
    """The neutral line a notice puts in the thread, or None when it stays private."""
    who = mention(after.user_id(event.role))
    if event.kind is Action.PAUSE and after.paused_until is not None:
        return f"Taking a break. Back {when(after.paused_until, 'R')}, at {when(after.paused_until, 't')}."
    if event.kind is Action.UNDERSTOOD and after.status is Status.RESOLVED:
        return (
            "💛 You've both said you feel understood. That's a repair, and each one makes you a little "
            "sturdier together."
        )
    if event.kind is Action.SKIP and before.phase is Phase.WRITE:
        return f"{who} chose not to write anything here, and that's okay."
    if event.kind is Action.OKAY and after.status is Status.RESOLVED:
        return "💛 You've both said you're okay now. That's a repair too."
    if event.kind is Action.SNOOZE and after.due_at is not None:
        return f"Mend will check in again {when(after.due_at, 'R')}."
    lines = {
        Action.READY: f"{who} is ready. Let's begin.",
        Action.NOT_NOW: "Not right now. Nothing more is needed from either of you for the moment.",
        Action.GOT_IT: f"{who}: got it. ✓",
        Action.NOT_QUITE: f"{who}: not quite yet.",
        Action.ACCEPT: f"{who} accepts this.",
        Action.LEAVE: f"{who} has stepped away from this repair for now.",
        Action.END_PAUSE: "The break is over. Ready when you are.",
        Action.PICK_UP: "Picking up where you left off.",
        Action.STOP_CHECKINS: "Mend won't check in on this repair any more. It stays here for whenever you want it.",
    }
    return lines.get(event.kind)


Buttons = list[tuple[Action, str]]
_PRIMARY, _SECONDARY = discord.ButtonStyle.primary, discord.ButtonStyle.secondary


def render_prompt(rupture: Rupture, protocol: Protocol) -> tuple[discord.Embed, discord.ui.View]:
    """The message for where the rupture stands now: what to do, who does it, and the buttons.

    The first button listed is the main one; every prompt but the closing one also offers a
    break and stepping away.
    """
    if rupture.phase is Phase.COMMITMENTS:
        title, text, choices = _closing_parts(rupture)
    elif rupture.phase is Phase.RECOGNITION:
        title, text, choices = _recognition_parts()
    else:
        title, text, choices = _step_parts(rupture, protocol)
    items: list[discord.ui.Item[Any]] = [
        TurnButton(rupture.id, rupture.position, action, label, style=_PRIMARY if index == 0 else _SECONDARY)
        for index, (action, label) in enumerate(choices)
    ]
    if rupture.phase is not Phase.COMMITMENTS:
        items += [BreakButton(rupture.id, "ask"), LeaveButton(rupture.id, "ask")]
    return discord.Embed(title=title, description=text, colour=COLOUR), buttons(*items)


def _closing_parts(rupture: Rupture) -> tuple[str, str, Buttons]:
    text = (
        "Each of you may name one concrete thing you'll do. The other can acknowledge it, and a few "
        "days from now Mend will ask you privately whether it happened. You can also leave it here."
        + _progress(rupture, lambda seat: seat.commitment is not Commitment.PENDING, "answered")
    )
    buttons = [(Action.WRITE, "Name one thing I'll do"), (Action.SKIP, "Nothing to add")]
    return "One thing for next time (if you like)", text, buttons


def _recognition_parts() -> tuple[str, str, Buttons]:
    text = (
        "Each of you, privately: do you feel understood by the other? Only you see your answer. The "
        "repair is complete when you both say yes. If it's not yet, that's okay: it stays open, and "
        "Mend will check in gently later."
    )
    buttons = [(Action.UNDERSTOOD, "Yes, I feel understood"), (Action.NOT_YET, "Not yet")]
    return "Last step · Do you feel understood?", text, buttons


def _step_parts(rupture: Rupture, protocol: Protocol) -> tuple[str, str, Buttons]:
    step = current_step(rupture, protocol)
    assert step is not None
    number = f"Step {rupture.step + 1} of {len(protocol.steps)}"
    holder = turn(rupture, protocol)
    who = mention(rupture.user_id(holder)) if holder is not None else ""
    other = mention(rupture.user_id(holder.other)) if holder is not None else ""
    if step.kind is Kind.AGREE:
        text = step.prompt + _progress(rupture, lambda seat: seat.mark is Mark.DONE, "agreed")
        return f"{number} · {step.title}", text, [(Action.AGREE, "I agree")]
    if step.kind is Kind.SEALED:
        text = (
            f"{step.prompt}\n\nEach of you writes privately; both answers appear together once you've "
            "both written." + _progress(rupture, lambda seat: seat.mark is Mark.DONE, "written")
        )
        return f"{number} · {step.title}", text, [(Action.WRITE, "Write privately")]
    phase = rupture.phase
    if phase is Phase.WRITE:
        listener = {
            Response.MIRROR: f"{other}, listen for now: next you'll reflect back what you heard.",
            Response.ACCEPT: f"{other}, next you can accept it or say what you still need.",
            Response.NONE: f"{other}, you'll be able to read it here.",
        }[step.response]
        buttons = [(Action.WRITE, "Write")] + ([(Action.SKIP, "Skip this step")] if step.optional else [])
        return f"{number} · {step.title}", f"{step.prompt}\n\n**{who}, the floor is yours.** {listener}", buttons
    if phase is Phase.MIRROR:
        again = f"{other} said not quite yet. Have another go. " if rupture.round else ""
        text = f"{again}{step.response_prompt}\n\n**{who}, your turn to reflect back.**"
        return f"{number} · Reflect back", text, [(Action.WRITE, "Reflect back")]
    if phase is Phase.CONFIRM:
        text = f"**{who}**, did {other} get it? If something is missing, say *not quite*."
        return f"{number} · Did that land?", text, [(Action.GOT_IT, "Got it"), (Action.NOT_QUITE, "Not quite")]
    if phase is Phase.VALIDATE:
        text = f"{step.validate_prompt}\n\n**{who}, your turn.**"
        return f"{number} · What makes sense", text, [(Action.WRITE, "Write")]
    text = f"{step.response_prompt}\n\n**{who}, your turn.**"
    return f"{number} · {step.title}", text, [(Action.ACCEPT, "I accept"), (Action.WRITE, "Say what I still need")]


def _progress(rupture: Rupture, done: Any, verb: str) -> str:
    lines = []
    for role in (Role.FIRST, Role.SECOND):
        mark = "✓" if done(rupture.seat(role)) else "…"
        state = f"has {verb}" if done(rupture.seat(role)) else "not yet"
        lines.append(f"{mark} {mention(rupture.user_id(role))} {state}")
    return "\n\n" + "\n".join(lines)


async def tidy(
    interaction: Interaction, thread: discord.PartialMessageable, before: Rupture, change: Change, protocol: Protocol
) -> None:
    """After a shown change: retire or refresh the old prompt's buttons; archive a closed thread."""
    after = change.rupture
    old = before.prompt_message_id
    try:
        if old is not None and (after.phase is Phase.CLOSED or _needs_new_prompt(before, change)):
            await thread.get_partial_message(old).edit(view=_retired_view(before))
        elif old is not None and after.phase in (Phase.COLLECT, Phase.COMMITMENTS):
            # The prompt may share its message with words posted before it: replace only the prompt.
            message = interaction.message if interaction.message and interaction.message.id == old else None
            message = message or await thread.fetch_message(old)
            embed, view = render_prompt(after, protocol)
            await message.edit(embeds=[*message.embeds[:-1], embed], view=view, allowed_mentions=NO_PINGS)
        if _acknowledged(before, after) and interaction.message is not None:
            embeds = interaction.message.embeds
            embeds[-1].set_footer(text=f"✓ Acknowledged by {interaction.user.display_name}")
            await interaction.message.edit(embeds=embeds, view=None, allowed_mentions=NO_PINGS)
        if after.phase is Phase.CLOSED:
            await archive(interaction.client, thread.id)
    except discord.HTTPException:
        log.warning("Could not tidy the thread of rupture %s", after.id, exc_info=True)


def _retired_view(before: Rupture) -> discord.ui.View | None:
    """What stays on a prompt once it is done: the invitation keeps its help-and-safety button."""
    if before.phase is not Phase.INVITATION:
        return None
    return buttons(ResourcesButton())


def _acknowledged(before: Rupture, after: Rupture) -> bool:
    return any(
        before.seat(role).commitment is Commitment.NAMED and after.seat(role).commitment is Commitment.ACKNOWLEDGED
        for role in (Role.FIRST, Role.SECOND)
    )


async def archive(bot: discord.Client, thread_id: int) -> None:
    """Archive a repair's thread (the bot created it, so it may)."""
    channel = bot.get_channel(thread_id) or await bot.fetch_channel(thread_id)
    if isinstance(channel, discord.Thread) and not channel.archived:
        await channel.edit(archived=True)


async def acknowledge(interaction: Interaction, before: Rupture, after: Rupture, change: Change) -> None:
    """A private word to the person who acted, where the thread alone would not tell them."""
    if after.position != before.position and after.phase is not Phase.CLOSED and after.status is not Status.RESOLVED:
        return
    role = after.role_of(interaction.user.id)
    assert role is not None
    other = mention(after.user_id(role.other))
    sentence: str | None = None
    for event in change.events:
        if not isinstance(event, Notice):
            continue
        if event.kind is Action.NOT_NOW:
            opener = mention(after.user_id(Role.FIRST))
            sentence = f'Okay. {opener} only sees "not right now".'
            if after.status is Status.DECLINED:
                sentence += " This thread is closed."
            else:
                sentence += " The invitation stays here for whenever you're ready."
        elif event.kind is Action.WRITE:
            sentence = f"Saved privately. It will appear together with {other}'s answer once they've written."
        elif event.kind is Action.AGREE:
            sentence = f"Noted. Waiting for {other} to agree too."
        elif event.kind is Action.NOT_YET:
            sentence = (
                "Thank you for saying so; only you see this. The repair stays open, there's no rush, "
                "and Mend will check in gently later."
            )
        elif event.kind is Action.UNDERSTOOD and after.status is not Status.RESOLVED:
            sentence = f"Thank you; only you see your answer. The repair is complete once {other} feels understood too."
        elif event.kind is Action.LEAVE:
            sentence = f"You've stepped away. {other} only sees that you stepped away for now."
        elif event.kind is Action.PAUSE and after.paused_until is not None:
            sentence = (
                f"Your break is set until {when(after.paused_until, 't')}. Nobody needs to do anything until "
                "then; Mend will say when it's over."
            )
        elif event.kind is Action.SKIP and after.seat(role).commitment is Commitment.SKIPPED:
            sentence = "Okay, nothing to add."
        elif event.kind is Action.SNOOZE and after.due_at is not None:
            sentence = f"Snoozed: Mend will check in again {when(after.due_at)}."
        elif event.kind is Action.STOP_CHECKINS:
            sentence = "Okay. Mend won't check in on this repair again; `/repair status` can pick it up any time."
        elif event.kind is Action.OKAY and after.status is not Status.RESOLVED:
            sentence = f"Noted. Once {other} says so too, the repair is complete."
        elif event.kind is Action.PICK_UP and interaction.message is not None and interaction.message.flags.ephemeral:
            sentence = f"Picked up: the current step is at the bottom of <#{after.thread_id}>."
    if sentence is not None:
        await answer_privately(interaction, sentence)


# -- refusals -------------------------------------------------------------------------------------


async def refuse(
    interaction: Interaction, rupture: Rupture, protocol: Protocol, refusal: Refusal, text: str | None = None
) -> None:
    await answer_privately(interaction, refusal_sentence(rupture, protocol, refusal), embeds=_echo(text))


def refusal_sentence(rupture: Rupture, protocol: Protocol, refusal: Refusal) -> str:
    """One plain sentence for why an action was not taken."""
    first, second = mention(rupture.first.user_id), mention(rupture.second.user_id)
    reason = refusal.reason
    if reason is Refuse.OUTSIDER:
        return f"This repair is between {first} and {second}."
    if reason is Refuse.NOT_YOUR_TURN and refusal.turn is not None:
        return _whose_turn(rupture, protocol, refusal.turn)
    if reason is Refuse.NOT_FOR_YOU:
        if rupture.phase is Phase.INVITATION:
            return f"Only {second} can answer this invitation."
        if rupture.phase is Phase.COMMITMENTS:
            return "This one is for the other person to acknowledge."
        return "Only the person who asked for the break can end it early."
    if reason is Refuse.PAUSED and rupture.paused_until is not None:
        until = rupture.paused_until
        return (
            f"You're taking a break until {when(until, 't')} ({when(until, 'R')}). "
            "Nothing is lost; pick up when it ends."
        )
    if reason is Refuse.NOT_STARTED:
        return f"This repair hasn't started yet: {second} hasn't said they're ready."
    if reason is Refuse.ENDED:
        return "This repair has ended, so there's nothing to do here any more."
    if reason is Refuse.STALE:
        return "This step is already done. The latest one is at the bottom of the thread."
    return "You've already done this part."


def _whose_turn(rupture: Rupture, protocol: Protocol, holder: Role) -> str:
    who = mention(rupture.user_id(holder))
    step = current_step(rupture, protocol)
    phase = rupture.phase
    if phase is Phase.WRITE and step is not None:
        next_part = {
            Response.MIRROR: "you'll be asked to reflect next",
            Response.ACCEPT: "then you can accept it or say what you still need",
            Response.NONE: "you'll be able to read it here",
        }[step.response]
        return f"It's {who}'s turn to write — {next_part}."
    if phase is Phase.MIRROR:
        return f"It's {who}'s turn to reflect back what they heard — then you'll say whether they got it."
    if phase is Phase.CONFIRM:
        return f"It's {who}'s turn to say whether the reflection got it."
    if phase is Phase.VALIDATE:
        return f"It's {who}'s turn to say what makes sense about your side."
    return f"It's {who}'s turn to answer."


# -- breaks and leaving ---------------------------------------------------------------------------


async def offer_break(interaction: Interaction, rupture_id: int) -> None:
    """Show the break lengths privately; nobody else sees that a break is being considered."""
    rupture = await permitted(interaction, rupture_id, Action.PAUSE, until=interaction.client.clock.now())
    if rupture is None:
        return
    view = buttons(*(BreakButton(rupture.id, str(minutes), label) for label, minutes in BREAKS.items()))
    await answer_privately(
        interaction,
        f"Would you like to take a break from <#{rupture.thread_id}>? Strong feelings take at least 20 minutes "
        "to settle. No reason is needed, and the other person only sees when you'll be back.",
        view=view,
    )


async def confirm_leave(interaction: Interaction, rupture_id: int) -> None:
    """Ask privately before stepping away."""
    rupture = await permitted(interaction, rupture_id, Action.LEAVE)
    role = None if rupture is None else rupture.role_of(interaction.user.id)
    if rupture is None or role is None:
        return
    view = buttons(LeaveButton(rupture.id, "yes", "Step away"), LeaveButton(rupture.id, "no", "Stay"))
    other = mention(rupture.user_id(role.other))
    await answer_privately(
        interaction,
        f"Step away from your repair with {other} (<#{rupture.thread_id}>)? They will only see that you've "
        "stepped away for now, with no reason, and the thread will close. You can always start a new "
        "repair later.",
        view=view,
    )
