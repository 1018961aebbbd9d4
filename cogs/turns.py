"""The turn-taking flow: every press and every written turn goes the same way.

Load the rupture; let the domain decide; a refusal is answered privately at once. Otherwise
acknowledge, save with compare-and-set, plan what to show, and let the executor show it. If the
save loses a race the action is decided again on the new state (a bounded number of times), so
concurrent presses leave one consistent result and every press gets an answer.
"""

from __future__ import annotations

from dataclasses import replace

from bot.actions import Acknowledge, Action, Leave, Move, Pause, Press, Say, Write, says_something
from bot.app import Interaction
from bot.components import (
    BreakUntilMorning,
    Feeling,
    LeaveButton,
    LeaveStep,
    SafetyAnswer,
    SayPhrase,
    TakeBreak,
    TurnButton,
    WriteButton,
    WriteForm,
)
from bot.events import Refusal
from bot.i18n import _
from bot.outbox import to_text
from bot.plan import Button, Card, Reply, Style
from bot.planner import Actor, plan_change, plan_refusal
from bot.prompts import FEELING, writer_form
from bot.protocols import Protocol, translated
from bot.repair import BREAK_LENGTHS, can, decide
from bot.retry import compare_and_set
from bot.rupture import Rupture
from bot.schedule import tomorrow_morning
from bot.storage.ruptures import Outgoing
from bot.wording import common, opening, phrases, refusals
from bot.wording import feelings as feeling_words
from bot.wording import turns as words
from cogs.ui import executor, render


async def act(interaction: Interaction, rupture_id: int, action: Action, *, on: int | None = None) -> None:
    """Decide, save with compare-and-set, then show it; every outcome answers the person.

    The change is committed, with what the thread is to be told of it, before anyone is told. `on`
    is the thread message the action was taken on, when the person answered privately.
    """
    bot = interaction.client
    written = action.text if isinstance(action, Write) else None

    async def attempt() -> bool | None:
        loaded = await load(interaction, rupture_id)
        if loaded is None:
            return True
        rupture, protocol = loaded
        rupture = pressed_on(rupture, action, on if on is not None else shown_message(interaction))
        context = await bot.db.context_for(rupture, bot.clock.now())
        decision = decide(rupture, protocol, interaction.user.id, action, context)
        if isinstance(decision, Refusal):
            await executor.perform(interaction, plan_refusal(rupture, protocol, decision, written))
            return True
        plan = plan_change(decision, protocol, actor_of(interaction))
        outgoing = (
            Outgoing(to_text(plan), plan.holds_words, executor.unclaimed_from()) if plan.tells_the_thread else None
        )
        saved = await bot.db.save(decision, outgoing)
        if saved is None:
            return None
        if not (isinstance(action, Press) and action.move is Move.NOT_SAFE):  # that answer is kept nowhere
            await bot.remember_language(interaction)
        await executor.perform(interaction, plan, replace(decision, rupture=saved))
        return True

    if await compare_and_set(attempt) is None:
        await executor.answer(interaction, Reply(_(words.SEVERAL_PRESSES), words=written))


def pressed_on(rupture: Rupture, action: Action, message_id: int | None) -> Rupture:
    """The rupture, knowing that the thread message pressed on carries what was pressed: a button for
    where the repair stands is on its current prompt, an acknowledgement is on the commitment. (The
    ids Mend noted when it posted them may not be saved yet when a quick press arrives.)"""
    at = getattr(action, "at", None)
    if message_id is None or at is None or at != rupture.position:
        return rupture
    if isinstance(action, Acknowledge):
        return rupture.with_seat(action.whose, replace(rupture.seat(action.whose), commitment_message_id=message_id))
    return replace(rupture, prompt_message_id=message_id)


def shown_message(interaction: Interaction) -> int | None:
    """The id of the message an interaction came from, if everyone sees it (not a private one)."""
    message = interaction.message
    return None if message is None or message.flags.ephemeral else message.id


