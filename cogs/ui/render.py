"""Plans as discord.py objects: cards become embeds, buttons a view, a form a modal."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import discord

from bot.i18n import _
from bot.plan import Attachment, Button, Card, Edit, Post, Style, Tone, word_cards
from bot.prompts import Form
from bot.wording.common import CONTINUED, YOUR_WORDS

COLOURS = {Tone.MAIN: discord.Colour.from_rgb(94, 129, 172), Tone.QUIET: discord.Colour.from_rgb(160, 160, 170)}
STYLES = {
    Style.PRIMARY: discord.ButtonStyle.primary,
    Style.SECONDARY: discord.ButtonStyle.secondary,
    Style.DANGER: discord.ButtonStyle.danger,
    Style.LINK: discord.ButtonStyle.link,
}
NO_PINGS = discord.AllowedMentions.none()
# Mend's own content mentions only the people it means to notify; letting user mentions through pings
# just them. (A list of ids would be sent as integers, which Discord's spec does not accept.)
MENTIONED_PEOPLE = discord.AllowedMentions(everyone=False, users=True, roles=False, replied_user=False)


def embed(card: Card) -> discord.Embed:
    made = discord.Embed(title=card.title, description=card.text or None, colour=COLOURS[card.tone])
    if card.byline is not None:
        made.set_author(name=card.byline.name, icon_url=card.byline.icon_url)
    if card.footer:
        made.set_footer(text=card.footer)
    for field in card.fields:
        made.add_field(name=field.name, value=field.value, inline=field.inline)
    return made


def embeds(cards: Iterable[Card]) -> list[discord.Embed]:
    return [embed(card) for card in cards]


def view(buttons: Iterable[Button]) -> discord.ui.View:
    """A view of Mend's buttons. Their `custom_id`s carry all they need (the persistent `DynamicItem`
    answers them), so the view is stopped before it is sent: discord.py then keeps no copy (nor, for
    a private answer, a 15-minute timer) per message, which would otherwise grow with every answer.
    """
    made = discord.ui.View(timeout=None)
    for button in buttons:
        if button.style is Style.LINK:
            made.add_item(discord.ui.Button(label=button.label, url=button.target, style=STYLES[button.style]))
        else:
            made.add_item(
                discord.ui.Button(
                    label=button.label, custom_id=button.target, style=STYLES[button.style], row=button.row
                )
            )
    made.stop()
    return made


def message(post: Post, *, nonce: str | None = None) -> dict[str, Any]:
    """The keyword arguments of `send` for a post."""
    options: dict[str, Any] = {
        "embeds": embeds(post.cards),
        "allowed_mentions": MENTIONED_PEOPLE if post.pings else NO_PINGS,
    }
    if post.content:
        options["content"] = post.content
    if post.buttons:
        options["view"] = view(post.buttons)
    if post.attachment is not None:
        options["file"] = file(post.attachment)
    if nonce is not None:
        options["nonce"] = nonce
    return options


class SpecFile(discord.File):
    """A file whose attachment id is sent as a string, the snowflake type Discord's spec asks for."""

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["id"] = str(index)
        return payload


def file(attachment: Attachment) -> discord.File:
    return SpecFile(io.BytesIO(attachment.data), filename=attachment.filename, description=attachment.description)


def edit(change: Edit, current: Sequence[discord.Embed]) -> dict[str, Any]:
    """The keyword arguments of `edit` for an earlier message whose embeds are `current`."""
    made = list(current)
    if change.last_card is not None:
        made[-1:] = [embed(change.last_card)]
    if change.footer is not None and made:
        made[-1] = made[-1].copy().set_footer(text=change.footer)
    options: dict[str, Any] = {"view": view(change.buttons), "allowed_mentions": NO_PINGS}
    if change.last_card is not None or change.footer is not None:
        options["embeds"] = made
    return options


def targets(message: discord.Message) -> set[str]:
    """The ids and links of a message's buttons."""
    return {
        str(getattr(child, "custom_id", None) or getattr(child, "url", None) or "")
        for row in message.components
        for child in getattr(row, "children", [row])
    }


def given_back(words: str | None) -> list[discord.Embed]:
    """Words that could not be used, given back privately to the person who wrote them."""
    return embeds(word_cards(words, _(CONTINUED), title=_(YOUR_WORDS))) if words else []


def modal(form: Form) -> discord.ui.Modal:
    """A stateless form: its `custom_id` says where the text goes, and the submission is routed by it
    even after a restart, so nothing is kept in memory."""
    made = discord.ui.Modal(title=form.title, custom_id=form.custom_id, timeout=None)
    if form.question is not None:
        question = form.question
        options = [discord.RadioGroupOption(label=label, value=value) for value, label in question.options]
        choice: discord.ui.RadioGroup[discord.ui.View] = discord.ui.RadioGroup(
            custom_id=question.custom_id, options=options, required=False
        )
        made.add_item(discord.ui.Label(text=question.label, description=question.hint, component=choice))
    made.add_item(
        discord.ui.TextInput(
            label=form.label,
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=form.max_length,
            placeholder=form.placeholder or None,
        )
    )
    made.stop()
    return made


def choice_of(submission: dict[str, Any], custom_id: str) -> str | None:
    """The option chosen for the question `custom_id` in a form's submission, if any."""
    for component in submission.get("components", []):
        field = component.get("component") or {}
        if field.get("custom_id") == custom_id:
            return str(field.get("value") or "") or None
    return None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a pair is one character by the time it is a str


def text_of(submission: dict[str, Any]) -> str:
    """The text typed into a form's box, from the submission's raw data. A lone surrogate (which no
    real keyboard makes, and which neither SQLite nor Discord takes) becomes a replacement mark."""
    for component in submission.get("components", []):
        for field in component.get("components") or [component.get("component") or {}]:
            if field.get("custom_id") == "text":
                return _LONE_SURROGATE.sub("\ufffd", str(field.get("value") or ""))
    return ""
