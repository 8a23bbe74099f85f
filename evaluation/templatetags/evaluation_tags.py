"""Evaluation pieces that other pages include (the achievement page, the home pages)."""

from django import template
from django.conf import settings
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("evaluation/_achievement_panel_body.html", takes_context=True)
def achievement_evaluation_panel(context, achievement):
    """Batches and results, recommendation, fast-track reviews and valuations of one
    achievement — scores only for those who may read them."""
    user = context["request"].user
    return {
        "evaluation": selectors.achievement_evaluation(achievement, user=user),
        "request": context["request"],
        "today": timezone.localdate(),
    }


@register.inclusion_tag("evaluation/_staff_work.html", takes_context=True)
def staff_evaluation_work(context):
    """Staff dashboard: fast-track reviews due soon or overdue, batches to confirm."""
    user = context["request"].user
    return {
        "reviews_due": list(selectors.reviews_due(user)[:10]),
        "batches_awaiting": list(selectors.batches_awaiting(user)[:10]),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("evaluation/_evaluator_work.html", takes_context=True)
def evaluator_work(context):
    """Evaluator home: their batches and how many achievements they still have to score."""
    return {"batches": selectors.evaluator_batches(context["request"].user)}


@register.simple_tag
def review_clock(review) -> dict:
    """Where a fast-track review stands against its seven-day clock."""
    if not review.is_open:
        return {"state": "done"}
    left = (review.due_on - timezone.localdate()).days
    if left < 0:
        state = "overdue"
    elif left == 0:
        state = "today"
    elif left <= settings.FAST_TRACK_DUE_SOON_DAYS:
        state = "soon"
    else:
        state = "open"
    return {"state": state, "left": left, "overdue": -left}
