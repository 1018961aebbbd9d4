"""The words of a repair in its thread: prompts, buttons, forms, the neutral lines, private replies."""

from __future__ import annotations

from datetime import datetime

from bot.protocols import Response
from bot.rupture import Phase
from bot.wording.common import Problem, channel, mention, problem, when

# Buttons.
READY = "I'm ready"
NOT_NOW = "Not now"
DECLINE = "Decline"
WITHDRAW = "Withdraw"
WRITE = "Write"
SKIP_STEP = "Skip this step"
REFLECT_BACK = "Reflect back"
GOT_IT = "Yes, that's it"
MORE = "Yes, and there's more"
NOT_QUITE = "Not quite"
SAY_WHAT_WAS_MISSED = "Say what was missed"
TRY_AGAIN = "Let them try again"
MOVE_ON = "Let's move on for now"
ACCEPT = "I accept"
READ = "I've read it"
SAY_WHAT_I_NEED = "Say what I still need"
ANSWER = "Answer"
AGREE = "I agree"
WRITE_PRIVATELY = "Write privately"
UNDERSTOOD = "Yes, for now"
NOT_YET = "Not yet"
TELL_WHAT_I_NEED = "Tell them what I still need"
PHRASES = "Repair phrases"
NAME_ONE_THING = "Name one thing I'll do"
NOTHING_TO_ADD = "Nothing to add"
ACKNOWLEDGE = "Acknowledge"
TAKE_A_BREAK = "Take a break"
END_BREAK = "End the break early"
STEP_AWAY = "Step away"
STAY = "Stay"
I_NEED_LONGER = "I need longer"
_BREAK_LENGTHS = {20: "20 minutes", 60: "1 hour", 240: "4 hours"}


def break_length(minutes: int) -> str:
    return _BREAK_LENGTHS.get(minutes) or f"{minutes} minutes"


# Titles of what people write, by the turn it answers.
_PART_TITLES = {
    Phase.MIRROR: "What I heard",
    Phase.CLARIFY: "What was missed",
    Phase.VALIDATE: "What makes sense to me",
    Phase.RESPOND: "What I still need",
    Phase.REPLY: "My answer",
    Phase.RECOGNITION: "What I still need",
    Phase.HEAR: "My answer",
    Phase.COMMITMENTS: "One thing I'll do",
    Phase.OFFER: "What I want to say",
    Phase.REFLECT: "What I heard",
}
_INPUT_LABELS = {**_PART_TITLES, Phase.COLLECT: "Only shown once you've both written"}
_PLACEHOLDERS = {
    Phase.MIRROR: "I heard you say…",
    Phase.CLARIFY: "What I meant was…",
    Phase.VALIDATE: "It makes sense that you felt… because…",
    Phase.RESPOND: "What I still need is…",
    Phase.RECOGNITION: "What I still need is…",
    Phase.COMMITMENTS: "Next time, I will…",
    Phase.REFLECT: "It sounds like you felt…",
}
SHORT = "A sentence or two is plenty."


def written_title(part: Phase, step_title: str) -> str:
    """The title over someone's words: the step's own, or the turn they answer."""
    return _PART_TITLES.get(part, step_title)


def form_title(phase: Phase, step_title: str | None) -> str:
    return _PART_TITLES.get(phase) or step_title or _PART_TITLES[Phase.COMMITMENTS]


def form_label(phase: Phase) -> str:
    return _INPUT_LABELS.get(phase, "Your words")


def form_placeholder(phase: Phase, in_a_step: bool) -> str:
    return _PLACEHOLDERS.get(phase) or ("I felt… I needed…" if in_a_step else SHORT)


# Prompts.


def step_heading(number: int, total: int, title: str) -> str:
    return f"Step {number} of {total} · {title}"


def progress(done: int, verb: str) -> str:
    """How far a step both act in has come, naming nobody (so nobody is named for holding it up)."""
    return "" if done == 0 else f"\n\nOne of you has {verb}; the other can take their time."


AGREED, WRITTEN, ANSWERED = "agreed", "written", "answered"


def sealed_prompt(prompt: str) -> str:
    return f"{prompt}\n\nEach of you writes privately; both answers appear together once you've both written."


