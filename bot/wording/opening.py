"""The words of starting a repair, the guide, and `/repair status`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.i18n import N_, _, listed, ngettext
from bot.plan import Card, Field
from bot.wording.common import channel, mention, quoted, role, when

HOW_IT_WORKS_TITLE = N_("Mend: repairing a rupture, together")
PRIVACY_NOTICE = N_(
    "The thread Mend opens is private to the two of you, but **server moderators and admins "
    "(people with Manage Threads or Administrator) can read private threads.** What you write is "
    "posted there; Mend itself does not keep your words."
)
# What an opener sees whenever the other person isn't available, for whatever private reason.
# The same words whatever made a recent invitation end (no answer, not now, a decline, a block).
CALM_BEFORE_INVITING_AGAIN = N_(
    "An invitation between you two ended recently. Give it a day before inviting again; nothing more is "
    "needed from you for now."
)


def guide(protocols: Iterable[tuple[str, str]]) -> Card:
    """The guide to Mend: what a rupture is, why repair matters, the steps, and what is kept (the
    ways of repairing come named and described in the language spoken now)."""
    ways = "\n".join(f"**{name}**: {description}" for name, description in protocols)[:1024]
    return Card(
        title=_(HOW_IT_WORKS_TITLE),
        text=_(
            "A **rupture** is a moment when one of you felt unseen, misunderstood or shut out. It "
            "happens in every close relationship, often, even between people who feel secure with "
            "each other. It isn't a failure. What matters is the **repair**: coming back to it, "
            "hearing each other, and finding your way back. Mend counts repairs, not calm days: "
            "`/repair history` shows you yours, privately."
        ),
        fields=(
            Field(
                _("The four moves of repair"),
                _(
                    "**Acknowledge** what happened, without defending.\n"
                    "**Listen** fully to the other person's side.\n"
                    "**Validate** what makes sense about how they felt.\n"
                    "**Find common ground** for next time."
                ),
                inline=False,
            ),
            Field(
                _("How it works"),
                _(
                    "`/repair start` invites the other person to a private thread; nothing happens until "
                    "they say they're ready. Then Mend walks you through the steps in turns: whoever has "
                    "the floor writes, the other reflects back what they heard, and the first says "
                    "*got it* or *not quite*. In some steps you both write privately, and the answers "
                    "appear together, so nobody has to go first. A repair is finished only when **both** "
                    "of you say you feel understood."
                ),
                inline=False,
            ),
            Field(_("Ways to repair"), ways, inline=False),
            Field(
                _("Breaks and stepping away"),
                _(
                    "Either of you can take a break (20 minutes up to a day) or step away at any time, in "
                    "one click and without giving a reason. The other person sees only a neutral note. "
                    "Strong feelings take at least 20 minutes to settle; a break is part of repair."
                ),
                inline=False,
            ),
            Field(
                _("What Mend keeps, and who can read"),
                _(
                    "Mend keeps who is in a repair, which steps, where it stands and when, not your words: "
                    "what you write is posted in the thread and then erased from Mend's database (private "
                    "answers are held only until both are in). The thread is private to the two of you, "
                    "**but server moderators and admins can read private threads.** `/privacy about` says "
                    "more; `/privacy export` and `/privacy delete` give you or erase what Mend holds about you."
                ),
                inline=False,
            ),
        ),
        footer=_("Mend is for relationships that feel safe. If you're afraid or in crisis, /resources lists help."),
    )


# What is asked privately before a thread opens.
CONSENT_TITLE = N_("Before you start")
START = N_("No, let's start")
START_AS_PARENT = N_("No, and I'm their parent or caregiver")
NOT_SAFE = N_("Yes")
NOT_NOW = N_("Not now")
WITH = N_("With")
WAY_OF_REPAIRING = N_("Way of repairing")
TOPIC = N_("Topic")
LANGUAGE = N_("Language of the thread")
NOTHING_STARTED = N_("Okay. Nothing was started.")
LED_BY_A_PARENT = N_(
    "This way of repairing is for a parent or caregiver and their child, and the parent leads it. "
    "Start it only if you are the child's parent or caregiver."
)
NOT_YOUR_FAULT = N_(
    "Thank you for saying so. Nothing was started and nobody is told anything. If someone makes you "
    "afraid or pushes you into things, that is not your fault, and a repair conversation is not the right "
    "tool for it. The people below can help, confidentially. Only you can see this."
)


CALM_DOWN_TITLE = N_("First, a moment for you")
CALM_DOWN = N_(
    "A repair starts with the grown-up being calm enough to hold it. Before you invite your child, take a "
    "few slow breaths and notice what you're feeling. This is yours to lead, not theirs to fix. If you're "
    "still upset, it's fine to wait and come back when you're steadier."
)
CALM_ENOUGH = N_("I'm calm enough: invite them")


def safety_question(partner: int | None) -> str:
    return _("One question first, only for you: do you ever feel afraid of {partner}, or pressured to do this?").format(
        partner=mention(partner)
    )


def consent(
    partner: int,
    protocol_name: str,
    topic: str | None,
    *,
    first_time: bool,
    parent_led: bool,
    language: str | None = None,
) -> Card:
    """The private card before a repair starts: who can read its thread (the first time), who leads it
    (a parent–child repair), the language chosen for its thread (if one was), and the safety question."""
    fields = [Field(_(WITH), mention(partner)), Field(_(WAY_OF_REPAIRING), protocol_name)]
    if language:
        fields.append(Field(_(LANGUAGE), language))
    if topic:
        fields.append(Field(_(TOPIC), topic, inline=False))
    parts = [_(PRIVACY_NOTICE)] if first_time else []
    parts += [_(LED_BY_A_PARENT)] if parent_led else []
    parts.append(safety_question(partner))
    return Card("\n\n".join(parts), title=_(CONSENT_TITLE), fields=tuple(fields))


# Refusals before a thread opens.
IN_A_SERVER = N_("Mend's repairs happen inside a server: use this there.")
ONLY_IN_A_SERVER = N_("Mend's repairs happen inside a server.")
NEEDS_TWO = N_("A repair takes two people: choose the person you'd like to repair with.")
NO_BOTS = N_("Repairs are between people; bots can't take part.")
NOT_A_TEXT_CHANNEL = N_(
    "Mend opens private threads in a text channel, and this isn't one: try again in a text "
    "channel, or ask an admin to choose one with `/mend-admin setup`."
)
ALREADY_OPEN = N_("You two already have an open repair; `/repair status` links to it.")


def no_such_protocol(key: str) -> str:
    return _("There is no way of repairing called {name}: choose one from the list.").format(name=quoted(key))


def not_a_member(user_id: int) -> str:
    return _("{person} isn't in this server, so Mend can't invite them here.").format(person=mention(user_id))


def left_the_server(user_id: int) -> str:
    return _("{person} isn't in this server any more.").format(person=mention(user_id))


def seems_gone(user_id: int) -> str:
    return _("{person} doesn't seem to be in this server any more.").format(person=mention(user_id))


def needs_role(role_id: int) -> str:
    return _("Mend is set up here for people with the {role} role; an admin can add you to it.").format(
        role=role(role_id)
    )


def partner_lacks_role(user_id: int, role_id: int) -> str:
    return _("{person} doesn't have the {role} role that Mend is set up for here.").format(
        person=mention(user_id), role=role(role_id)
    )


def already_open(thread_id: int) -> str:
    return _("You two already have an open repair: {thread}.").format(thread=channel(thread_id))


# The permissions Mend needs where it opens threads, by the names Discord shows in channel settings.
PERMISSION_NAMES = {
    "view_channel": N_("View Channel"),
    "create_private_threads": N_("Create Private Threads"),
    "send_messages_in_threads": N_("Send Messages in Threads"),
    "embed_links": N_("Embed Links"),
    "read_message_history": N_("Read Message History"),
}


def permission_names(names: list[str]) -> list[str]:
    """Permissions' names (the English of `PERMISSION_NAMES`) in the language spoken now."""
    return [_(name) for name in names]


