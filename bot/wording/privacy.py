"""The words of safety and privacy: help and resources, what Mend keeps, export and erasure."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.plan import Card, Field

HELP_AND_SAFETY = N_("Help and safety")
ERASE = N_("Erase my data")
KEEP = N_("Keep it")


# Help by where someone probably is, read from their Discord language (Discord tells no country).
# Translators: keep names of services, numbers and addresses as they are (or as that service names
# itself in your language).
_NORTH_AMERICA = N_(
    "**US:** National Domestic Violence Hotline **1-800-799-7233**, or text START to **88788**; "
    "crisis line: call or text **988**; young people: loveisrespect, text LOVEIS to **22522**, "
    "or Childhelp **1-800-422-4453**\n"
    "**Canada:** crisis line: call or text **988**; abuse: **sheltersafe.ca** lists a shelter and its "
    "crisis line near you (Québec: SOS violence conjugale **1-800-363-9010**); young people: "
    "Kids Help Phone **1-800-668-6868**, or text **686868**"
)
_BRITAIN_AND_IRELAND = N_(
    "**UK:** National Domestic Abuse Helpline **0808 2000 247**; Men's Advice Line **0808 801 0327**; "
    "Samaritans **116 123**; young people: Childline **0800 1111**\n"
    "**Ireland:** Women's Aid **1800 341 900**; Men's Aid **01 554 3811**; Samaritans **116 123**; "
    "young people: Childline **1800 66 66 66**\n"
    "**Australia:** 1800RESPECT **1800 737 732**; Lifeline **13 11 14**; young people: Kids Helpline "
    "**1800 55 1800**"
)
_EUROPE = N_(
    "**Across the EU:** the helpline for women facing violence, **116 016** (in most countries); "
    "emotional support, **116 123** (in many); children and young people, **116 111**"
)
_BRAZIL = N_(
    "**Brasil:** Central de Atendimento à Mulher, **180**; CVV (apoio emocional), **188**; "
    "crianças e adolescentes: Disque **100**"
)
_REGIONS: dict[str, tuple[str, ...]] = {
    "en-US": (_NORTH_AMERICA,),
    "en-GB": (_BRITAIN_AND_IRELAND,),
    "pt-BR": (_BRAZIL,),
    "es-419": (),
    "fr": (_EUROPE, _NORTH_AMERICA),  # French is spoken in Canada too
    **dict.fromkeys(
        ("bg", "cs", "da", "de", "el", "es-ES", "fi", "hr", "hu", "it", "lt", "nl", "pl", "ro", "sv-SE"),
        (_EUROPE,),
    ),
}
WATCHED = N_("If your phone or computer may be watched")
IN_DANGER = N_("If you are in danger right now")
_ELSEWHERE = N_("**Anywhere:** https://findahelpline.com lists free, confidential lines in your country")


def resources(locale: str = "en-US") -> Card:
    """Help and safety, for where someone probably is (from their Discord language): lines for abuse,
    for a crisis and for young people first, the emergency number last, and how to leave privately."""
    regional = _REGIONS.get(locale, ())  # elsewhere: the directory of every country's lines
    lines = [Field(_("Someone to talk to") if index == 0 else "\u200b", _(text), inline=False) for index, text in
             enumerate((*regional, _ELSEWHERE))]  # fmt: skip
    return Card(
        title=_(HELP_AND_SAFETY),
        text=_(
            "Mend is a structured conversation for two people in a relationship that feels **safe**. "
            "It is not therapy and not a crisis service. If you are afraid of someone, or someone is "
            "hurting or controlling you, that is not your fault, and a repair conversation is not the "
            "right tool: the people below can help, for free and in confidence. Only you can see this."
        ),
        fields=(
            *lines,
            Field(
                _(WATCHED),
                _(
                    "Someone who controls you may be able to see your messages, apps or browsing. If you can, "
                    "look for help on a safer device (a friend's, a library's, a work computer), and call from "
                    "a phone they cannot check."
                ),
                inline=False,
            ),
            Field(
                _("Leaving a repair privately"),
                _(
                    "Press **Step away** in the repair's thread, or use `/repair leave`. You are asked privately "
                    "first, and the other person only sees that the repair ended, never why. "
                    "`/mend block` stops someone from inviting you again, without telling them."
                ),
                inline=False,
            ),
            Field(
                _(IN_DANGER),
                _("Call your local emergency number (for example 911, 999, 112 or 000)."),
                inline=False,
            ),
        ),
    )


def what_is_kept() -> Card:
    """What Mend keeps and what it doesn't, who can read threads, and the person's choices."""
    return Card(
        title=_("What Mend keeps"),
        text=_(
            "**Your words are not kept.** What you write is posted in the repair's thread and not "
            "stored by Mend; answers written privately are held only until both are in, then erased.\n\n"
            "Mend keeps: who is in each repair, which way of repairing, where it stands and when, "
            "when it was repaired and how many check-ins it had (for `/repair history`), whether you chose "
            "to share its picture, whether check-ins are due, your time zone and quiet hours if you set "
            "them, the language your Discord was last set to (as a code, like en-US), the language of each "
            "repair's thread, that you saw the privacy notice, and anyone you blocked.\n\n"
            "**Who can read a repair thread:** the two of you, and server moderators and admins "
            "(Manage Threads or Administrator) can read private threads. `/mend settings` lists who that is.\n\n"
            "`/privacy export` sends you a file of everything Mend holds about you. `/privacy delete` "
            "erases it. If you leave a server and don't come back within 30 days, Mend erases it too."
        ),
    )


EXPORT = N_("Everything Mend holds about you, as JSON.")
CONFIRM_ERASE = N_(
    "Erase everything Mend holds about you? Your settings, blocks and your place in every repair "
    "are removed; repairs you are in now end, and the other person sees only that the repair "
    "ended. What was posted in threads stays in Discord. This cannot be undone."
)
NOT_YOUR_DATA = N_("This button is for someone else's data, so it does nothing for you.")
KEPT = N_("Nothing was deleted.")
ERASED = N_("Done. Mend no longer holds anything about you. Your open repairs have ended.")
REPAIR_ENDED = N_("This repair has ended.")
