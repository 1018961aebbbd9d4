"""Hardened inputs: any text a person can type, and any button id someone could forge."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.actions import says_something
from bot.app import MendBot
from bot.prompts import TEXT_LIMIT
from bot.repair import invitation
from bot.rupture import Rupture
from bot.wording import common, turns
from tests.e2e.steps import accept, button, open_repair, posted, press, started_repair, write
from tests.helpers import START as NOW
from tests.helpers import World
from tests.standin.world import Channel, Permission

EDGE_TEXTS = [
    "",
    "   \n\t ",
    "x" * TEXT_LIMIT,
    "**bold** _italic_ `code` ~~struck~~ > quoted\n# heading\n||spoiler||",
    "\u200b\u200c\u200d\ufeff",
    "\u202eright to left\u202c and back",
    "@everyone @here <@&1> <@2> <@!3> <#4> <t:0:R>",
    "```\nunclosed code",
]
TEXTS = st.one_of(
    st.sampled_from(EDGE_TEXTS),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=TEXT_LIMIT),
)
FOR_A_SHARED_BOT = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


async def _in_mirror(world: World) -> Channel:
    """A repair waiting for Sam to reflect back (opened once, reused by every example)."""
    threads = [c for c in world.guild.channels.values() if c.is_thread]
    if threads:
        return threads[0]
    thread = await started_repair(world)
    await write(world, world.alex, thread, turns.WRITE, "I felt unheard.")
    await button(world, thread, turns.REFLECT_BACK)
    return thread


@FOR_A_SHARED_BOT
@given(text=TEXTS)
async def test_any_text_is_posted_whole_with_nothing_pinged_or_refused_plainly(
    world: World, mend: MendBot, text: str
) -> None:
    thread = await _in_mirror(world)

    def where(rupture: Rupture | None) -> tuple[object, ...]:
        assert rupture is not None
        return rupture.version, rupture.status, rupture.position

    before = where(await mend.db.rupture_in_thread(thread.id))
    opened = await press(world, world.sam, thread, turns.REFLECT_BACK)
    reply = await (await world.sam.submit(opened, text)).reply()
    assert reply.elapsed < 3
    if not says_something(text.strip()):  # only spaces or invisible characters would post a blank box
        assert reply.ephemeral and reply.text == common.EMPTY_FORM
        assert where(await mend.db.rupture_in_thread(thread.id)) == before
        return
    message = await posted(world, thread, turns.CONFIRM_TITLE, since=world.standin.messages(thread)[-1])
    assert text.strip() in "".join(e.get("description", "") for e in message.embeds)
    assert message.pings() == set()
    assert message.allowed_mentions == {"parse": []}
    await press(world, world.alex, thread, turns.NOT_QUITE)
    await press(world, world.alex, thread, turns.TRY_AGAIN)
    await button(world, thread, turns.REFLECT_BACK)


async def test_a_lone_surrogate_in_a_private_answer_is_kept_as_a_replacement_mark(world: World, mend: MendBot) -> None:
    """No keyboard makes one, but a broken client can send it: the answer is sealed and revealed
    whole, with the mark where the broken character was."""
    thread = await started_repair(world, "full")
    for person in (world.alex, world.sam):
        await press(world, person, thread, turns.AGREE)
    await posted(world, thread, "Step 2 of")
    await write(world, world.alex, thread, turns.WRITE_PRIVATELY, "Hurt \ud83d and tired.")
    await write(world, world.sam, thread, turns.WRITE_PRIVATELY, "Lonely.")
    revealed = await posted(world, thread, "Hurt \ufffd and tired.")
    assert revealed.pings() == set()


async def _two_servers(world: World, mend: MendBot) -> tuple[Channel, int, int]:
    """Alex and Sam's repair here, another repair in another server, and Robin moderating here.

    Made once and reused by every example.
    """
    threads = [c for c in world.guild.channels.values() if c.is_thread]
    if not threads:
        mods = world.standin.add_role(world.guild, "Mods", Permission.MEMBER_DEFAULT | Permission.MANAGE_THREADS)
        world.guild.members[world.outsider.id].roles.append(mods.id)
        thread = await open_repair(world, world.alex, world.sam)
        await accept(world, world.sam, thread)
        await button(world, thread, turns.WRITE)
        await mend.settled()  # the new prompt noted, so every example starts from the same state
        elsewhere = world.standin.add_guild("Elsewhere", world.owner.user)
        other = await mend.db.reserve_rupture(invitation(elsewhere.id, "quick", world.owner.id, world.alex.id, NOW))
        assert other is not None
        threads = [thread]
        await mend.settled()  # the prompt on screen is recorded after it is posted
    here = await mend.db.rupture_in_thread(threads[0].id)
    assert here is not None
    return threads[0], here.id, here.id + 1


FORGED_ACTIONS = ["ready", "write", "skip", "gotit", "notquite", "accept", "agree", "yes", "notyet", "ack-first"]


def forged_ids(here: int, elsewhere: int, alex: int) -> st.SearchStrategy[str]:
    rupture = st.sampled_from([here, elsewhere, 0, 2**63 - 1, 2**63, 10**25])
    return st.one_of(
        st.builds(
            lambda r, step, phase, rnd, action: f"mend:turn:{r}:{step}:{phase}:{rnd}:{action}",
            rupture,
            st.integers(0, 999),
            st.sampled_from(["inv", "write", "mirror", "confirm", "collect", "recog", "commit", "bogus"]),
            st.integers(0, 999),
            st.sampled_from(FORGED_ACTIONS),
        ),
        st.builds(
            lambda r, a: f"mend:checkin:{r}:{a}", rupture, st.sampled_from(["okay", "pickup", "snooze3", "stop"])
        ),
        st.builds(lambda r, w: f"mend:break:{r}:{w}", rupture, st.sampled_from(["ask", "end", "20", "9999"])),
        st.builds(lambda r, w: f"mend:leave:{r}:{w}", rupture, st.sampled_from(["ask", "yes"])),
        st.builds(lambda r, role: f"mend:followup:{r}:{role}:yes", rupture, st.sampled_from(["first", "second"])),
        st.just(f"mend:erase:{alex}:yes"),
        st.text(min_size=1, max_size=100),
        st.text(alphabet="mend:turn0123456789éß漢字🙂", min_size=1, max_size=100),
    )


@FOR_A_SHARED_BOT
@given(data=st.data())
async def test_forged_buttons_change_nothing_and_are_answered_plainly(
    world: World, mend: MendBot, data: st.DataObject
) -> None:
    thread, here, elsewhere = await _two_servers(world, mend)
    custom_id = data.draw(forged_ids(here, elsewhere, world.alex.id))
    forged = world.standin.forge_message(
        thread,
        world.application.bot,
        [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Forged", "custom_id": custom_id}]}],
    )
    people = (world.alex.id, world.sam.id, world.outsider.id, world.owner.id)
    before = [await mend.db.export(person) for person in people]
    count = len(world.standin.messages(thread))
    reply = await (await world.outsider.press(forged, "Forged")).reply()
    assert reply.elapsed < 3
    assert reply.ephemeral, (custom_id, reply.type)
    assert reply.modal is None
    assert reply.text, "a plain answer, never silence"
    assert [await mend.db.export(person) for person in people] == before
    assert len(world.standin.messages(thread)) == count, "nothing was posted"
    del thread.messages[forged.id]
