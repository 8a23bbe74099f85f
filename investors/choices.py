"""Choices of investor docking (004 三(三)3 七: 成果评价信息与优质创投机构基金体系对接)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DockingStatus(models.TextChoices):
    ARRANGED = "arranged", _("已安排")
    HELD = "held", _("已对接")
    INVESTED = "invested", _("已投资")
    NO_DEAL = "no_deal", _("未达成投资")
    CANCELLED = "cancelled", _("已取消")


# Where each status may be reached from (the one transition function reads this).
DOCKING_ALLOWED_FROM = {
    DockingStatus.HELD: frozenset({DockingStatus.ARRANGED}),
    DockingStatus.INVESTED: frozenset({DockingStatus.HELD}),
    DockingStatus.NO_DEAL: frozenset({DockingStatus.HELD}),
    DockingStatus.CANCELLED: frozenset({DockingStatus.ARRANGED}),
}
DOCKING_OPEN_STATUSES = frozenset({DockingStatus.ARRANGED, DockingStatus.HELD})


class FundingNeed(models.TextChoices):
    """Buckets of an achievement's stated funding need (融资需求), for the investors' filter."""

    UP_TO_5M = "le500w", _("500万元以下")
    FROM_5M_TO_20M = "500w_2000w", _("500万—2000万元")
    FROM_20M_TO_100M = "2000w_1y", _("2000万—1亿元")
    ABOVE_100M = "gt1y", _("1亿元以上")
    UNSTATED = "none", _("未填写")
