from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem
from towns.choices import Role

READERS = [Role.CENTER_STAFF, Role.LEADER, Role.ADMIN]

ITEMS = [
    NavItem(
        _("领导驾驶舱"),
        "quotas:dashboard",
        roles=READERS,
        section=_("目标任务"),
        icon="speedometer2",
        order=490,
    ),
    NavItem(
        _("落地任务进度"),
        "quotas:landing_quotas",
        roles=READERS,
        section=_("目标任务"),
        icon="flag",
        order=510,
    ),
    NavItem(
        _("工作报告"),
        "quotas:report_list",
        roles=READERS,
        section=_("目标任务"),
        icon="file-earmark-bar-graph",
        order=520,
    ),
    NavItem(
        _("发现任务进度"),
        "quotas:discovery_targets",
        roles=[Role.CENTER_STAFF, Role.LEADER, Role.ADMIN],
        section=_("目标任务"),
        icon="bullseye",
        order=500,
    ),
    NavItem(
        _("镇街完成地图"),
        "quotas:division_map",
        roles=READERS,
        section=_("目标任务"),
        icon="grid-3x3",
        order=495,
    ),
    NavItem(
        _("考核督导"),
        "quotas:assessment_scorecard",
        roles=READERS,
        section=_("目标任务"),
        icon="clipboard-check",
        order=530,
    ),
    NavItem(
        _("行动计划其他目标"),
        "quotas:plan_targets",
        roles=READERS,
        section=_("目标任务"),
        icon="graph-up",
        order=540,
    ),
]