def missing_permissions(channel_id: int, missing: list[str]) -> str:
    return ngettext(
        "Mend can't open a private thread in {channel}: it is missing the {names} permission there. A "
        "server admin can grant it in the channel's settings.",
        "Mend can't open a private thread in {channel}: it is missing the {names} permissions there. A "
        "server admin can grant it in the channel's settings.",
        len(missing),
    ).format(channel=channel(channel_id), names=listed(permission_names(missing)))


def could_not_open(problem: str) -> str:
    return _("Mend couldn't open the thread: {problem}.").format(problem=problem)


def opened(thread_id: int, partner: int) -> str:
    return _(
        "I've opened {thread} and invited {partner}. Nothing happens until they're ready, and they can also "
        "say not now."
    ).format(thread=channel(thread_id), partner=mention(partner))


def thread_name(tag: str) -> str:
    """A thread's name names nobody and says nothing of what it is about (a topic is the opener's choice)."""
    return _("Repair · {tag}").format(tag=tag)


# The invitation.
INVITATION_TITLE = N_("An invitation to repair")
INVITATION_DETAILS = N_("What this is")
READY_TO_START = N_("No, I'm ready")
INVITATION_ENDED = N_("This invitation has ended. Either of you can start a new repair later.")


def invitation_content(partner: int | None) -> str:
    return mention(partner)  # the ping; the card's title says what it is