def floor_prompt(prompt: str, writer: int | None, listener: int | None, response: Response) -> str:
    who, other = mention(writer), mention(listener)
    next_part = {
        Response.MIRROR: f"{other}, listen for now: next you'll reflect back what you heard.",
        Response.ACCEPT: f"{other}, next you can accept it or say what you still need.",
        Response.READ: f"{other}, next you'll say you've read it.",
        Response.NONE: f"{other}, you'll be able to read it here.",
    }[response]
    return f"{prompt} {SHORT}\n\n**{who}, the floor is yours.** {next_part}"


MORE_TITLE = "Is there more?"


def more_prompt(speaker: int | None, listener: int | None) -> str:
    return f"**{mention(speaker)}**, say what else there is. {mention(listener)}, listen: next you'll reflect it back."


CLARIFY_TITLE = "What was missed"


def clarify_prompt(speaker: int | None, listener: int | None) -> str:
    return (
        f"**{mention(speaker)}**, what was missed? Say it in a sentence, or let {mention(listener)} try again as it is."
    )


REFLECT_TITLE = "Reflect back"


def mirror_prompt(response_prompt: str, listener: int | None, speaker: int | None, again: bool) -> str:
    retry = f"Have another go, with what {mention(speaker)} added. " if again else ""
    return f"{retry}{response_prompt}\n\n**{mention(listener)}, your turn to reflect back.**"


CONFIRM_TITLE = "Did that land?"


def confirm_prompt(speaker: int | None, listener: int | None, may_move_on: bool) -> str:
    text = f"**{mention(speaker)}**, did {mention(listener)} get it? Is there more? If something is missing, say so."
    return text + (f"\n\n{ROUNDS_DONE}" if may_move_on else "")


ROUNDS_DONE = (
    "You've gone round a few times; that's listening, and it's hard. Either of you can move on for now "
    "and come back to this another time."
)
ANSWER_TITLE = "An answer"


def answer_prompt(who: int | None, needing: int | None) -> str:
    return f"**{mention(who)}**, {mention(needing)} said what they still need. Answer it, in a sentence or two."


def hear_prompt(who: int | None, needing: int | None) -> str:
    return answer_prompt(who, needing) + f" Then {mention(needing)} will be asked again."


OFFER_TITLE = "If you'd like to say something"


def offer_prompt(child: int | None, parent: int | None) -> str:
    return (
        f"{mention(child)}, if you'd like to, say anything about this, and {mention(parent)} will reflect it "
        "back. You don't have to: there's nothing to accept, and nothing to say sorry for."
    )


def reflect_prompt(parent: int | None, child: int | None) -> str:
    return (
        f"**{mention(parent)}**, reflect back what {mention(child)} said and how they feel, in your own words, "
        "without correcting or explaining. A sentence or two is plenty."
    )


VALIDATE_TITLE = "What makes sense"


def your_turn(prompt: str, who: int | None) -> str:
    return f"{prompt}\n\n**{mention(who)}, your turn.**"


RECOGNITION_TITLE = "Do you feel understood enough for now?"
RECOGNITION = (
    "Each of you, privately: do you feel understood enough by the other, for now? Only you see your "
    "answer. *Not yet* is a full answer: the repair stays open, and you can tell the other what you "
    "still need. It is complete when you both say yes."
)
CLOSING_TITLE = "One thing for next time (if you like)"
CLOSING = (
    "Each of you may name one concrete thing you'll do. The other can acknowledge it, and a few "
    "days from now Mend will ask you privately whether it happened. You can also leave it here."
)
COMPLETE = "This repair is complete. 🌱"


def acknowledged_by(name: str) -> str:
    return f"✓ Acknowledged by {name}"


# Neutral lines in the thread.


def ready(who: int | None) -> str:
    return f"{mention(who)} is ready. Let's begin."


def confirmed(who: int | None, landed: bool, more: bool = False) -> str:
    if more:
        return f"{mention(who)}: got it, and there's more."
    return f"{mention(who)}: got it. ✓" if landed else f"{mention(who)}: not quite yet."


def accepted(who: int | None, read: bool = False) -> str:
    return f"{mention(who)} has read it." if read else f"{mention(who)} has responded."


MOVED_ON = "Moving on for now. You can come back to this another time."
STEPS_CHANGED = (
    "Mend's steps for this way of repairing have changed since you began, so this repair moves on "
    "from here. Everything you wrote is still above."
)


def skipped(who: int | None) -> str:
    return f"{mention(who)} chose not to write anything here, and that's okay."


