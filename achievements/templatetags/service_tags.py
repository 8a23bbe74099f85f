"""Service-library pieces that other pages include (the achievement page, the home pages)."""

from django import template
from django.db.models import F
from django.utils import timezone

from ..selectors import service as selectors

register = template.Library()


@register.inclusion_tag("achievements/service/_panel_body.html", takes_context=True)
def service_case_panel(context, achievement):
    """The service-library summary of one achievement: route, responsible person, follow-up."""
    user = context["request"].user
    today = timezone.localdate()
    case = selectors.service_case_list(user, today=today).filter(pk=achievement.pk).first()
    if case is not None:
        case.assignee = selectors.case_assignee(case)
        case.follow_up_due = selectors.next_follow_up_due(case, today=today)
        case.stalled = selectors.is_stalled(case, today=today)
    return {"case": case, "achievement": achievement}


@register.inclusion_tag("achievements/service/_staff_work.html", takes_context=True)
def staff_service_work(context):
    """Staff dashboard: cases to assign, missing follow-ups, open escalations."""
    return {"attention": selectors.service_attention(context["request"].user)}


@register.inclusion_tag("achievements/service/_my_cases_card.html", takes_context=True)
def my_cases_card(context, limit=8):
    """The person's own cases, the ones whose follow-up is due first on top."""
    user = context["request"].user
    today = timezone.localdate()
    cases = list(
        selectors.my_cases(user, today=today).order_by(
            F("last_follow_up_period").asc(nulls_first=True), "pk"
        )[:limit]
    )
    for case in cases:
        case.follow_up_due = selectors.next_follow_up_due(case, today=today)
    return {"cases": cases, "total": selectors.my_cases(user, today=today).count()}


@register.inclusion_tag("achievements/service/_leader_escalations.html", takes_context=True)
def leader_escalations(context, limit=10):
    """Leader home: the stalled cases reported to this leader, and their counts per tier."""
    user = context["request"].user
    today = timezone.localdate()
    rows = list(selectors.escalations_for_leader(user).order_by("last_progress_on", "pk")[:limit])
    for escalation in rows:
        escalation.days = (today - escalation.last_progress_on).days
    # The counts are of the same rows as the list (not the city's), so the two always agree.
    counts = selectors.leader_escalation_counts(user)
    return {"escalations": rows, "counts": counts, "total": sum(counts.values())}
