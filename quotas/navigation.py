from django.utils.translation import gettext_lazy as _

from towns.choices import Role
from towns.hooks import NavItem

ITEMS = [
    NavItem(
        _("发现任务进度"),
        "discovery_targets",
        roles=[Role.CENTER_STAFF, Role.LEADER, Role.ADMIN],
        section=_("目标任务"),
        icon="bullseye",
        order=500,
    ),
]
