"""The center's judgments of matches: what matching learns from (matching/learning.py)."""

from dataclasses import dataclass
from datetime import datetime

from ..choices import MatchStatus
from ..models import Match

# Staff proposed these (the enterprise may have answered since): staff judged them relevant.
STAFF_PROPOSED = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.DECLINED)


@dataclass(frozen=True)
class Judgment:
    """One decision about one match: staff proposing or rejecting it, or the enterprise
    accepting or declining it. A match both proposed and answered is two judgments."""

    demand_id: int
    achievement_id: int
    positive: bool
    by: str  # "staff" or "enterprise"
    at: datetime


def match_judgments() -> list[Judgment]:
    """Every judgment in the matches' present state, oldest first (one query).

    A proposal staff later withdrew (rejected) counts as their rejection only: the fields keep
    the last staff decision, which is the center's view now."""
    judgments = []
    rows = (
        Match.objects.exclude(status=MatchStatus.SUGGESTED)
        .order_by("pk")
        .values_list("demand_id", "achievement_id", "status", "reviewed_at", "responded_at")
    )
    for demand_id, achievement_id, status, reviewed_at, responded_at in rows:
        if reviewed_at is not None:
            judgments.append(
                Judgment(demand_id, achievement_id, status in STAFF_PROPOSED, "staff", reviewed_at)
            )
        if responded_at is not None and status in (MatchStatus.ACCEPTED, MatchStatus.DECLINED):
            judgments.append(
                Judgment(
                    demand_id,
                    achievement_id,
                    status == MatchStatus.ACCEPTED,
                    "enterprise",
                    responded_at,
                )
            )
    judgments.sort(key=lambda j: (j.at, j.demand_id, j.achievement_id, j.by))
    return judgments