async def load(interaction: Interaction, rupture_id: int) -> tuple[Rupture, Protocol] | None:
    """The rupture a button or form points at, if it is in this server; otherwise say so."""
    bot = interaction.client
    rupture = await bot.db.rupture(rupture_id)
    if rupture is None or rupture.guild_id != interaction.guild_id:
        await executor.answer(interaction, Reply(_(refusals.NOT_IN_THIS_SERVER)))
        return None
    protocol = bot.protocols.get(rupture.protocol)
    if protocol is None:
        await executor.answer(interaction, Reply(_(refusals.PROTOCOL_GONE)))
        return None
    return rupture, protocol


async def permitted(interaction: Interaction, rupture_id: int, action: Action) -> tuple[Rupture, Protocol] | None:
    """The rupture, if this person may take `action` now (the domain's dry run); otherwise None, and
    they have been told why, privately."""
    loaded = await load(interaction, rupture_id)
    if loaded is None:
        return None
    rupture, protocol = loaded
    refusal = can(rupture, protocol, interaction.user.id, action, interaction.client.clock.now())
    if refusal is not None:
        await executor.perform(interaction, plan_refusal(rupture, protocol, refusal))
        return None
    return loaded


async def ask_if_safe(interaction: Interaction, button: TurnButton) -> None:
    """Before "I'm ready": ask the invited person, privately, whether they feel afraid or pressured."""
    loaded = await permitted(interaction, button.rupture_id, button.action)
    if loaded is None:
        return
    rupture = loaded[0]
    answers = ((Move.READY, opening.READY_TO_START), (Move.NOT_SAFE, opening.NOT_SAFE))
    invitation = shown_message(interaction)
    buttons = tuple(
        Button.to(SafetyAnswer(rupture.id, button.at, move, invitation), _(label)) for move, label in answers
    )
    await executor.answer(interaction, Reply(opening.safety_check(rupture.first.user_id), buttons=buttons))


async def show_invitation_details(interaction: Interaction, rupture_id: int) -> None:
    """The whole of an invitation (the way of repairing, who is who, breaks, privacy), privately."""
    loaded = await load(interaction, rupture_id)
    if loaded is None:
        return
    rupture, protocol = loaded
    if rupture.role_of(interaction.user.id) is None:
        await executor.answer(interaction, Reply(refusals.outsider(rupture.first.user_id, rupture.second.user_id)))
        return
    way = translated(protocol)
    roles = (way.first_label, way.second_label) if way.first_label else None
    details = opening.invitation_details(rupture.first.user_id, way.description, roles)
    await executor.answer(interaction, Reply(cards=(Card(details, title=way.name),)))


async def open_form(interaction: Interaction, button: WriteButton) -> None:
    """Open the form for the current writing turn, if it is this person's turn."""
    loaded = await permitted(interaction, button.rupture_id, Write("", button.at))
    if loaded is not None and not await executor.Responder.of(interaction).form(render.modal(writer_form(*loaded))):
        await executor.answer(interaction, Reply(_(words.BUSY_FORM)))


async def submit(interaction: Interaction, form: WriteForm) -> None:
    """A writing form was sent: its `custom_id` says which rupture and turn it is for. Someone who
    says they are flooded is offered a break instead, with their words given back (kept nowhere)."""
    data = dict(interaction.data or {})
    text = render.text_of(data).strip()
    if not says_something(text):
        await executor.answer(interaction, Reply(_(common.EMPTY_FORM)))
        return
    if render.choice_of(data, FEELING) == Feeling.FLOODED:
        await offer_break(interaction, form.rupture_id, flooded=text)
        return
    await act(interaction, form.rupture_id, Write(text, form.at))


