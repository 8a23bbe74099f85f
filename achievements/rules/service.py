"""Who may change a service-library case (reading goes through `service_cases_visible_to`)."""

import rules

from towns.rules import is_back_office, is_leader

from ..models import Assignment


@rules.predicate
def is_case_assignee(user, achievement) -> bool:
    if achievement is None or not user.is_authenticated:
        return False
    return Assignment.objects.current().filter(achievement=achievement, assignee=user).exists()


# Assigning and reassigning the responsible person is the service center's decision.
rules.add_perm("achievements.assign_case", is_back_office)
# The responsible person (staff or a liaison) records follow-ups and keeps the milestone plan.
rules.add_perm("achievements.follow_up_case", is_back_office | is_case_assignee)
rules.add_perm("achievements.plan_case", is_back_office | is_case_assignee)


@rules.predicate
def is_escalation_recipient(user, escalation) -> bool:
    if escalation is None or not user.is_authenticated:
        return False
    return escalation.recipients.filter(pk=user.pk).exists()


# A 批示 and 办结 come from the leaders the escalation was reported to, or the service center.
rules.add_perm(
    "achievements.act_on_escalation", is_back_office | (is_leader & is_escalation_recipient)
)