LEFT = "This repair has ended; either of you can start a new one later."


def paused(until: datetime) -> str:
    return f"Taking a break. Back {when(until, 'R')}, at {when(until, 't')}."


BREAK_OVER = "The break is over. Ready when you are."
PICKED_UP = "Picking up where you left off."
RESOLVED_BY_RECOGNITION = "💛 You've both said you feel understood enough for now. That's a repair."
RESOLVED_BY_A_PARENT = "💛 That's a repair: the parent's part is done."


def snoozed(until: datetime) -> str:
    return f"Mend will check in again {when(until, 'R')}."


CHECKINS_STOPPED = "Mend won't check in on this repair any more. It stays here for whenever you want it."


# Private replies to the person who acted.


def set_aside_reply(opener: int | None, declined: bool, ends: datetime) -> str:
    """After "not now" or a decline: what the one who invited will (not) see, and when it ends."""
    if declined:
        return (
            f"Okay. Nothing is sent to {mention(opener)}: the invitation ends by itself {when(ends, 'R')}, "
            "and they only see that it ended, not why."
        )
    return (
        f"Okay. {mention(opener)} isn't told anything. The invitation stays here until {when(ends, 'f')}, "
        "and you can still say you're ready before then; if you don't, they only see that it ended."
    )


NOT_YOUR_FAULT = (
    "Thank you for telling Mend. If someone makes you afraid or pushes you into things, that is not your "
    "fault, and you deserve to be safe. Nothing changes for the other person: the invitation ends by itself, "
    "and they only see that it ended, never why. Only you can see this. The people below can help, "
    "confidentially."
)


def wrote_privately_reply(other: int | None) -> str:
    return f"Saved privately. It will appear together with {mention(other)}'s answer once they've written."


def agreed_reply(other: int | None) -> str:
    return f"Noted. Waiting for {mention(other)} to agree too."


NOT_YET_REPLY = (
    "Thank you for saying so; only you see this. The repair stays open, there's no rush. If you like, "
    "tell them what you still need: they'll answer it, and then you'll both be asked again."
)


def understood_reply(other: int | None) -> str:
    return f"Thank you; only you see your answer. The repair is complete once {mention(other)} feels understood too."


def left_reply(other: int | None) -> str:
    return f"You've stepped away. {mention(other)} only sees that the repair has ended, never why."


def paused_reply(until: datetime) -> str:
    return (
        f"Your break is set until {when(until, 't')}. Nobody needs to do anything until then; "
        "Mend will say when it's over."
    )


NOTHING_TO_ADD_REPLY = "Okay, nothing to add."


def snoozed_reply(until: datetime) -> str:
    return f"Snoozed: Mend will check in again {when(until)}."


STOPPED_REPLY = "Okay. Mend won't check in on this repair again; `/repair status` can pick it up any time."


def okay_reply(other: int | None) -> str:
    return f"Noted. Once {mention(other)} says so too, you'll both be asked the last question."


def picked_up_reply(thread: int | None) -> str:
    return f"Picked up: the current step is at the bottom of {channel(thread)}."


# Breaks and stepping away.


def offer_break(thread: int | None) -> str:
    return (
        f"Would you like to take a break from {channel(thread)}? Strong feelings take at least 20 minutes "
        "to settle. No reason is needed, and the other person only sees when you'll be back."
    )


def confirm_leave(other: int | None, thread: int | None) -> str:
    return (
        f"Step away from your repair with {mention(other)} ({channel(thread)})? They will only see that it has "
        "ended, never why. You can always start a new repair later."
    )


STAYING = "Okay, nothing has changed."

# When the thread could not be told.
BUSY_FORM = "Mend took too long to open the form this time; please press the button again."
SHOWN_SOON = (
    "Discord asked Mend to slow down for a moment. What you did is saved, and it will appear in the "
    "thread shortly, with nothing more needed from you."
)
THREAD_DELETED = "This repair's thread has been deleted, so the repair is closed."
SEVERAL_PRESSES = "Several presses arrived at once; please try again."


def undone(kind: Problem) -> str:
    return f"Nothing was changed: {problem(kind)}. Please try again in a moment."


def moved_on_meanwhile(kind: Problem) -> str:
    return (
        f"Mend couldn't post this in the thread ({problem(kind)}), and the repair has moved on "
        "since. `/repair status` shows where it stands now."
    )
