from django.utils.translation import gettext_lazy as _

from towns.choices import Role
from towns.hooks import NavItem

STAFF = [Role.CENTER_STAFF, Role.ADMIN]
READERS = [Role.CENTER_STAFF, Role.ADMIN, Role.LEADER]
MARKET = _("成果对接")

ITEMS = [
    NavItem(
        _("我的需求"),
        "demand_list",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="clipboard-check",
        order=300,
    ),
    NavItem(
        _("发布需求"),
        "demand_create",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="plus-square",
        order=301,
    ),
    NavItem(
        _("企业需求"),
        "demand_list",
        roles=READERS,
        section=MARKET,
        icon="clipboard-check",
        order=300,
    ),
    NavItem(_("成果展示区"), "showcase_list", section=MARKET, icon="grid-3x3-gap", order=310),
    NavItem(
        _("我的合作意向"),
        "inquiry_list",
        roles=[Role.ENTERPRISE],
        section=MARKET,
        icon="hand-thumbs-up",
        order=320,
    ),
    NavItem(
        _("合作意向"),
        "inquiry_list",
        roles=READERS,
        section=MARKET,
        icon="hand-thumbs-up",
        order=320,
    ),
    NavItem(_("成果转化对接会"), "event_list", section=MARKET, icon="calendar-event", order=330),
    NavItem(
        _("匹配词库"), "synonym_list", roles=STAFF, section=MARKET, icon="journal-text", order=340
    ),
    NavItem(
        _("外地成果"), "external_list", roles=STAFF, section=MARKET, icon="building", order=350
    ),
]
