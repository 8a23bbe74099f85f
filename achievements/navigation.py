from django.utils.translation import gettext_lazy as _

from towns.choices import Role
from towns.hooks import NavItem

SERVICE = _("成果服务库")

ITEMS = [
    NavItem(
        _("服务库成果"),
        "service_case_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER, Role.LIAISON],
        section=SERVICE,
        icon="briefcase",
        order=400,
    ),
    NavItem(
        _("我的包干成果"),
        "service_my_cases",
        roles=[Role.CENTER_STAFF, Role.LIAISON],
        section=SERVICE,
        icon="person-check",
        order=410,
    ),
    NavItem(
        _("久推不动报送"),
        "service_escalation_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER],
        section=SERVICE,
        icon="exclamation-triangle",
        order=420,
    ),
]
