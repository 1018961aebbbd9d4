"""`/repair history` on the stand-in: a private reply with its picture, sharing as a pair, erasure."""

from __future__ import annotations

import json

from bot.app import MendBot
from bot.picture import HEIGHT, WIDTH
from bot.wording import checkins as checkin_words
from bot.wording import history as words
from bot.wording import privacy as privacy_words
from bot.wording import turns
from tests.e2e.steps import accept, checkins, look_back, open_repair, posted, press, started_repair, sweep, walk
from tests.helpers import FakeClock, World
from tests.standin.actors import Person
from tests.standin.files import png_size
from tests.standin.world import Channel, Message

PICTURE = "mend-history.png"


async def _repaired(world: World, mend: MendBot, clock: FakeClock) -> Channel:
    """Alex invites Sam; two days later they walk a Quick repair through to feeling understood."""
    thread = await started_repair(world)
    clock.advance(days=2)
    await walk(world, thread, mend.protocols["quick"], world.alex, world.sam)
    return thread


def _seen(message: Message) -> tuple[str, list[dict[str, object]], list[str], int]:
    """Everything a person sees of an answer, but the picture's bytes: text, embeds, buttons, picture size."""
    return message.content, message.embeds, [b["label"] for b in message.buttons()], len(message.files)


async def _share(world: World, person: Person, history: Message, partner: Person) -> Message:
    """Press "Share with …" on a history answer; the private answer that comes back."""
    sent = await person.press(history, words.share_with(partner.user.username.title()))
    answer = await sent.reply()
    return answer.message if answer.message is not None else await sent.followup()


