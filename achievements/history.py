"""The achievements app's records whose page links to their history (`kernel.history`)."""

import rules
from django.urls import reverse

from kernel.history import HistoryKind

from .choices import CooperationMode, IpType
from .models import Achievement, Demand, ExternalAchievement
from .selectors.discovery import CONTACT_FIELDS


def _achievement_masked(user, achievement):
    if rules.has_perm("achievements.view_contact", user, achievement):
        return frozenset()
    return frozenset(CONTACT_FIELDS)


KINDS = [
    HistoryKind(
        "achievement",
        Achievement,
        readable=lambda user: Achievement.objects.visible_to(user),
        page_url=lambda record: reverse("achievements:achievement_detail", args=[record.pk]),
        masked=_achievement_masked,
    ),
    HistoryKind(
        "demand",
        Demand,
        readable=lambda user: Demand.objects.visible_to(user),
        page_url=lambda record: reverse("achievements:demand_detail", args=[record.pk]),
    ),
]

LIST_CHOICES = {
    (Achievement, "ip_types"): IpType,
    (Achievement, "cooperation_modes"): CooperationMode,
    (ExternalAchievement, "cooperation_modes"): CooperationMode,
}
