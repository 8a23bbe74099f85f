"""Who may read and change the landing of an achievement."""

import rules

from towns.rules import is_back_office, reads_everything

from ..choices import AchievementStatus
from .discovery import is_owning_liaison
from .service import is_case_assignee


@rules.predicate
def in_service_library(user, achievement) -> bool:
    return achievement is not None and achievement.status in (
        AchievementStatus.SERVICE,
        AchievementStatus.LANDED,
    )


# The landing card and its documents: staff, leaders, the discovering unit, the responsible person.
rules.add_perm(
    "achievements.view_landing",
    in_service_library & (reads_everything | is_owning_liaison | is_case_assignee),
)
# Staff and the responsible person (包干责任人) collect the evidence.
rules.add_perm(
    "achievements.record_landing_evidence", in_service_library & (is_back_office | is_case_assignee)
)
# Verifying a landing, recording its contribution and revoking it: the service center.
rules.add_perm("achievements.verify_landing", in_service_library & is_back_office)
# The list of landings: staff and leaders.
rules.add_perm("achievements.view_landings", reads_everything)
