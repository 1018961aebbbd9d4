"""Two people who keep going: whatever happens to Mend, they do the next thing the thread asks of
them, as people would, until the repair is complete (or it is clear they cannot).

Every action has a short patience: if Mend is down, the action times out and is tried again, on
whatever the thread shows by then. What each person writes depends only on the step they write
for, so a retried turn writes the same words again, and the transcript shows whether anything
was lost or doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from bot.wording import checkins, opening, turns
from tests.helpers import World
from tests.standin.actors import ActionError, Person
from tests.standin.world import Channel, ChannelType, Message

PATIENCE = 4.0  # seconds an action waits for Mend before it is tried again
# What the couple press, in this order of preference, wherever they find it.
NEXT = (
    turns.READY,
    turns.AGREE,
    turns.WRITE,
    turns.WRITE_PRIVATELY,
    turns.REFLECT_BACK,
    turns.GOT_IT,
    turns.ACCEPT,
    turns.READ,
    turns.UNDERSTOOD,
    turns.NOTHING_TO_ADD,
    checkins.PICK_UP,
)


@dataclass
class Couple:
    """Alex opens a repair with Sam and both see it through."""

    world: World
    first: Person
    second: Person
    protocol: str
    thread: Channel | None = None
    written: dict[str, int] = field(default_factory=dict)  # each sentence written, and how often sent

    async def repair(self) -> None:
        """Open the repair and carry it to its end."""
        while self.thread is None:
            self.thread = await self._open()
        while not self.complete:
            seen = self._seen()
            if not await self._next_step():
                await self._changed(seen)

    @property
    def complete(self) -> bool:
        assert self.thread is not None
        return self.thread.archived and any(turns.COMPLETE in m.text for m in self._messages())

    def steps_on_screen(self) -> list[str]:
        """The buttons that would move the repair on, still on the thread (none once it is complete:
        a step that is over has its buttons taken away)."""
        return [label for m in self._messages() for b in m.buttons() if (label := str(b.get("label"))) in NEXT]

    def transcript(self) -> str:
        return "\n".join(message.text for message in self._messages())

    def _messages(self) -> list[Message]:
        assert self.thread is not None
        return self.world.standin.messages(self.thread)

    async def _open(self) -> Channel | None:
        """`/repair start`, and past the question before it; the thread once it has its invitation."""
        standin = self.world.standin
        invited = self._invited_thread()
        if invited is not None:
            return invited
        with contextlib.suppress(TimeoutError, ActionError):
            sent = await self.first.slash(
                "repair start", self.world.general, partner=self.second.user, protocol=self.protocol
            )
            reply = await sent.reply(PATIENCE)
            if reply.message is not None and _offers(reply.message, opening.START):
                await (await self.first.press(reply.message, opening.START)).reply(PATIENCE)
        with contextlib.suppress(AssertionError):
            return await standin.until(self._invited_thread, timeout=PATIENCE)  # type: ignore[no-any-return]
        return None

    def _invited_thread(self) -> Channel | None:
        for channel in self.world.guild.channels.values():
            if channel.type == ChannelType.PRIVATE_THREAD and any(
                _offers(m, turns.READY) or opening.INVITATION_TITLE in m.text
                for m in self.world.standin.messages(channel)
            ):
                return channel
        return None

    async def _next_step(self) -> bool:
        """Press the most forward button there is, as whoever it is for; whether anything happened."""
        live = [m for m in reversed(self._messages()) if m.buttons()]
        for label in NEXT:
            message = next((m for m in live if any(b.get("label") == label for b in m.buttons())), None)
            if message is None:
                continue
            for person in (self.first, self.second):
                if await self._try(person, message, label):
                    return True
        return False

    async def _try(self, person: Person, message: Message, label: str) -> bool:
        """Press `label` as `person` (writing in the form if one opens); whether Mend took it."""
        try:
            answer = await (await person.press(message, label)).reply(PATIENCE)
            if answer.message is not None and _offers(answer.message, opening.READY_TO_START):  # the safety question
                answer = await (await person.press(answer.message, opening.READY_TO_START)).reply(PATIENCE)
            if answer.modal is None:
                return not (answer.type == 4 and answer.ephemeral)  # not refused
            text = f"{person.user.username} for «{_heading(message)}»"
            self.written[text] = self.written.get(text, 0) + 1
            taken = await (await person.submit(answer, text)).reply(PATIENCE)
            return not (taken.type == 4 and taken.ephemeral)
        except (TimeoutError, ActionError):
            return False

    def _seen(self) -> list[object]:
        """What the thread shows now, enough to tell whether it has changed since."""
        return [(m.id, m.text, repr(m.buttons())) for m in self._messages()]

    async def _changed(self, seen: list[object]) -> None:
        """Wait a moment for the thread to change from what was `seen` before the last tries (Mend is
        working, or restarting)."""
        assert self.thread is not None
        with contextlib.suppress(AssertionError):
            await self.world.standin.until(lambda: self._seen() != seen, timeout=PATIENCE, channel=self.thread)


def _offers(message: Message, label: str) -> bool:
    return any(b.get("label") == label for b in message.buttons())


def _heading(message: Message) -> str:
    """The title of a prompt: which turn of which step it asks for."""
    titles = [embed.get("title") or "" for embed in message.embeds]
    return titles[-1] if titles else ""


async def watch(task: asyncio.Task[None], timeout: float) -> bool:
    """Whether the couple finished within `timeout` seconds (else they are stuck)."""
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except TimeoutError:
        task.cancel()
        return False
    return True
