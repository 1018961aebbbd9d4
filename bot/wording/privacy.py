"""The words of safety and privacy: help and resources, what Mend keeps, export and erasure."""

from __future__ import annotations

from bot.plan import Card, Field

HELP_AND_SAFETY = "Help and safety"
ERASE = "Erase my data"
KEEP = "Keep it"


def resources() -> Card:
    """What Mend is and is not, where to find help now, and how to leave a repair privately."""
    return Card(
        title=HELP_AND_SAFETY,
        text=(
            "Mend is a structured conversation for two people in a relationship that feels **safe**. "
            "It is not therapy and not a crisis service. If you are afraid of someone, or someone is "
            "hurting you, a repair conversation is not the right tool: please reach out to the people "
            "below. Only you can see this message."
        ),
        fields=(
            Field(
                "If you are in danger now",
                "Call your local emergency number: 911 (US, Canada), 999 (UK), 112 (EU), 000 (Australia).",
                inline=False,
            ),
            Field(
                "Crisis and suicide lines",
                "US and Canada: call or text **988**\n"
                "UK and Ireland: Samaritans, **116 123**\n"
                "Australia: Lifeline, **13 11 14**\n"
                "Anywhere else: https://findahelpline.com lists free, confidential lines by country",
                inline=False,
            ),
            Field(
                "Domestic violence and abuse",
                "US: National Domestic Violence Hotline, **1-800-799-7233**, or text START to 88788\n"
                "UK: National Domestic Abuse Helpline, **0808 2000 247**\n"
                "Australia: 1800RESPECT, **1800 737 732**\n"
                "Elsewhere: your local police non-emergency line, a doctor, or https://findahelpline.com "
                "can point you to services near you",
                inline=False,
            ),
            Field(
                "Leaving a repair privately",
                "Press **Step away** in the repair's thread, or use `/repair leave`. You are asked privately "
                "first, and the other person only sees that you stepped away for now, never why. "
                "`/mend block` stops someone from inviting you again, without telling them.",
                inline=False,
            ),
        ),
    )


def what_is_kept() -> Card:
    """What Mend keeps and what it doesn't, who can read threads, and the person's choices."""
    return Card(
        title="What Mend keeps",
        text=(
            "**Your words are not kept.** What you write is posted in the repair's thread and not "
            "stored by Mend; answers written privately are held only until both are in, then erased.\n\n"
            "Mend keeps: who is in each repair, which way of repairing, where it stands and when, "
            "when it was repaired and how many check-ins it had (for `/repair history`), whether you chose "
            "to share its picture, whether check-ins are due, your time zone and quiet hours if you set "
            "them, that you saw the privacy notice, and anyone you blocked.\n\n"
            "**Who can read a repair thread:** the two of you, and server moderators and admins "
            "(Manage Threads or Administrator) can read private threads. `/mend settings` lists who that is.\n\n"
            "`/privacy export` sends you a file of everything Mend holds about you. `/privacy delete` "
            "erases it. If you leave a server and don't come back within 30 days, Mend erases it too."
        ),
    )


EXPORT = "Everything Mend holds about you, as JSON."
CONFIRM_ERASE = (
    "Erase everything Mend holds about you? Your settings, blocks and your place in every repair "
    "are removed; repairs you are in now end, and the other person sees only that the repair "
    "ended. What was posted in threads stays in Discord. This cannot be undone."
)
NOT_YOUR_DATA = "This button is for someone else's data, so it does nothing for you."
KEPT = "Nothing was deleted."
ERASED = "Done. Mend no longer holds anything about you. Your open repairs have ended."
REPAIR_ENDED = "This repair has ended."
