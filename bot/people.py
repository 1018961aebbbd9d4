"""What Mend's privacy policy settles for people: erasure, and how long after leaving it comes.

Pure Python. Storage runs the queries; what a change means for a repair is decided here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.actions import DEFAULT_CADENCE, Cadence
from bot.rupture import Commitment, FollowUp, Phase, Progress, Rupture, Status
from bot.schedule import schedule_next

ERASE_AFTER_LEAVING = timedelta(days=30)
MEMBERSHIP_RECHECK = timedelta(days=1)


def erased_from(rupture: Rupture, user_id: int, cadence: Cadence = DEFAULT_CADENCE) -> Rupture:
    """The rupture once this person's data is erased: their seat is anonymous and asks nothing more.

    An open repair ends; a resolved one still naming commitments closes; the other person's own
    follow-up, if any, still comes.
    """
    role = rupture.role_of(user_id)
    if role is None:
        return rupture
    seat = rupture.seat(role)
    anonymous = replace(
        seat,
        user_id=None,
        progress=Progress.NONE,
        okay=False,
        followup=FollowUp.NONE,
        commitment=seat.commitment if seat.commitment is Commitment.ACKNOWLEDGED else Commitment.SKIPPED,
        commitment_message_id=None,
    )
    erased = replace(rupture.with_seat(role, anonymous), paused_until=None, paused_by=None)
    if rupture.status.is_open:
        erased = replace(erased, status=Status.ERASED, phase=Phase.CLOSED)
    elif erased.phase is Phase.COMMITMENTS:
        erased = replace(erased, phase=Phase.CLOSED)  # nobody is left to acknowledge or be acknowledged
    return replace(schedule_next(erased, cadence), checkin_stage=rupture.checkin_stage)
