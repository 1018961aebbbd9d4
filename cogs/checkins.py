"""Check-ins: one APScheduler sweep over what the database says is due, and the follow-up answers.

The sweep claims due rows (the claim is committed first), sends each item once, then records it.
A process killed after claiming leaves the item to be claimed again at the next start; one killed
after sending is caught by looking for the sent message before sending again (and Discord's
`enforce_nonce` catches a quick retry). After downtime each rupture gets one catch-up, because a
rupture has one due item and the next is planned from when this one went out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from bot import components, metrics, posts
from bot.actions import Cadence
from bot.app import Interaction, MendBot
from bot.clock import to_timestamp
from bot.components import FollowupAnswer, FollowupButton, FollowupWay
from bot.events import Change
from bot.i18n import _, speaking
from bot.plan import Reply
from bot.protocols import Role
from bot.repair import invitation_ended, thread_gone
from bot.retry import compare_and_set
from bot.rupture import Due, FollowUp, Rupture
from bot.schedule import (
    Claim,
    Handled,
    Outcome,
    Waking,
    break_over,
    checkin_sent,
    followup_answered,
    followup_asked,
    followup_way_chosen,
    reminder_sent,
    still_due,
    waking_moment,
)
from bot.wording import checkins as words
from bot.wording import refusals
from cogs.ui import executor, render
from cogs.ui.channels import DISCORD_FAILURES, ErrorCode, archive_quietly, is_code, partial_thread
from cogs.ui.executor import show_all_unshown

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)
LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=1)
BATCH = 250
PARALLEL_SENDS = 8
HISTORY_LOOKED_AT = 50


async def answer_followup(interaction: Interaction, button: FollowupButton) -> None:
    """The private question about a commitment: show it, or take its answer (only Mend keeps that
    an answer came, never which)."""
    rupture = await _own_question(interaction, button.rupture_id, button.role)
    if rupture is None:
        return
    if button.answer is FollowupAnswer.ASK:
        question = words.followup_question(posts.followup_link(rupture, button.role))
        await executor.answer(interaction, Reply(question, buttons=posts.followup_answers(rupture, button.role)))
        return
    await _record(interaction, button.rupture_id, lambda current: followup_answered(current, button.role))
    await executor.Responder.of(interaction).replace_with(Reply(words.followup_thanks(button.answer.value)))


async def choose_followup_way(interaction: Interaction, button: FollowupWay) -> None:
    """Right after naming a commitment: be asked about it by direct message, or in the thread."""
    if await _own_question(interaction, button.rupture_id, button.role) is None:
        return
    await _record(interaction, button.rupture_id, lambda now: followup_way_chosen(now, button.role, button.by_dm))
    await executor.Responder.of(interaction).replace_with(Reply(words.asked_by(button.by_dm)))


async def _own_question(interaction: Interaction, rupture_id: int, role: Role) -> Rupture | None:
    """The rupture, if the question about `role`'s commitment is this person's; otherwise say why not."""
    rupture = await interaction.client.db.rupture(rupture_id)
    if rupture is not None and interaction.guild_id not in (None, rupture.guild_id):
        await executor.answer(interaction, Reply(_(refusals.NOT_IN_THIS_SERVER)))  # a button copied elsewhere
        return None
    if rupture is None or rupture.user_id(role) != interaction.user.id:
        owner = rupture.user_id(role) if rupture else None
        await executor.answer(interaction, Reply(words.not_your_question(owner)))
        return None
    return rupture


async def _record(interaction: Interaction, rupture_id: int, change: Callable[[Rupture], Rupture]) -> None:
    """Save a private change to one person's seat, with compare-and-set (nothing to save: nothing)."""
    db = interaction.client.db

    async def attempt() -> bool | None:
        current = await db.rupture(rupture_id)
        if current is None or change(current) == current:
            return True
        return await db.save(Change(current, change(current))) is not None or None

    await compare_and_set(attempt)