READERS = N_("Server admins and moderators can read this thread.")


def invitation(opener: int | None, name: str) -> str:
    """The invitation, short enough for a phone screen; the rest is one tap away."""
    return _(
        "{opener} would like to talk something through with you, in turns (**{name}**). Nothing happens "
        "until you're ready; *Not now* is always fine. {readers}"
    ).format(opener=mention(opener), name=name, readers=_(READERS))


def invitation_details(opener: int | None, description: str, roles: tuple[str, str] | None) -> str:
    """Everything about an invitation, privately: the way of repairing, who is who, breaks, privacy."""
    who = ""
    if roles:
        who = "\n\n" + _("Here {opener} is {first} and you are {second}.").format(
            opener=mention(opener), first=roles[0], second=roles[1]
        )
    breaks = _(
        "It goes in turns. Either of you can take a break or step away at any time, in one click and "
        "without giving a reason. Whatever you answer, nobody is told why."
    )
    return f"{description}{who}\n\n{breaks}\n\n{_(PRIVACY_NOTICE)}"


def safety_check(opener: int | None) -> str:
    return _(
        "Before you start, one question only you see: do you ever feel afraid of {opener}, or pressured to do this?"
    ).format(opener=mention(opener))


# /repair status and the commands that act on "your" repair.
NO_OPEN_REPAIRS = N_("You have no open repairs. `/repair start` begins one, whenever you like.")
STATUS_TITLE = N_("Your open repairs")
NONE_IN_THIS_THREAD = N_("You have no open repair in this thread.")
NONE_OPEN = N_("You have no open repair right now.")
MORE_THAN_ONE = N_("You're in more than one repair: use this inside the repair's thread.")
YOUR_PARTNER = N_("the other person")


def status_name(protocol_name: str, other_name: str) -> str:
    return _("{protocol} with {other}").format(protocol=protocol_name, other=other_name)


def status_line(thread_id: int | None, standing: str) -> str:
    return f"{channel(thread_id)} · {standing}"


def pick_up(name: str) -> str:
    return _("Pick up: {name}").format(name=name)


def waiting_for_answer(other: int | None) -> str:
    return _("waiting for {other} to answer the invitation").format(other=mention(other))


def invited_you(other: int | None) -> str:
    return _("{other} invited you; answer in the thread when you're ready").format(other=mention(other))


def on_a_break(until: datetime) -> str:
    return _("on a break until {moment}").format(moment=when(until))


RESTING = N_("resting: Mend has stopped checking in. Pick it up whenever you like")
LAST_QUESTION = N_("the last question")
WAITING_FOR_OTHER = N_("waiting for the other person")
YOUR_PART = N_("your part to do")
YOUR_TURN = N_("your turn")


def at_step(number: int, total: int, title: str) -> str:
    return _("step {number} of {total}, {title}").format(number=number, total=total, title=title)


def their_turn(other: int | None) -> str:
    return _("{other}'s turn").format(other=mention(other))


def where_and_whose(where: str, whose: str) -> str:
    return f"{where} · {whose}"