async def offer_break(
    interaction: Interaction, rupture_id: int, *, longer: bool = False, flooded: str | None = None
) -> None:
    """Show the break lengths privately; nobody else sees that a break is being considered. After
    *I need longer*, they are offered as more time; to someone flooded, with a way to settle and the
    words they wrote given back."""
    loaded = await permitted(interaction, rupture_id, Pause(BREAK_LENGTHS[0]))
    if loaded is None:
        return
    rupture = loaded[0]
    bot = interaction.client
    now = bot.clock.now()
    waking = await bot.db.waking_of(interaction.user.id)
    morning = tomorrow_morning(now, waking).astimezone(waking.zone).date() > now.astimezone(waking.zone).date()
    choices = [TakeBreak.lasting(rupture.id, length) for length in BREAK_LENGTHS]
    lengths = (
        *(Button.to(choice, words.break_length(choice.minutes)) for choice in choices),
        Button.to(BreakUntilMorning(rupture.id), feeling_words.until_morning(morning)),
    )
    if flooded is not None:
        settle = Card(_(feeling_words.SOOTHING), title=_(feeling_words.FLOODED_TITLE))
        await executor.answer(interaction, Reply(cards=(settle,), buttons=lengths, words=flooded))
        return
    sentence = feeling_words.need_longer(rupture.thread_id) if longer else words.offer_break(rupture.thread_id)
    await executor.answer(interaction, Reply(sentence, buttons=lengths))


async def show_phrases(interaction: Interaction, rupture_id: int) -> None:
    """The repair phrases, privately, one row for each kind; any one is sent in a click."""
    if await permitted(interaction, rupture_id, Say("")) is None:
        return
    buttons = tuple(
        Button.to(SayPhrase(rupture_id, key), _(text), row=row)
        for row, (_kind, group) in enumerate(phrases.GROUPS)
        for key, text in group
    )
    kinds = "\n".join(f"**{_(kind)}**" for kind, _group in phrases.GROUPS)
    card = Card(f"{_(phrases.PALETTE)}\n\n{kinds}", title=_(phrases.PALETTE_TITLE))
    await executor.answer(interaction, Reply(cards=(card,), buttons=buttons))


async def say(interaction: Interaction, button: SayPhrase) -> None:
    """Send one repair phrase to the other person (one from another version of Mend is refused)."""
    if phrases.phrase(button.phrase) is None:
        await executor.answer(interaction, Reply(_(common.UNKNOWN_BUTTON)))
        return
    await act(interaction, button.rupture_id, button.action)


async def break_until_morning(interaction: Interaction, button: BreakUntilMorning) -> None:
    """A break until this person's quiet hours end, the coming morning."""
    bot = interaction.client
    now = bot.clock.now()
    ends = tomorrow_morning(now, await bot.db.waking_of(interaction.user.id))
    await act(interaction, button.rupture_id, Pause(ends - now))


async def ask_to_leave(interaction: Interaction, rupture_id: int) -> None:
    """Ask privately before stepping away."""
    loaded = await permitted(interaction, rupture_id, Leave())
    role = None if loaded is None else loaded[0].role_of(interaction.user.id)
    if loaded is None or role is None:
        return
    rupture = loaded[0]
    choices = (
        Button.to(LeaveButton(rupture.id, LeaveStep.CONFIRM), _(words.STEP_AWAY), Style.DANGER),
        Button.to(LeaveButton(rupture.id, LeaveStep.STAY), _(words.STAY)),
    )
    sentence = words.confirm_leave(rupture.user_id(role.other), rupture.thread_id)
    await executor.answer(interaction, Reply(sentence, buttons=choices))


async def leave(interaction: Interaction, button: LeaveButton) -> None:
    if button.step is LeaveStep.ASK:
        await ask_to_leave(interaction, button.rupture_id)
    elif button.step is LeaveStep.CONFIRM:
        await act(interaction, button.rupture_id, button.action)
    else:
        await executor.Responder.of(interaction).replace_with(Reply(_(words.STAYING)))


def actor_of(interaction: Interaction) -> Actor:
    message = interaction.message
    return Actor(
        interaction.user.id,
        interaction.user.display_name,
        interaction.user.display_avatar.url,
        from_private_message=bool(message is not None and message.flags.ephemeral),
        locale=str(interaction.locale),
    )