class Checkins(commands.Cog):
    """Runs the sweep."""

    def __init__(self, bot: MendBot) -> None:
        self.bot = bot
        self._sends = asyncio.Semaphore(PARALLEL_SENDS)
        self._sweeping = asyncio.Lock()
        self._swept_once = False

    async def cog_load(self) -> None:
        if not self.bot.schedules:
            return
        holder_gone = self.bot.lock.previous_holder_is_gone
        released = await self.bot.db.release_claims(self.bot.clock.now(), holder_gone=holder_gone)
        if released:
            log.info("Released %d claim(s) left by the previous process", released)
        self.bot.run_every("checkin-sweep", SWEEP_EVERY, self.sweep, now_too=True)

    async def cog_unload(self) -> None:
        self.bot.stop_running("checkin-sweep")

    async def sweep(self) -> Counter[str]:
        """Handle everything due now, in batches; return how each item ended (for logs and tests).

        Per batch the database is read twice (the claim, then people's hours and the servers'
        cadences) and written twice (the claim, then one transaction recording every outcome).
        """
        outcomes: Counter[str] = Counter()
        db = self.bot.db
        await show_all_unshown(self.bot)  # anything Discord could not take before, now that it may
        async with self._sweeping:
            now, started = self.bot.clock.now(), time.monotonic()
            while claims := await db.claim_due(now, lease=LEASE, limit=BATCH):
                waking, cadences = await db.sweep_context(claim.rupture for claim in claims)
                handled = await asyncio.gather(
                    *(self._handle_safely(claim, waking, cadences[claim.rupture.guild_id], now) for claim in claims)
                )
                await db.settle(handled)
                outcomes.update(item.label for item in handled)
                metrics.swept()
                if len(claims) < BATCH:
                    break
            metrics.swept(started)
        if outcomes or not self._swept_once:
            log.info("Check-in sweep handled %d item(s): %s", outcomes.total(), dict(outcomes))
        self._swept_once = True
        return outcomes

    async def _handle_safely(self, claim: Claim, waking: dict[int, Waking], cadence: Cadence, now: datetime) -> Handled:
        """One item, in its thread's language; whatever happens to it, the others go on."""
        rupture = claim.rupture
        try:
            async with self._sends:
                with speaking(rupture.language):
                    return await self._handle(claim, waking, cadence, now)
        except discord.NotFound as error:
            if is_code(error, ErrorCode.UNKNOWN_CHANNEL):
                return Handled(claim, Outcome.GONE, thread_gone(rupture))
            log.warning("Due %s of rupture %s: %s; retrying later", claim.due, rupture.id, error)
        except discord.Forbidden as error:
            log.warning(
                "Missing permission in guild %s for rupture %s (%s); held until settings change",
                rupture.guild_id,
                rupture.id,
                error,
            )
            return Handled(claim, Outcome.BLOCKED)
        except DISCORD_FAILURES as error:
            log.warning("Due %s of rupture %s failed (%s); retrying next sweep", claim.due, rupture.id, error)
        except Exception:
            log.exception("Due %s of rupture %s failed; retrying next sweep", claim.due, rupture.id)
        return Handled(claim, Outcome.RETRY, when=now + RETRY_AFTER)

    async def _handle(self, claim: Claim, waking: dict[int, Waking], cadence: Cadence, now: datetime) -> Handled:
        rupture = claim.rupture
        if not still_due(rupture, claim.due):
            return Handled(claim, Outcome.MOVED_ON)
        people = [waking[s.user_id] for s in (rupture.first, rupture.second) if s.user_id in waking]
        woken = waking_moment(now, people)
        if woken > now:
            return Handled(claim, Outcome.QUIET, when=woken)
        if self.bot.db.changed_since(rupture):
            return Handled(claim, Outcome.SUPERSEDED)  # someone acted since the claim: look again next time
        if claim.due is Due.FOLLOWUP:
            return Handled(claim, Outcome.SENT, await self._follow_up(rupture, claim))
        if claim.due is Due.INVITE_REMINDER:
            await self._remind(rupture, claim)
            return Handled(claim, Outcome.SENT, reminder_sent(rupture))
        thread = partial_thread(self.bot, rupture.thread_id or 0, rupture.guild_id)
        if claim.attempt == 1 or not await self._sent_already(thread, claim, _is(claim.due, rupture)):
            rupture = await self._send(thread, rupture, claim)
        if claim.due is Due.CHECKIN:
            recorded = checkin_sent(rupture, cadence, now)
        elif claim.due is Due.INVITATION_END:
            recorded = invitation_ended(rupture, now)
        else:
            recorded = break_over(rupture, cadence, now)
        return Handled(claim, Outcome.SENT, recorded)

    async def _send(self, thread: discord.PartialMessageable, rupture: Rupture, claim: Claim) -> Rupture:
        """Post the item in the thread; the rupture, with the message that now carries its prompt."""
        nonce = _nonce(rupture.id, claim.due_at)
        if claim.due is Due.CHECKIN:
            await executor.post(
                thread, (posts.checkin(rupture, self.bot.protocols[rupture.protocol].parent_led),), nonce=nonce
            )
            return rupture
        if claim.due is Due.INVITATION_END:
            plan = posts.invitation_ended(rupture)
        else:
            plan = posts.break_over(rupture, self.bot.protocols[rupture.protocol])
        [message] = await executor.post(thread, plan.posts, nonce=nonce)
        for edit in plan.edits:
            try:
                await thread.get_partial_message(edit.message_id).edit(view=render.view(edit.buttons))
            except DISCORD_FAILURES as error:
                log.warning("Could not retire the old prompt of rupture %s: %s", rupture.id, error)
        if plan.archive:
            await archive_quietly(self.bot, thread.id)
        return replace(rupture, prompt_message_id=message.id)

    async def _remind(self, rupture: Rupture, claim: Claim) -> None:
        """The invitation's one reminder, by direct message to the invited person, in their language
        (the thread's, if Mend has not seen theirs); if their direct messages are closed there is none
        (the thread shows nothing either way)."""
        assert rupture.second.user_id is not None
        dm = await self._dm(rupture.second.user_id)
        if claim.attempt > 1 and await self._sent_already(dm, claim, _is(claim.due, rupture)):
            return
        try:
            with speaking(await self.bot.db.locale_of(rupture.second.user_id) or rupture.language):
                reminder = posts.reminder(rupture)
            await executor.post(dm, (reminder,), nonce=_nonce(rupture.id, claim.due_at))
        except discord.Forbidden as error:
            if not is_code(error, ErrorCode.CANNOT_MESSAGE_USER):
                raise

    async def _follow_up(self, rupture: Rupture, claim: Claim) -> Rupture:
        """Ask each person with a named commitment, privately, whether it happened."""
        for role in (Role.FIRST, Role.SECOND):
            user_id = rupture.user_id(role)
            if rupture.seat(role).followup is not FollowUp.PENDING or user_id is None:
                continue
            if claim.attempt == 1 or not await self._asked_already(rupture, role, claim):
                await self._ask(rupture, role, user_id, claim)
            rupture = followup_asked(rupture, role)
        return rupture

    async def _ask(self, rupture: Rupture, role: Role, user_id: int, claim: Claim) -> None:
        """By direct message, in their language, if they chose it when naming the commitment (and their
        DMs are open); otherwise a neutral note in the thread. The answer itself always stays private."""
        nonce = _nonce(rupture.id, claim.due_at, role)
        if rupture.seat(role).followup_by_dm:
            with speaking(await self.bot.db.locale_of(user_id) or rupture.language):
                question = posts.followup_by_dm(rupture, role)
            try:
                await executor.post(await self._dm(user_id), (question,), nonce=nonce)
                return
            except discord.Forbidden as error:
                if not is_code(error, ErrorCode.CANNOT_MESSAGE_USER):
                    raise
        thread = partial_thread(self.bot, rupture.thread_id or 0, rupture.guild_id)
        await executor.post(thread, (posts.followup_in_thread(rupture, role),), nonce=nonce)

    async def _asked_already(self, rupture: Rupture, role: Role, claim: Claim) -> bool:
        asked = _is(Due.FOLLOWUP, rupture, role)
        user_id = rupture.user_id(role)
        assert user_id is not None
        if rupture.seat(role).followup_by_dm and await self._sent_already(await self._dm(user_id), claim, asked):
            return True
        return await self._sent_already(
            partial_thread(self.bot, rupture.thread_id or 0, rupture.guild_id), claim, asked
        )

    async def _sent_already(
        self, channel: discord.abc.Messageable, claim: Claim, matches: Callable[[discord.Message], bool]
    ) -> bool:
        """Whether this item went out before a crash: a message of ours after its first claim."""
        after = discord.Object(discord.utils.time_snowflake(claim.first_claimed_at - timedelta(minutes=1)))
        me = self.bot.user
        async for message in channel.history(limit=HISTORY_LOOKED_AT, after=after):
            if me is not None and message.author.id == me.id and matches(message):
                return True
        return False

    async def _dm(self, user_id: int) -> discord.PartialMessageable:
        # Discord's spec types recipient_id as a string snowflake; pass it as one.
        data = await self.bot.http.start_private_message(str(user_id))
        return self.bot.get_partial_messageable(int(data["id"]), type=discord.ChannelType.private)


def _is(due: Due, rupture: Rupture, role: Role | None = None) -> Callable[[discord.Message], bool]:
    """Whether a message is the item `due` sent for `rupture` (by its buttons, never its words)."""

    def matches(message: discord.Message) -> bool:
        return components.matches(render.targets(message), due, rupture, role)

    return matches


def _nonce(rupture_id: int, due_at: datetime, role: Role | None = None) -> str:
    """The same nonce for every attempt at one item, so Discord keeps only the first (≤ 25 characters)."""
    suffix = "" if role is None else role.value[0]
    return f"{rupture_id:x}{to_timestamp(due_at):x}{suffix}"


async def setup(bot: MendBot) -> None:
    await bot.add_cog(Checkins(bot))
