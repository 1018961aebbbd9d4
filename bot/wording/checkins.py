"""The words the sweep sends: check-ins, the invitation's reminder, and the commitment follow-up."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.wording.common import mention

CHECKIN_TITLE = N_("Checking in")
CHECKIN = N_(
    "It's been a little while since you were last here together. There's no rush and no "
    "pressure. When you're ready you can pick up where you left off, and if things are "
    "already okay between you, you can both say so. Either of you can also snooze this, "
    "or ask Mend to stop checking in. Your answers are private."
)
# Led by a parent, nobody is asked to say "we're okay": the repair completes when the parent's part is done.
CHECKIN_LED_BY_A_PARENT = N_(
    "It's been a little while since you were last here together. There's no rush and no "
    "pressure. When you're ready you can pick up where you left off. Either of you can also "
    "snooze this, or ask Mend to stop checking in. Your answers are private."
)
OKAY = N_("We're okay now")
PICK_UP = N_("Pick up where we left off")
SNOOZE_DAY = N_("Snooze a day")
SNOOZE_THREE_DAYS = N_("Snooze 3 days")
STOP = N_("Stop checking in")

REMINDER_TITLE = N_("A gentle reminder")
SEE_INVITATION = N_("See the invitation")


def reminder(opener: int | None) -> str:
    return _(
        "{opener}'s invitation is still here, whenever you're ready. There's no rush, and *Not now* is "
        "always fine too. Mend won't remind you again."
    ).format(opener=mention(opener))


def both(first: int | None, second: int | None) -> str:
    return f"{mention(first)} {mention(second)}"


FOLLOWUP_TITLE = N_("Your commitment")
YES, PARTLY, NOT_YET = N_("Yes"), N_("Partly"), N_("Not yet")
ANSWER_PRIVATELY = N_("Answer privately")
PRIVATE_QUESTION = N_("Mend has a private question for you about your commitment.")


HOW_TO_ASK = N_(
    "In a few days Mend will ask you, privately, whether this happened. Unless you choose otherwise, "
    "the question comes as a short note in this thread that says only that there is a question for you."
)
BY_DM = N_("Ask me by direct message")
IN_THE_THREAD = N_("In the thread is fine")


def asked_by(by_dm: bool) -> str:
    if by_dm:
        return _("Okay: Mend will ask you by direct message (or in the thread, if your direct messages are closed).")
    return _("Okay: Mend will ask you with a note in the thread; only you can answer it, and only you see your answer.")


def followup_question(link: str) -> str:
    return _(
        "A few days ago, at the end of a repair, you named one thing you'd do ({link}). Did it happen? "
        "Only you see your answer; Mend doesn't share it."
    ).format(link=link)


SOMEONE_ELSE = N_("someone else")


def not_your_question(owner: int | None) -> str:
    return _("This question is for {owner}.").format(owner=mention(owner) if owner is not None else _(SOMEONE_ELSE))


_ANSWERS = {
    "yes": N_("That's lovely. Keeping a promise to each other is a repair in itself."),
    "partly": N_("Partly still counts. What got in the way is worth noticing, kindly."),
    "notyet": N_("That's okay. It isn't too late, and it's yours to pick up when you can."),
}


def followup_thanks(answer: str) -> str:
    kept = _("Only you see this; Mend keeps only that you answered.")
    return f"{_(_ANSWERS[answer])} {kept}"
