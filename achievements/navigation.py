from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem
from towns.choices import Role

LIBRARY_READERS = [Role.LIAISON, Role.CENTER_STAFF, Role.LEADER, Role.ADMIN]
REGISTRARS = [Role.LIAISON, Role.CENTER_STAFF, Role.ADMIN]

SERVICE = _("成果服务库")

STAFF = [Role.CENTER_STAFF, Role.ADMIN]
READERS = [Role.CENTER_STAFF, Role.ADMIN, Role.LEADER]
MARKET = _("成果对接")

ITEMS = [
    NavItem(
        _("成果发现库"),
        "achievements:achievement_list",
        roles=LIBRARY_READERS,
        section=_("成果发现"),
        icon="collection",
        order=100,
    ),
    NavItem(
        _("登记成果"),
        "achievements:achievement_create",
        roles=REGISTRARS,
        section=_("成果发现"),
        icon="plus-square",
        order=110,
    ),
    NavItem(
        _("Excel 批量导入"),
        "achievements:achievement_import",
        roles=REGISTRARS,
        section=_("成果发现"),
        icon="file-earmark-arrow-up",
        order=120,
    ),
    NavItem(
        _("疑似重复成果"),
        "achievements:achievement_duplicates",
        roles=[Role.CENTER_STAFF, Role.ADMIN],
        section=_("成果发现"),
        icon="files",
        order=130,
    ),
    NavItem(
        _("已删除成果"),
        "achievements:achievement_trash",
        roles=[Role.CENTER_STAFF, Role.ADMIN],
        section=_("成果发现"),
        icon="trash",
        order=140,
    ),
    NavItem(
        _("服务库成果"),
        "achievements:service_case_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER, Role.LIAISON],
        section=SERVICE,
        icon="briefcase",
        order=400,
    ),
    NavItem(
        _("我的包干成果"),
        "achievements:service_my_cases",
        roles=[Role.CENTER_STAFF, Role.LIAISON],
        section=SERVICE,
        icon="person-check",
        order=410,
    ),
    NavItem(
        _("久推不动报送"),
        "achievements:service_escalation_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER],
        section=SERVICE,
        icon="exclamation-triangle",
        order=420,
    ),
    NavItem(
        _("成果落地"),
        "achievements:landing_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER],
        section=SERVICE,
        icon="geo-alt",
        order=430,
    ),
    NavItem(
        _("我的需求"),
        "achievements:demand_list",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="clipboard-check",
        order=300,
    ),
    NavItem(
        _("发布需求"),
        "achievements:demand_create",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="plus-square",
        order=301,
    ),
    NavItem(
        _("企业需求"),
        "achievements:demand_list",
        roles=READERS,
        section=MARKET,
        icon="clipboard-check",
        order=300,
    ),
    NavItem(
        _("成果展示区"),
        "achievements:showcase_list",
        section=MARKET,
        icon="grid-3x3-gap",
        order=310,
    ),
    NavItem(
        _("我的合作意向"),
        "achievements:inquiry_list",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="hand-thumbs-up",
        order=320,
    ),
    NavItem(
        _("合作意向"),
        "achievements:inquiry_list",
        roles=READERS,
        section=MARKET,
        icon="hand-thumbs-up",
        order=320,
    ),
    NavItem(
        _("成果转化对接会"),
        "achievements:event_list",
        section=MARKET,
        icon="calendar-event",
        order=330,
    ),
    NavItem(
        _("匹配词库"),
        "achievements:synonym_list",
        roles=STAFF,
        section=MARKET,
        icon="journal-text",
        order=340,
    ),
    NavItem(
        _("外地成果"),
        "achievements:external_list",
        roles=STAFF,
        section=MARKET,
        icon="building",
        order=350,
    ),
]
