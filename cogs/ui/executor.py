"""The one executor: it performs a plan through discord.py and records where its messages went.

For a person's action it answers through their interaction: the message their button sits on is
updated in the callback (UPDATE_MESSAGE), and the private reply and new thread posts go as
follow-ups on the interaction's token, so a turn costs nothing under Discord's global limit. What
has no interaction (another message to edit, archiving, posts from a private message elsewhere,
what was left when Mend stopped) goes through the channel. A change's thread part waits in the
outbox until shown: after a rate limit it is shown later, on any other failure the plan's undo
puts the change back and the person gets their words back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot.app import Interaction, MendBot
from bot.events import Change
from bot.i18n import _
from bot.outbox import from_text, to_text
from bot.plan import Edit, Plan, Post, Reply
from bot.protocols import Role
from bot.rupture import Rupture
from bot.storage.outbox import Unshown
from bot.wording import turns as words
from cogs.ui import render
from cogs.ui.channels import (
    DISCORD_FAILURES,
    ErrorCode,
    archive_quietly,
    is_code,
    partial_thread,
    problem_of,
    slowed_down,
)

log = logging.getLogger(__name__)

ANSWER_BY = 2.5  # seconds: past this, an interaction still working is deferred (Discord allows 3)
RETRY_TIDY_UP = timedelta(seconds=30)
SOON = timedelta(seconds=2)
SHOW_UNSHOWN = "show-unshown"
OUTBOX_GRACE = timedelta(minutes=2)
HISTORY_LOOKED_AT = 50
FOLLOWUP_PATIENCE = 5.0  # seconds a follow-up may wait on Discord before it is shown later instead
MAX_RETRY = timedelta(minutes=10)


class Responder:
    """One interaction's answers, one at a time, so a deferral and a reply never cross."""

    def __init__(self, interaction: Interaction) -> None:
        self.interaction = interaction
        self._lock = asyncio.Lock()

    @classmethod
    def of(cls, interaction: Interaction) -> Responder:
        responder = interaction.extras.get(cls)
        if responder is None:
            responder = interaction.extras[cls] = cls(interaction)
        return responder

    @property
    def answered(self) -> bool:
        return self.interaction.response.is_done()

    async def defer(self) -> None:
        """Acknowledge now; more follows. Commands get a private "thinking", presses nothing visible."""
        async with self._lock:
            response = self.interaction.response
            if response.is_done():
                return
            if self.interaction.type is discord.InteractionType.application_command:
                await response.defer(ephemeral=True, thinking=True)
            else:
                await response.defer()

    async def update(self, **changes: Any) -> None:
        """Change the message the button sits on: in the callback, or after a deferral."""
        async with self._lock:
            if self.answered:
                await self.interaction.edit_original_response(**changes)
            else:
                await self.interaction.response.edit_message(**changes)

    async def replace_with(self, reply: Reply) -> None:
        """Turn the private message the button sits on into `reply`."""
        embeds = render.embeds(reply.cards) + render.given_back(reply.words)
        await self.update(content=reply.text, embeds=embeds, view=render.view(reply.buttons))

    async def form(self, modal: discord.ui.Modal) -> bool:
        """Open a form; False if it is too late (a form must be the first answer)."""
        async with self._lock:
            if self.answered:
                return False
            await self.interaction.response.send_modal(modal)
            return True

    async def private(self, reply: Reply) -> discord.Message | None:
        """Answer privately, whether or not the interaction was already answered or deferred."""
        options: dict[str, Any] = {
            "ephemeral": True,
            "allowed_mentions": render.NO_PINGS,
            "embeds": render.embeds(reply.cards) + render.given_back(reply.words),
        }
        if reply.buttons:
            options["view"] = render.view(reply.buttons)
        if reply.attachment is not None:
            options["file"] = render.file(reply.attachment)
        try:
            async with self._lock:
                if self.answered:
                    return await self.interaction.followup.send(reply.text, wait=True, **options)
                await self.interaction.response.send_message(reply.text, **options)
                return None
        except DISCORD_FAILURES as error:
            log.warning("Could not answer interaction %s: %s", self.interaction.id, error)
            return None

    def watch(self) -> None:
        """Make sure the interaction is answered in time: if its handler is still working near the
        deadline (a busy database, say), defer it. Autocompletes cannot be deferred."""
        if self.interaction.type in (discord.InteractionType.autocomplete, discord.InteractionType.ping):
            return
        asyncio.get_running_loop().call_later(ANSWER_BY, self._rescue)

    def _rescue(self) -> None:
        if not self.answered:
            self.interaction.client.keep(asyncio.create_task(self._defer_late()))

    async def _defer_late(self) -> None:
        try:
            await self.defer()
        except DISCORD_FAILURES as error:
            log.warning("Could not defer interaction %s: %s", self.interaction.id, error)


