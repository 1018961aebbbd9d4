"""The words of a repair in its thread: prompts, buttons, forms, the neutral lines, private replies.

Constants are English message ids (translated with `_` where they are shown); functions return
their sentence in the language spoken now.
"""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, _, ngettext, number
from bot.protocols import Response
from bot.rupture import Phase
from bot.wording.common import Problem, channel, mention, problem, when

# Buttons (at most 80 characters).
READY = N_("I'm ready")
NOT_NOW = N_("Not now")
DECLINE = N_("Decline")
WITHDRAW = N_("Withdraw")
WRITE = N_("Write")
SKIP_STEP = N_("Skip this step")
REFLECT_BACK = N_("Reflect back")
GOT_IT = N_("Yes, that's it")
MORE = N_("Yes, and there's more")
NOT_QUITE = N_("Not quite")
SAY_WHAT_WAS_MISSED = N_("Say what was missed")
TRY_AGAIN = N_("Let them try again")
MOVE_ON = N_("Let's move on for now")
ACCEPT = N_("I accept")
READ = N_("I've read it")
SAY_WHAT_I_NEED = N_("Say what I still need")
ANSWER = N_("Answer")
AGREE = N_("I agree")
WRITE_PRIVATELY = N_("Write privately")
UNDERSTOOD = N_("Yes, for now")
NOT_YET = N_("Not yet")
TELL_WHAT_I_NEED = N_("Tell them what I still need")
PHRASES = N_("Repair phrases")
NAME_ONE_THING = N_("Name one thing I'll do")
NOTHING_TO_ADD = N_("Nothing to add")
ACKNOWLEDGE = N_("Acknowledge")
TAKE_A_BREAK = N_("Take a break")
END_BREAK = N_("End the break early")
STEP_AWAY = N_("Step away")
STAY = N_("Stay")
I_NEED_LONGER = N_("I need longer")