async def test_history_is_a_private_reply_with_its_picture(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await _repaired(world, mend, clock)
    in_thread = len(world.standin.messages(thread))

    history = await look_back(world, world.alex)

    assert history.ephemeral and history.visible_to == world.alex.id
    assert history.content == "1 repair since November; it took under a week."
    line = f"**November 2026** · Quick repair with <@{world.sam.id}> · repaired in 2 days · no check-ins"
    assert line in history.text
    assert png_size(history.files[PICTURE]) == (WIDTH, HEIGHT)
    alt = history.descriptions[PICTURE]
    assert alt.startswith("Bar chart of your repairs by the month each began, November 2026, in UTC time.")
    assert "1 began: 1 repaired, 0 resting or open, 0 ended or stepped away." in alt
    assert [b["label"] for b in history.buttons()] == [words.share_with("Sam")]
    assert len(world.standin.messages(thread)) == in_thread, "nothing is posted where anyone else could see"
    assert history.pings() == set()


async def test_someone_with_no_repairs_gets_only_a_kind_sentence(world: World, mend: MendBot) -> None:
    history = await look_back(world, world.outsider)
    assert history.ephemeral
    assert history.content == words.NOTHING_YET
    assert (history.embeds, history.files, history.buttons()) == ([], {}, [])


async def test_history_counts_check_ins_and_shows_what_is_resting(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    thread = await started_repair(world)
    clock.advance(days=1)
    await sweep(mend)
    await press(world, world.alex, thread, checkin_words.OKAY)
    await press(world, world.sam, thread, checkin_words.OKAY)
    await press(world, world.alex, thread, turns.UNDERSTOOD)
    await press(world, world.sam, thread, turns.UNDERSTOOD)
    other = await open_repair(world, world.alex, world.outsider)
    await accept(world, world.outsider, other)
    for days in (1, 3, 7):
        clock.advance(days=days)
        await sweep(mend)
    assert len(checkins(world, other)) == 3

    history = await look_back(world, world.alex)

    assert history.content == (
        "1 repair since November; it took under a week. One is still open, there whenever you want it."
    )
    robin, sam = f"<@{world.outsider.id}>", f"<@{world.sam.id}>"
    assert f"**November 2026** · Quick repair with {robin} · resting · 3 check-ins" in history.text
    assert f"**November 2026** · Quick repair with {sam} · repaired in 1 day · 1 check-in" in history.text
    assert history.text.index(robin) < history.text.index(sam), "newest first"
    assert "Nov 2026: 1 repaired, 1 resting or open." in history.descriptions[PICTURE]
    assert png_size(history.files[PICTURE]) == (WIDTH, HEIGHT)
    assert [b["label"] for b in history.buttons()] == [words.share_with("Robin"), words.share_with("Sam")]


async def test_sharing_needs_both_and_one_choice_reveals_nothing(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await _repaired(world, mend, clock)
    in_thread = len(world.standin.messages(thread))
    sams_before = _seen(await look_back(world, world.sam))

    waiting = await _share(world, world.alex, await look_back(world, world.alex), world.sam)
    assert waiting.ephemeral and waiting.content == words.share_waiting(world.sam.id)
    assert len(world.standin.messages(thread)) == in_thread, "one choice posts nothing"
    assert _seen(await look_back(world, world.sam)) == sams_before, "nor shows Sam anything"

    done = await _share(world, world.sam, await look_back(world, world.sam), world.alex)
    assert done.ephemeral and done.content == words.shared(thread.id)
    shared = await posted(world, thread, "both chose to share this picture")
    assert png_size(shared.files[PICTURE]) == (WIDTH, HEIGHT)
    assert shared.descriptions[PICTURE].startswith("Bar chart of the repairs you two share")
    assert "1 repair since November" in shared.text
    assert shared.pings() == set()

    again = await _share(world, world.alex, await look_back(world, world.alex), world.sam)
    assert again.content == words.share_waiting(world.sam.id), "each picture takes both choosing again"
    assert len(world.standin.messages(thread)) == in_thread + 1


async def test_nobody_sees_the_others_no(world: World, mend: MendBot, clock: FakeClock) -> None:
    thread = await _repaired(world, mend, clock)
    in_thread = len(world.standin.messages(thread))
    waiting = await _share(world, world.alex, await look_back(world, world.alex), world.sam)
    await (await world.alex.press(waiting, words.DONT_SHARE)).reply()
    assert waiting.content == words.NOT_SHARED and waiting.buttons() == []

    sams = await _share(world, world.sam, await look_back(world, world.sam), world.alex)
    assert sams.content == words.share_waiting(world.alex.id), "the same answer as if Alex had never pressed"

    clock.advance(days=8)
    alexs = await _share(world, world.alex, await look_back(world, world.alex), world.sam)
    assert alexs.content == words.share_waiting(world.sam.id), "a choice from last week has lapsed"
    assert len(world.standin.messages(thread)) == in_thread


async def test_erasure_removes_history_and_the_other_sees_someone(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    await _repaired(world, mend, clock)
    await _share(world, world.sam, await look_back(world, world.sam), world.alex)

    ask = await (await world.alex.slash("privacy delete", world.general)).reply()
    assert ask.message is not None
    await (await world.alex.press(ask.message, privacy_words.ERASE)).reply()
    await world.standin.until(lambda: privacy_words.ERASED in ask.message.text)  # type: ignore[union-attr]

    assert (await look_back(world, world.alex)).content == words.NOTHING_YET
    sams = await look_back(world, world.sam)
    assert "Quick repair with someone · repaired in 2 days" in sams.text
    assert sams.buttons() == [], "there is nobody left to share with"
    assert await mend.db._sql.all("SELECT * FROM history_shares") == [], "Sam's choice named Alex"


async def test_after_leaving_someone_who_left_then_erased_after_thirty_days(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    await _repaired(world, mend, clock)
    privacy = mend.get_cog("PrivacyCommands")
    assert privacy is not None
    world.standin.leave(world.guild, world.sam.user)
    at_once = await look_back(world, world.alex)  # Mend asks Discord about the people it would name
    assert "Quick repair with someone who left · repaired in 2 days" in at_once.text
    assert str(world.sam.id) not in at_once.text and at_once.buttons() == []
    clock.advance(days=1, minutes=1)
    await privacy.check_memberships()  # type: ignore[attr-defined]
    assert "Quick repair with someone who left" in (await look_back(world, world.alex)).text

    clock.advance(days=30, minutes=1)
    assert await privacy.check_memberships() == 1  # type: ignore[attr-defined]
    assert "Quick repair with someone · repaired in 2 days" in (await look_back(world, world.alex)).text


async def test_a_year_later_the_history_is_quiet_but_kept(world: World, mend: MendBot, clock: FakeClock) -> None:
    await _repaired(world, mend, clock)
    clock.advance(days=400)
    history = await look_back(world, world.alex)
    assert history.content == words.NOTHING_THIS_YEAR and history.files == {}
    assert (await mend.db.export(world.alex.id))["ruptures"] != []


async def test_export_holds_the_history_and_your_own_choices_to_share(
    world: World, mend: MendBot, clock: FakeClock
) -> None:
    await _repaired(world, mend, clock)
    await _share(world, world.alex, await look_back(world, world.alex), world.sam)
    exported = await (await world.alex.slash("privacy export", world.general)).reply()
    assert exported.message is not None
    data = json.loads(exported.message.files["mend-data.json"])
    [rupture] = data["ruptures"]
    assert rupture["resolved_at"] - rupture["created_at"] == 2 * 86400
    assert rupture["checkins_sent"] == 0
    assert [(s["partner_id"], s["chosen_at"]) for s in data["history_shares_you_chose"]] == [
        (world.sam.id, int(clock.now().timestamp()))
    ]
    sams = await (await world.sam.slash("privacy export", world.general)).reply()
    assert sams.message is not None
    assert json.loads(sams.message.files["mend-data.json"])["history_shares_you_chose"] == [], "Alex's alone"
