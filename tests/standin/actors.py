"""Acting as a person in the stand-in: slash commands, button presses and modal submissions.

Every action is an INTERACTION_CREATE built the way Discord builds it: options from the synced
command definitions, a press only on a button that is really on a message, a submission only of a
modal the bot really opened for this person. `Sent.reply()` waits for the bot's answer.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tests.standin.server import Application, Callback, Pending, StandIn
from tests.standin.world import Channel, Guild, Message, User

ATTACHMENT_LIMIT = 10 * 1024 * 1024
_OPTION_USER, _OPTION_CHANNEL, _OPTION_ROLE = 6, 7, 8


class ActionError(AssertionError):
    """The test asked for something a real person could not do (no such button, option, modal)."""


@dataclass
class Sent:
    """An interaction on its way to the bot."""

    pending: Pending
    standin: StandIn

    async def reply(self, timeout: float = 5.0) -> Callback:
        """The bot's callback; the stand-in itself refuses one that comes after 3 seconds."""
        return await asyncio.wait_for(asyncio.shield(self.pending.callback), timeout)

    async def followup(self, timeout: float = 5.0) -> Message:
        """The next follow-up message the bot sent for this interaction."""
        return await asyncio.wait_for(self.pending.followups.get(), timeout)

    @property
    def original(self) -> Message | None:
        return self.pending.original