async def answer(interaction: Interaction, reply: Reply) -> None:
    await Responder.of(interaction).private(reply)


async def defer(interaction: Interaction) -> None:
    await Responder.of(interaction).defer()


async def post(
    channel: discord.abc.Messageable | discord.Webhook, posts: Sequence[Post], *, nonce: str | None = None
) -> list[discord.Message]:
    """Post each message in turn (`nonce` makes a retry of the first a no-op); if one fails, remove
    those already posted and raise."""
    sent: list[discord.Message] = []
    try:
        for message in posts:
            options = render.message(message, nonce=None if sent else nonce)
            if isinstance(channel, discord.Webhook):
                options.pop("nonce", None)
                sent.append(await asyncio.wait_for(channel.send(wait=True, **options), FOLLOWUP_PATIENCE))
            else:
                sent.append(await channel.send(**options))
    except DISCORD_FAILURES:
        await _delete_quietly(sent)
        raise
    return sent


async def perform(interaction: Interaction, plan: Plan, change: Change | None = None) -> None:
    """Perform a plan for the person who acted (and, for a saved change, in its rupture's thread)."""
    responder = Responder.of(interaction)
    if change is None or change.rupture.thread_id is None:
        if plan.reply is not None:
            await responder.private(plan.reply)
        else:
            await responder.defer()
        return
    rupture = change.rupture
    own = await _update_own_message(responder, plan)
    first_reply = await _reply(responder, plan.reply) if plan.reply is not None else None
    if not plan.tells_the_thread:
        return
    try:
        posted = await post(_where_to_post(interaction, rupture), plan.posts)
    except DISCORD_FAILURES as error:
        await _not_shown(responder, plan, change, own, error, first_reply)
        return
    await _finish(interaction.client, rupture, rupture.version, plan, posted, done=own)


async def _update_own_message(responder: Responder, plan: Plan) -> Edit | None:
    """Retire or refresh the message the person pressed on, in the answer itself; else just defer."""
    message = responder.interaction.message
    own = next((e for e in plan.edits if message is not None and e.message_id == message.id), None)
    if own is None or message is None or message.flags.ephemeral:
        await responder.defer()
        return None
    try:
        await responder.update(**render.edit(own, message.embeds))
    except DISCORD_FAILURES as error:
        log.warning("Could not update message %s in its answer: %s", own.message_id, error)
        await responder.defer()
        return None
    return own


async def _reply(responder: Responder, reply: Reply) -> discord.Message | None:
    """Answer privately: in place of the private message pressed on (its question is answered), else
    as a new private message (returned, when there is one to change later)."""
    message = responder.interaction.message
    if message is not None and message.flags.ephemeral and await _quietly(responder.replace_with(reply)):
        return None
    return await responder.private(reply)


def _where_to_post(interaction: Interaction, rupture: Rupture) -> discord.abc.Messageable | discord.Webhook:
    """The interaction's own follow-ups when it happened in the thread; else the thread itself."""
    if interaction.channel_id == rupture.thread_id:
        return interaction.followup
    assert rupture.thread_id is not None
    return partial_thread(interaction.client, rupture.thread_id, rupture.guild_id)


