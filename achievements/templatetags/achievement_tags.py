from django import template
from django.utils.html import format_html

from ..choices import AchievementStatus

register = template.Library()

_STATUS_CLASSES = {
    AchievementStatus.DRAFT: "text-bg-secondary",
    AchievementStatus.SUBMITTED: "text-bg-primary",
    AchievementStatus.RETURNED: "text-bg-warning",
    AchievementStatus.WITHDRAWN: "text-bg-light border",
    AchievementStatus.SERVICE: "text-bg-success",
    AchievementStatus.LANDED: "text-bg-info",
    AchievementStatus.MERGED: "text-bg-dark",
}


@register.simple_tag
def status_badge(achievement_or_status, label: str = ""):
    """A coloured badge for an achievement's status (or a status code with its label)."""
    if isinstance(achievement_or_status, str):
        status = achievement_or_status
        label = label or AchievementStatus(status).label
    else:
        status = achievement_or_status.status
        label = achievement_or_status.get_status_display()
    css = _STATUS_CLASSES.get(status, "text-bg-secondary")
    return format_html('<span class="badge {} portal-status">{}</span>', css, label)