@dataclass
class Person:
    """A user acting in one server of the stand-in, through one application."""

    standin: StandIn
    application: Application
    user: User
    guild: Guild | None
    opened_modals: list[tuple[dict[str, Any], Pending]] = field(default_factory=list)
    locale: str = "en-US"  # the language their Discord client is set to

    @property
    def id(self) -> int:
        return self.user.id

    def with_guild(self, guild: Guild | None) -> Person:
        """The same person acting elsewhere (None: in their direct messages with the bot)."""
        return replace(self, guild=guild)  # the same list of opened forms

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    async def slash(self, command: str, channel: Channel, /, **options: Any) -> Sent:
        """Run `/command` (words separated by spaces for subcommands) with the given options."""
        name, *path = command.split()
        definition = self.application.command(name, self.guild.id if self.guild else None)
        if definition is None:
            raise ActionError(f"/{name} is not a synced command")
        data: dict[str, Any] = {"id": definition["id"], "name": name, "type": 1}
        if "guild_id" in definition:
            data["guild_id"] = definition["guild_id"]
        resolved: dict[str, dict[str, Any]] = {}
        container, defined = data, definition.get("options", [])
        for sub in path:
            match = next((o for o in defined if o["name"] == sub and o["type"] in (1, 2)), None)
            if match is None:
                raise ActionError(f"/{command}: no subcommand {sub!r}")
            nested: dict[str, Any] = {"name": sub, "type": match["type"], "options": []}
            container.setdefault("options", []).append(nested)
            container, defined = nested, match.get("options", [])
        container["options"] = self._options(command, defined, options, resolved)
        if resolved:
            data["resolved"] = resolved
        return await self._send(2, channel, data)

    async def autocomplete(self, command: str, channel: Channel, focused: str, /, **options: Any) -> Callback:
        """Type into option `focused` and return the bot's suggestions."""
        name, *path = command.split()
        definition = self.application.command(name, self.guild.id if self.guild else None)
        if definition is None:
            raise ActionError(f"/{name} is not a synced command")
        data: dict[str, Any] = {"id": definition["id"], "name": name, "type": 1}
        container, defined = data, definition.get("options", [])
        for sub in path:
            match = next(o for o in defined if o["name"] == sub)
            nested: dict[str, Any] = {"name": sub, "type": match["type"], "options": []}
            container.setdefault("options", []).append(nested)
            container, defined = nested, match.get("options", [])
        built = self._options(command, defined, options, {}, check_required=False)
        for option in built:
            if option["name"] == focused:
                option["focused"] = True
        container["options"] = built
        sent = await self._send(4, channel, data)
        return await sent.reply()

    def _options(
        self,
        command: str,
        defined: list[dict[str, Any]],
        given: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        *,
        check_required: bool = True,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in defined}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ActionError(f"/{command} has no option {sorted(unknown)}")
        missing = [o["name"] for o in defined if o.get("required") and o["name"] not in given]
        if missing and check_required:
            raise ActionError(f"/{command} needs {missing}")
        built = []
        for name, value in given.items():
            kind = by_name[name]["type"]
            built.append({"name": name, "type": kind, "value": self._resolve(kind, value, resolved)})
        return built

    def _resolve(self, kind: int, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        if kind == _OPTION_USER:
            user: User = value.user if isinstance(value, Person) else value
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            member = self.guild.members.get(user.id) if self.guild else None
            if member is not None:
                partial = member.payload()
                del partial["user"]
                resolved.setdefault("members", {})[str(user.id)] = partial
            return str(user.id)
        if kind == _OPTION_CHANNEL:
            channel: Channel = value
            resolved.setdefault("channels", {})[str(channel.id)] = {**channel.payload(), "permissions": "0"}
            return str(channel.id)
        if kind == _OPTION_ROLE:
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        return value

    async def press(self, message: Message, label: str) -> Sent:
        """Press the button labelled `label` on `message` (it must be there and enabled)."""
        if message.visible_to is not None and message.visible_to != self.user.id:
            raise ActionError("that message is ephemeral and was shown to someone else")
        channel = self.standin.channels.get(message.channel_id)
        if channel is None or message.id not in channel.messages:
            raise ActionError("that message no longer exists")
        if self.guild is not None and channel.is_thread and not self.guild.can_see_thread(self.user.id, channel):
            raise ActionError(f"{self.user.username} cannot see that private thread")
        button = next((b for b in message.buttons() if b.get("label") == label), None)
        if button is None:
            labels = [b.get("label") for b in message.buttons()]
            raise ActionError(f"no button {label!r} on the message (it has {labels})")
        if button.get("disabled"):
            raise ActionError(f"the button {label!r} is disabled")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._send(3, channel, data, message=message)

    def modal(self, callback: Callback) -> dict[str, Any]:
        if callback.modal is None:
            raise ActionError(f"the bot answered with type {callback.type}, not a modal")
        return callback.modal

    async def submit(self, callback: Callback, *values: str, choices: Mapping[str, str] | None = None) -> Sent:
        """Fill in the modal the bot opened in `callback` (its text inputs, in order, and `choices`
        for its one-of questions, by custom_id) and submit it."""
        modal = self.modal(callback)
        opened = next((p for m, p in self.opened_modals if m is modal), None)
        if opened is None:
            raise ActionError("this modal was not opened for this person")
        inputs = _text_inputs(modal["components"])
        if len(values) != len(inputs):
            raise ActionError(f"the modal has {len(inputs)} inputs, {len(values)} values were given")
        answers = _chosen(modal["components"], choices or {})
        for (wrapper, text_input), value in zip(inputs, values, strict=True):
            if len(value) > text_input.get("max_length", 4000):
                raise ActionError("that text is longer than the input allows")
            answer = {"type": 4, "custom_id": text_input["custom_id"], "value": value}
            if wrapper == 18:
                answers.append({"type": 18, "component": answer})
            else:
                answers.append({"type": 1, "components": [answer]})
        data = {"custom_id": modal["custom_id"], "components": answers}
        return await self._send(5, opened.channel, data, message=opened.message)

    async def _send(self, kind: int, channel: Channel, data: dict[str, Any], *, message: Message | None = None) -> Sent:
        standin = self.standin
        guild = self.guild
        interaction_id = standin.snowflakes.next()
        token = secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application.id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "token": token,
            "version": 1,
            "locale": self.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_LIMIT,
        }
        if guild is not None:
            member = guild.members[self.user.id]
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member.payload(permissions=guild.permissions_in(self.user.id, channel)),
                app_permissions=str(guild.permissions_in(self.application.bot.id, channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=self.user.payload(),
                app_permissions=str(1 << 14 | 1 << 15 | 1 << 17 | 1 << 18),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = message.payload(channel.guild_id)
        pending = Pending(interaction_id, token, kind, self.application, self.user, guild, channel, message, payload)
        standin.pending[token] = pending
        standin.tally.interactions += 1
        pending.callback.add_done_callback(lambda f: self._remember_modal(f, pending))
        await standin.gateway.dispatch(self.application, "INTERACTION_CREATE", payload)
        return Sent(pending, standin)

    def _remember_modal(self, future: asyncio.Future[Callback], pending: Pending) -> None:
        if not future.cancelled() and future.result().modal is not None:
            self.opened_modals.append((future.result().modal, pending))  # type: ignore[arg-type]


def _chosen(components: list[dict[str, Any]], choices: Mapping[str, str]) -> list[dict[str, Any]]:
    """The answers to a modal's radio groups, as a client sends them; a required one left empty, or
    an option that is not offered, is something no person could do."""
    answers = []
    for component in components:
        group = component.get("component", {}) if component.get("type") == 18 else {}
        if group.get("type") != 21:
            continue
        choice = choices.get(group["custom_id"])
        if choice is None and group.get("required", True):
            raise ActionError(f"the question {group['custom_id']!r} must be answered")
        if choice is not None and choice not in {option["value"] for option in group["options"]}:
            raise ActionError(f"{choice!r} is not one of the options of {group['custom_id']!r}")
        answers.append({"type": 18, "component": {"type": 21, "custom_id": group["custom_id"], "value": choice}})
    return answers


def _text_inputs(components: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    found = []
    for component in components:
        if component.get("type") == 18 and component.get("component", {}).get("type") == 4:
            found.append((18, component["component"]))
        elif component.get("type") == 1:
            found.extend((1, c) for c in component.get("components", []) if c.get("type") == 4)
    return found