def break_length(minutes: int) -> str:
    """A break's length, as its button says it: "20 minutes", "1 hour", "4 hours"."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{count} hour", "{count} hours", hours).format(count=number(hours))
    return ngettext("{count} minute", "{count} minutes", minutes).format(count=number(minutes))


# Titles of what people write, by the turn it answers (form titles: at most 45 characters).
_PART_TITLES = {
    Phase.MIRROR: N_("What I heard"),
    Phase.CLARIFY: N_("What was missed"),
    Phase.VALIDATE: N_("What makes sense to me"),
    Phase.RESPOND: N_("What I still need"),
    Phase.REPLY: N_("My answer"),
    Phase.RECOGNITION: N_("What I still need"),
    Phase.HEAR: N_("My answer"),
    Phase.COMMITMENTS: N_("One thing I'll do"),
    Phase.OFFER: N_("What I want to say"),
    Phase.REFLECT: N_("What I heard"),
}
_INPUT_LABELS = {**_PART_TITLES, Phase.COLLECT: N_("Only shown once you've both written")}
# What a form's box shows before anything is typed (at most 100 characters).
_PLACEHOLDERS = {
    Phase.MIRROR: N_("I heard you say…"),
    Phase.CLARIFY: N_("What I meant was…"),
    Phase.VALIDATE: N_("It makes sense that you felt… because…"),
    Phase.RESPOND: N_("What I still need is…"),
    Phase.RECOGNITION: N_("What I still need is…"),
    Phase.COMMITMENTS: N_("Next time, I will…"),
    Phase.REFLECT: N_("It sounds like you felt…"),
}
SHORT = N_("A sentence or two is plenty.")
YOUR_WORDS_LABEL = N_("Your words")
IN_A_STEP = N_("I felt… I needed…")


def written_title(part: Phase, step_title: str) -> str:
    """The title over someone's words: the step's own, or the turn they answer."""
    return _(_PART_TITLES[part]) if part in _PART_TITLES else step_title


def form_title(phase: Phase, step_title: str | None) -> str:
    title = _PART_TITLES.get(phase)
    return _(title) if title else step_title or _(_PART_TITLES[Phase.COMMITMENTS])


def form_label(phase: Phase) -> str:
    return _(_INPUT_LABELS.get(phase, YOUR_WORDS_LABEL))


def form_placeholder(phase: Phase, in_a_step: bool) -> str:
    return _(_PLACEHOLDERS.get(phase) or (IN_A_STEP if in_a_step else SHORT))


# Prompts.


def step_heading(step: int, total: int, title: str) -> str:
    return _("Step {number} of {total} · {title}").format(number=number(step), total=number(total), title=title)


# How far a step both act in has come, naming nobody (so nobody is named for holding it up).
AGREED = N_("One of you has agreed; the other can take their time.")
WRITTEN = N_("One of you has written; the other can take their time.")
ANSWERED = N_("One of you has answered; the other can take their time.")


def progress(done: int, sentence: str) -> str:
    """`sentence` (AGREED, WRITTEN or ANSWERED) once one of the two has done their part."""
    return "" if done == 0 else f"\n\n{_(sentence)}"


def sealed_prompt(prompt: str) -> str:
    return f"{prompt}\n\n" + _("Each of you writes privately; both answers appear together once you've both written.")


def floor_prompt(prompt: str, writer: int | None, listener: int | None, response: Response) -> str:
    other = mention(listener)
    next_part = {
        Response.MIRROR: _("{other}, listen for now: next you'll reflect back what you heard."),
        Response.ACCEPT: _("{other}, next you can accept it or say what you still need."),
        Response.READ: _("{other}, next you'll say you've read it."),
        Response.NONE: _("{other}, you'll be able to read it here."),
    }[response].format(other=other)
    floor = _("**{who}, the floor is yours.**").format(who=mention(writer))
    return f"{prompt} {_(SHORT)}\n\n{floor} {next_part}"


MORE_TITLE = N_("Is there more?")


def more_prompt(speaker: int | None, listener: int | None) -> str:
    return _("**{speaker}**, say what else there is. {listener}, listen: next you'll reflect it back.").format(
        speaker=mention(speaker), listener=mention(listener)
    )


CLARIFY_TITLE = N_("What was missed")


def clarify_prompt(speaker: int | None, listener: int | None) -> str:
    return _("**{speaker}**, what was missed? Say it in a sentence, or let {listener} try again as it is.").format(
        speaker=mention(speaker), listener=mention(listener)
    )


REFLECT_TITLE = N_("Reflect back")


def mirror_prompt(response_prompt: str, listener: int | None, speaker: int | None, again: bool) -> str:
    retry = _("Have another go, with what {speaker} added.").format(speaker=mention(speaker)) + " " if again else ""
    your_turn_ = _("**{listener}, your turn to reflect back.**").format(listener=mention(listener))
    return f"{retry}{response_prompt}\n\n{your_turn_}"


CONFIRM_TITLE = N_("Did that land?")


def confirm_prompt(speaker: int | None, listener: int | None, may_move_on: bool) -> str:
    text = _("**{speaker}**, did {listener} get it? Is there more? If something is missing, say so.").format(
        speaker=mention(speaker), listener=mention(listener)
    )
    return text + (f"\n\n{_(ROUNDS_DONE)}" if may_move_on else "")


ROUNDS_DONE = N_(
    "You've gone round a few times; that's listening, and it's hard. Either of you can move on for now "
    "and come back to this another time."
)
ANSWER_TITLE = N_("An answer")


def answer_prompt(who: int | None, needing: int | None) -> str:
    return _("**{who}**, {needing} said what they still need. Answer it, in a sentence or two.").format(
        who=mention(who), needing=mention(needing)
    )


def hear_prompt(who: int | None, needing: int | None) -> str:
    then = _("Then {needing} will be asked again.").format(needing=mention(needing))
    return f"{answer_prompt(who, needing)} {then}"


OFFER_TITLE = N_("If you'd like to say something")


def offer_prompt(child: int | None, parent: int | None) -> str:
    return _(
        "{child}, if you'd like to, say anything about this, and {parent} will reflect it back. You don't "
        "have to: there's nothing to accept, and nothing to say sorry for."
    ).format(child=mention(child), parent=mention(parent))


def reflect_prompt(parent: int | None, child: int | None) -> str:
    return _(
        "**{parent}**, reflect back what {child} said and how they feel, in your own words, without "
        "correcting or explaining. A sentence or two is plenty."
    ).format(parent=mention(parent), child=mention(child))


VALIDATE_TITLE = N_("What makes sense")


def your_turn(prompt: str, who: int | None) -> str:
    return f"{prompt}\n\n" + _("**{who}, your turn.**").format(who=mention(who))


RECOGNITION_TITLE = N_("Do you feel understood enough for now?")
RECOGNITION = N_(
    "Each of you, privately: do you feel understood enough by the other, for now? Only you see your "
    "answer. *Not yet* is a full answer: the repair stays open, and you can tell the other what you "
    "still need. It is complete when you both say yes."
)
CLOSING_TITLE = N_("One thing for next time (if you like)")
CLOSING = N_(
    "Each of you may name one concrete thing you'll do. The other can acknowledge it, and a few "
    "days from now Mend will ask you privately whether it happened. You can also leave it here."
)
COMPLETE = N_("This repair is complete. 🌱")


def acknowledged_by(name: str) -> str:
    return _("✓ Acknowledged by {name}").format(name=name)


# Neutral lines in the thread.


def ready(who: int | None) -> str:
    return _("{who} is ready. Let's begin.").format(who=mention(who))


def confirmed(who: int | None, landed: bool, more: bool = False) -> str:
    if more:
        line = _("{who}: got it, and there's more.")
    else:
        line = _("{who}: got it. ✓") if landed else _("{who}: not quite yet.")
    return line.format(who=mention(who))


def accepted(who: int | None, read: bool = False) -> str:
    return (_("{who} has read it.") if read else _("{who} has responded.")).format(who=mention(who))


MOVED_ON = N_("Moving on for now. You can come back to this another time.")
STEPS_CHANGED = N_(
    "Mend's steps for this way of repairing have changed since you began, so this repair moves on "
    "from here. Everything you wrote is still above."
)


def skipped(who: int | None) -> str:
    return _("{who} chose not to write anything here, and that's okay.").format(who=mention(who))


LEFT = N_("This repair has ended; either of you can start a new one later.")


def paused(until: datetime) -> str:
    return _("Taking a break. Back {relative}, at {time}.").format(relative=when(until, "R"), time=when(until, "t"))


BREAK_OVER = N_("The break is over. Ready when you are.")
PICKED_UP = N_("Picking up where you left off.")
RESOLVED_BY_RECOGNITION = N_("💛 You've both said you feel understood enough for now. That's a repair.")
RESOLVED_BY_A_PARENT = N_("💛 That's a repair: the parent's part is done.")


def snoozed(until: datetime) -> str:
    return _("Mend will check in again {relative}.").format(relative=when(until, "R"))


CHECKINS_STOPPED = N_("Mend won't check in on this repair any more. It stays here for whenever you want it.")


# Private replies to the person who acted.


def set_aside_reply(opener: int | None, declined: bool, ends: datetime) -> str:
    """After "not now" or a decline: what the one who invited will (not) see, and when it ends."""
    if declined:
        return _(
            "Okay. Nothing is sent to {opener}: the invitation ends by itself {relative}, and they only see "
            "that it ended, not why."
        ).format(opener=mention(opener), relative=when(ends, "R"))
    return _(
        "Okay. {opener} isn't told anything. The invitation stays here until {moment}, and you can still "
        "say you're ready before then; if you don't, they only see that it ended."
    ).format(opener=mention(opener), moment=when(ends, "f"))


NOT_YOUR_FAULT = N_(
    "Thank you for telling Mend. If someone makes you afraid or pushes you into things, that is not your "
    "fault, and you deserve to be safe. Nothing changes for the other person: the invitation ends by itself, "
    "and they only see that it ended, never why. Only you can see this. The people below can help, "
    "confidentially."
)


def wrote_privately_reply(other: int | None) -> str:
    return _("Saved privately. It will appear together with {other}'s answer once they've written.").format(
        other=mention(other)
    )


def agreed_reply(other: int | None) -> str:
    return _("Noted. Waiting for {other} to agree too.").format(other=mention(other))


NOT_YET_REPLY = N_(
    "Thank you for saying so; only you see this. The repair stays open, there's no rush. If you like, "
    "tell them what you still need: they'll answer it, and then you'll both be asked again."
)


def understood_reply(other: int | None) -> str:
    return _("Thank you; only you see your answer. The repair is complete once {other} feels understood too.").format(
        other=mention(other)
    )


def left_reply(other: int | None) -> str:
    return _("You've stepped away. {other} only sees that the repair has ended, never why.").format(
        other=mention(other)
    )


def paused_reply(until: datetime) -> str:
    return _(
        "Your break is set until {time}. Nobody needs to do anything until then; Mend will say when it's over."
    ).format(time=when(until, "t"))


NOTHING_TO_ADD_REPLY = N_("Okay, nothing to add.")


def snoozed_reply(until: datetime) -> str:
    return _("Snoozed: Mend will check in again {moment}.").format(moment=when(until))


STOPPED_REPLY = N_("Okay. Mend won't check in on this repair again; `/repair status` can pick it up any time.")


def okay_reply(other: int | None) -> str:
    return _("Noted. Once {other} says so too, you'll both be asked the last question.").format(other=mention(other))


def picked_up_reply(thread: int | None) -> str:
    return _("Picked up: the current step is at the bottom of {thread}.").format(thread=channel(thread))


# Breaks and stepping away.


def offer_break(thread: int | None) -> str:
    return _(
        "Would you like to take a break from {thread}? Strong feelings take at least 20 minutes to settle. "
        "No reason is needed, and the other person only sees when you'll be back."
    ).format(thread=channel(thread))


def confirm_leave(other: int | None, thread: int | None) -> str:
    return _(
        "Step away from your repair with {other} ({thread})? They will only see that it has ended, never "
        "why. You can always start a new repair later."
    ).format(other=mention(other), thread=channel(thread))


STAYING = N_("Okay, nothing has changed.")

# When the thread could not be told.
BUSY_FORM = N_("Mend took too long to open the form this time; please press the button again.")
SHOWN_SOON = N_(
    "Discord asked Mend to slow down for a moment. What you did is saved, and it will appear in the "
    "thread shortly, with nothing more needed from you."
)
THREAD_DELETED = N_("This repair's thread has been deleted, so the repair is closed.")
SEVERAL_PRESSES = N_("Several presses arrived at once; please try again.")


def undone(kind: Problem) -> str:
    return _("Nothing was changed: {problem}. Please try again in a moment.").format(problem=problem(kind))


def moved_on_meanwhile(kind: Problem) -> str:
    return _(
        "Mend couldn't post this in the thread ({problem}), and the repair has moved on since. "
        "`/repair status` shows where it stands now."
    ).format(problem=problem(kind))
