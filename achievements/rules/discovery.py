"""Who may do what in the discovery library (django-rules object permissions).

Check them with `rules.has_perm(name, user, achievement)` (no superuser short-cut: an admin is
back office, not the liaison of every unit). Services check the same rules before writing.
"""

import rules

from towns.rules import is_back_office, is_liaison, reads_everything

from ..choices import CORRECTABLE_STATUSES, LIAISON_EDITABLE_STATUSES, AchievementStatus


def _status_in(*statuses, name: str):
    allowed = frozenset(statuses)

    @rules.predicate(name=name)
    def status_in(user, achievement) -> bool:
        return achievement is not None and achievement.status in allowed

    return status_in


@rules.predicate
def is_owning_liaison(user, achievement) -> bool:
    """A liaison of the unit that discovered the record."""
    return (
        achievement is not None
        and is_liaison(user)
        and user.unit_id is not None
        and achievement.discovering_unit_id == user.unit_id
    )


liaison_editable = _status_in(*LIAISON_EDITABLE_STATUSES, name="liaison_editable")
merged_away = _status_in(AchievementStatus.MERGED, name="merged")
not_merged = ~merged_away
submittable = _status_in(AchievementStatus.DRAFT, AchievementStatus.RETURNED, name="submittable")
withdrawable = _status_in(
    AchievementStatus.SUBMITTED, AchievementStatus.RETURNED, name="withdrawable"
)
withdrawn = _status_in(AchievementStatus.WITHDRAWN, name="withdrawn")
correctable = _status_in(*CORRECTABLE_STATUSES, name="correctable")
in_discovery_library = _status_in(AchievementStatus.SUBMITTED, name="in_discovery_library")
# A duplicate merged away must still be in the discovery library or back with its liaison.
mergeable = _status_in(AchievementStatus.SUBMITTED, AchievementStatus.RETURNED, name="mergeable")

rules.add_perm("achievements.view_library", is_liaison | reads_everything)
rules.add_perm("achievements.add_achievement", is_liaison | is_back_office)
rules.add_perm("achievements.import_achievements", is_liaison | is_back_office)
rules.add_perm(
    "achievements.change_achievement",
    (is_back_office & not_merged) | (is_owning_liaison & liaison_editable),
)
rules.add_perm(
    "achievements.submit_achievement", (is_owning_liaison | is_back_office) & submittable
)
rules.add_perm("achievements.withdraw_achievement", is_owning_liaison & withdrawable)
rules.add_perm("achievements.reopen_achievement", is_owning_liaison & withdrawn)
rules.add_perm("achievements.request_correction", is_owning_liaison & correctable)
rules.add_perm("achievements.send_back_achievement", is_back_office & in_discovery_library)
rules.add_perm("achievements.resolve_correction", is_back_office)
rules.add_perm("achievements.merge_achievement", is_back_office & mergeable)
rules.add_perm("achievements.unmerge_achievement", is_back_office & merged_away)
# Soft delete and restore: the service center and admins (a liaison withdraws instead).
rules.add_perm("achievements.soft_delete_achievement", is_back_office)
rules.add_perm("achievements.restore_achievement", is_back_office)
rules.add_perm("achievements.view_contact", is_back_office | is_owning_liaison)
