"""The one executor: it performs a plan through discord.py and records where its messages went.

Posts go to the repair's thread, then earlier messages are edited, the thread archived if the
repair is over, and the person who acted is answered privately. If the thread cannot be told,
the plan's undo is performed and the person gets their words back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import discord

from bot.app import Interaction, MendBot
from bot.events import Change
from bot.plan import Edit, Plan, Post, Reply
from bot.rupture import Rupture
from bot.wording import turns as words
from cogs.ui import render
from cogs.ui.channels import DISCORD_FAILURES, ErrorCode, archive_quietly, is_code, partial_thread, problem_of

log = logging.getLogger(__name__)


async def answer(interaction: Interaction, reply: Reply) -> None:
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
        if interaction.response.is_done():
            await interaction.followup.send(reply.text, **options)
        else:
            await interaction.response.send_message(reply.text, **options)
    except DISCORD_FAILURES as error:
        log.warning("Could not answer interaction %s: %s", interaction.id, error)


async def defer(interaction: Interaction) -> None:
    """Acknowledge now; slow work follows. Commands get a private "thinking", presses nothing visible."""
    if interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.application_command:
        await interaction.response.defer(ephemeral=True, thinking=True)
    else:
        await interaction.response.defer()


async def post(
    channel: discord.abc.Messageable, posts: Sequence[Post], *, nonce: str | None = None
) -> list[discord.Message]:
    """Post each message in turn (`nonce` makes a retry of the first a no-op); if one fails, remove
    those already posted and raise."""
    sent: list[discord.Message] = []
    try:
        for message in posts:
            sent.append(await channel.send(**render.message(message, nonce=None if sent else nonce)))
    except DISCORD_FAILURES:
        await _delete_quietly(sent)
        raise
    return sent


async def perform(interaction: Interaction, plan: Plan, change: Change | None = None) -> None:
    """Perform a plan for the person who acted (and, for a change, in its rupture's thread)."""
    bot = interaction.client
    rupture = change.rupture if change is not None else None
    if rupture is not None and rupture.thread_id is not None and plan.posts:
        thread = partial_thread(bot, rupture.thread_id, rupture.guild_id)
        try:
            posted = await post(thread, plan.posts)
        except DISCORD_FAILURES as error:
            log.warning("Could not post in thread %s of rupture %s: %s", rupture.thread_id, rupture.id, error)
            if plan.undo is not None:
                await _undo(interaction, plan, change, error)
                return
        else:
            await record(bot, rupture, plan.posts, posted)
    if rupture is not None and rupture.thread_id is not None:
        await _edit(interaction, rupture.thread_id, rupture.guild_id, plan.edits)
        if plan.archive:
            await archive_quietly(bot, rupture.thread_id)
    if plan.reply is not None:
        await answer(interaction, plan.reply)


async def record(bot: MendBot, rupture: Rupture, posts: Sequence[Post], posted: Sequence[discord.Message]) -> None:
    """Note which posted message now carries the rupture's prompt, or a commitment to acknowledge."""
    for message, sent in zip(posts, posted, strict=True):
        if message.carries_prompt or message.carries_commitment_of is not None:
            await bot.db.note_messages(
                rupture, sent.id, prompt=message.carries_prompt, commitment_of=message.carries_commitment_of
            )


async def _undo(interaction: Interaction, plan: Plan, change: Change | None, error: BaseException) -> None:
    """The thread could not be told: put the rupture back as it was and say so, privately."""
    assert plan.undo is not None and change is not None
    db = interaction.client.db
    undo = plan.undo
    if is_code(error, ErrorCode.UNKNOWN_CHANNEL):
        await db.mark_gone(change.rupture.id)
        sentence = words.THREAD_DELETED
    elif await db.save(Change(change.rupture, undo.restore, keep_private=undo.keep_private)) is not None:
        sentence = words.undone(problem_of(error))
    else:
        log.warning("Rupture %s moved on before its failed post could be undone", change.rupture.id)
        sentence = words.moved_on_meanwhile(problem_of(error))
    await answer(interaction, Reply(sentence, words=undo.words))


async def _edit(interaction: Interaction, thread_id: int, guild_id: int, edits: Iterable[Edit]) -> None:
    """Edit earlier messages: retire a prompt's buttons, refresh a prompt, mark an acknowledgement."""
    thread = partial_thread(interaction.client, thread_id, guild_id)
    for edit in edits:
        try:
            if edit.last_card is None and edit.footer is None:
                await thread.get_partial_message(edit.message_id).edit(view=render.view(edit.buttons))
                continue
            known = interaction.message if interaction.message and interaction.message.id == edit.message_id else None
            message = known or await thread.fetch_message(edit.message_id)
            cards = list(message.embeds)
            if edit.last_card is not None:
                cards[-1:] = [render.embed(edit.last_card)]
            if edit.footer is not None and cards:
                cards[-1].set_footer(text=edit.footer)
            await message.edit(embeds=cards, view=render.view(edit.buttons), allowed_mentions=render.NO_PINGS)
        except DISCORD_FAILURES as error:
            log.warning("Could not tidy message %s in thread %s: %s", edit.message_id, thread_id, error)


async def _delete_quietly(messages: Iterable[discord.Message]) -> None:
    """Remove messages posted for a change that did not happen; failures are only logged."""
    for message in messages:
        try:
            await message.delete()
        except DISCORD_FAILURES as error:
            log.warning("Could not remove message %s after an undone change: %s", message.id, error)