async def _finish(
    bot: MendBot,
    rupture: Rupture,
    version: int,
    plan: Plan,
    posted: Sequence[discord.Message],
    *,
    done: Edit | None = None,
) -> None:
    """After the posts: the other edits and the archiving, through the channel; then note where the
    posts went and forget what waited. A tidy-up Discord could not take now waits for later."""
    assert rupture.thread_id is not None
    thread = partial_thread(bot, rupture.thread_id, rupture.guild_id)
    left: list[Edit] = []
    for edit in plan.edits:
        if edit is done:
            continue
        try:
            await _edit_through_channel(thread, edit)
        except DISCORD_FAILURES as error:
            log.warning("Could not tidy message %s in thread %s: %s", edit.message_id, rupture.thread_id, error)
            if slowed_down(error) or not isinstance(error, discord.HTTPException):
                left.append(edit)
    archive_left = plan.archive and not await archive_quietly(bot, rupture.thread_id)
    remaining = Plan(edits=tuple(left), archive=archive_left)
    prompt, commitment = _carriers(plan.posts, posted)
    later = None if not remaining.tells_the_thread else (to_text(remaining), datetime.now(UTC) + RETRY_TIDY_UP)
    await bot.db.shown(rupture.id, version, prompt=prompt, commitment=commitment, left=later)


def _carriers(posts: Sequence[Post], posted: Sequence[discord.Message]) -> tuple[int | None, tuple[Role, int] | None]:
    """Which posted message carries the new prompt, and which a commitment to acknowledge."""
    prompt: int | None = None
    commitment: tuple[Role, int] | None = None
    for message, sent in zip(posts, posted, strict=True):
        if message.carries_prompt:
            prompt = sent.id
        if message.carries_commitment_of is not None:
            commitment = (message.carries_commitment_of, sent.id)
    return prompt, commitment


async def _edit_through_channel(thread: discord.PartialMessageable, edit: Edit) -> None:
    if edit.last_card is None and edit.footer is None:
        await thread.get_partial_message(edit.message_id).edit(view=render.view(edit.buttons))
        return
    message = await thread.fetch_message(edit.message_id)
    await message.edit(**render.edit(edit, message.embeds))


async def _not_shown(
    responder: Responder,
    plan: Plan,
    change: Change,
    own: Edit | None,
    error: BaseException,
    first_reply: discord.Message | None,
) -> None:
    """The thread could not be told. Slowed down: show it later. Gone: the repair is over.
    Otherwise: put the change back as it was, restore the pressed message, and say so privately."""
    bot = responder.interaction.client
    rupture = change.rupture
    log.warning("Could not post in thread %s of rupture %s: %s", rupture.thread_id, rupture.id, error)
    if slowed_down(error):
        await bot.db.postpone(rupture.id, rupture.version, datetime.now(UTC) + _retry_after(error))
        retry_later(bot, _retry_after(error))
        await responder.private(Reply(_(words.SHOWN_SOON)))
        return
    if plan.undo is None:
        await _finish(bot, rupture, rupture.version, replace(plan, posts=()), [], done=own)
        return
    undo = plan.undo
    if is_code(error, ErrorCode.UNKNOWN_CHANNEL):
        await bot.db.mark_gone(rupture.id)
        sentence = _(words.THREAD_DELETED)
    elif await bot.db.save(Change(rupture, undo.restore, keep_private=undo.keep_private)) is not None:
        sentence = words.undone(problem_of(error))
        if own is not None and undo.own is not None and responder.interaction.message is not None:
            await _quietly(responder.update(**render.edit(undo.own, responder.interaction.message.embeds)))
    else:
        log.warning("Rupture %s moved on before its failed post could be undone", rupture.id)
        sentence = words.moved_on_meanwhile(problem_of(error))
    await bot.db.shown(rupture.id, rupture.version)
    if first_reply is None or not await _quietly(
        first_reply.edit(content=sentence, embeds=render.given_back(undo.words))
    ):
        await responder.private(Reply(sentence, words=undo.words))


def unclaimed_from() -> datetime:
    """From when a change's waiting thread part may be shown by anyone else, should the one showing
    it now stop (a crash is caught at the next start anyway; this covers a bug or a stall)."""
    return datetime.now(UTC) + OUTBOX_GRACE


