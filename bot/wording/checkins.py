"""The words the sweep sends: check-ins, the invitation's reminder, and the commitment follow-up."""

from __future__ import annotations

from bot.wording.common import mention

CHECKIN_TITLE = "Checking in"
CHECKIN = (
    "It's been a little while since you were last here together. There's no rush and no "
    "pressure. When you're ready you can pick up where you left off, and if things are "
    "already okay between you, you can both say so. Either of you can also snooze this, "
    "or ask Mend to stop checking in. Your answers are private."
)
# Led by a parent, nobody is asked to say "we're okay": the repair completes when the parent's part is done.
CHECKIN_LED_BY_A_PARENT = (
    "It's been a little while since you were last here together. There's no rush and no "
    "pressure. When you're ready you can pick up where you left off. Either of you can also "
    "snooze this, or ask Mend to stop checking in. Your answers are private."
)
OKAY = "We're okay now"
PICK_UP = "Pick up where we left off"
SNOOZE_DAY = "Snooze a day"
SNOOZE_THREE_DAYS = "Snooze 3 days"
STOP = "Stop checking in"

REMINDER_TITLE = "A gentle reminder"
SEE_INVITATION = "See the invitation"


def reminder(opener: int | None) -> str:
    return (
        f"{mention(opener)}'s invitation is still here, whenever you're ready. "
        "There's no rush, and *Not now* is always fine too. Mend won't remind you again."
    )


def both(first: int | None, second: int | None) -> str:
    return f"{mention(first)} {mention(second)}"


FOLLOWUP_TITLE = "Your commitment"
YES, PARTLY, NOT_YET = "Yes", "Partly", "Not yet"
ANSWER_PRIVATELY = "Answer privately"
PRIVATE_QUESTION = "Mend has a private question for you about your commitment."


HOW_TO_ASK = (
    "In a few days Mend will ask you, privately, whether this happened. Unless you choose otherwise, "
    "the question comes as a short note in this thread that says only that there is a question for you."
)
BY_DM = "Ask me by direct message"
IN_THE_THREAD = "In the thread is fine"


def asked_by(by_dm: bool) -> str:
    if by_dm:
        return "Okay: Mend will ask you by direct message (or in the thread, if your direct messages are closed)."
    return "Okay: Mend will ask you with a note in the thread; only you can answer it, and only you see your answer."


def followup_question(link: str) -> str:
    return (
        f"A few days ago, at the end of a repair, you named one thing you'd do ({link}). Did it happen? "
        "Only you see your answer; Mend doesn't share it."
    )


def not_your_question(owner: int | None) -> str:
    return f"This question is for {mention(owner) if owner is not None else 'someone else'}."


_ANSWERS = {
    "yes": "That's lovely. Keeping a promise to each other is a repair in itself.",
    "partly": "Partly still counts. What got in the way is worth noticing, kindly.",
    "notyet": "That's okay. It isn't too late, and it's yours to pick up when you can.",
}


def followup_thanks(answer: str) -> str:
    return f"{_ANSWERS[answer]} Only you see this; Mend keeps only that you answered."