def retry_later(bot: MendBot, after: timedelta) -> None:
    """Show what waits in the outbox once Discord allows, with nobody needing to do anything.

    One job does it for every repair; it is moved earlier, never later, and reschedules itself while
    anything still waits. (Outbox times are real time: they wait on Discord, not on people.)"""
    if not bot.scheduler.running:
        return
    job = bot.scheduler.get_job(SHOW_UNSHOWN)
    if job is not None and job.next_run_time <= datetime.now(UTC) + after:
        return

    async def show_and_look_again() -> None:
        await show_all_unshown(bot)
        next_try = await bot.db.next_unshown()
        if next_try is not None:
            retry_later(bot, max(next_try - datetime.now(UTC), timedelta(0)))

    bot.run_once(SHOW_UNSHOWN, after, show_and_look_again)


async def show_unshown(bot: MendBot, waiting: Unshown) -> bool:
    """Show what a change left unshown (Mend stopped, or Discord asked it to wait), through the
    thread, since there is no interaction any more. False if it must wait longer."""
    plan = from_text(waiting.work)
    rupture = waiting.rupture
    if rupture.thread_id is None:
        await bot.db.shown(rupture.id, waiting.version)
        return True
    thread = partial_thread(bot, rupture.thread_id, rupture.guild_id)
    try:
        found = await _posted_before(thread, plan, waiting)
        if found is not None:  # Mend stopped after posting and before noting it
            await _finish(bot, rupture, waiting.version, replace(plan, posts=plan.posts[-1:]), [found])
            return True
        if rupture.version != waiting.version:
            # The repair moved on since: show what was written and said, not buttons for a past step.
            plan = replace(plan, posts=tuple(replace(p, buttons=(), carries_prompt=False) for p in plan.posts))
        posted = await post(thread, plan.posts, nonce=f"o{rupture.id:x}v{waiting.version:x}")
    except DISCORD_FAILURES as error:
        if is_code(error, ErrorCode.UNKNOWN_CHANNEL):
            await bot.db.mark_gone(rupture.id)
            await bot.db.shown(rupture.id, waiting.version)
            return True
        log.warning("Rupture %s still cannot be shown (%s); trying again later", rupture.id, error)
        later = min(_retry_after(error) * (waiting.attempts + 1), MAX_RETRY)
        await bot.db.postpone(rupture.id, waiting.version, datetime.now(UTC) + later)
        return False
    await _finish(bot, rupture, waiting.version, plan, posted)
    return True


async def _posted_before(thread: discord.PartialMessageable, plan: Plan, waiting: Unshown) -> discord.Message | None:
    """The last of the plan's posts, if it is already in the thread (found by its buttons)."""
    if not plan.posts or not plan.posts[-1].buttons:
        return None
    wanted = {button.target for button in plan.posts[-1].buttons}
    after = discord.Object(discord.utils.time_snowflake(waiting.created_at - timedelta(minutes=1)))
    async for message in thread.history(limit=HISTORY_LOOKED_AT, after=after):
        if wanted <= render.targets(message):
            return message
    return None


async def show_all_unshown(bot: MendBot, now: datetime | None = None) -> int:
    """Show everything changes left unshown that may be tried by `now` (real time: the outbox waits
    on Discord, not on people); how many were shown."""
    count = 0
    for waiting in await bot.db.unshown(now or datetime.now(UTC)):
        count += await show_unshown(bot, waiting)
    return count


def _retry_after(error: BaseException) -> timedelta:
    """How long Discord asked Mend to wait; soon after a follow-up that waited too long (the channel
    is another rate limit bucket); else the usual pause before a tidy-up is tried again."""
    seconds = getattr(error, "retry_after", None)  # discord.RateLimited
    if seconds is None and isinstance(error, discord.HTTPException) and error.response is not None:
        seconds = error.response.headers.get("Retry-After")
    if seconds:
        return timedelta(seconds=float(seconds))
    return SOON if isinstance(error, TimeoutError) else RETRY_TIDY_UP


async def _quietly(work: Awaitable[object]) -> bool:
    """Run a Discord call whose failure only needs logging; whether it worked."""
    try:
        await work
    except DISCORD_FAILURES as error:
        log.warning("A tidy-up step failed: %s", error)
        return False
    return True


async def _delete_quietly(messages: Sequence[discord.Message]) -> None:
    """Remove messages posted for a change that did not happen; failures are only logged."""
    for message in messages:
        try:
            await message.delete()
        except DISCORD_FAILURES as error:
            log.warning("Could not remove message %s after an undone change: %s", message.id, error)
