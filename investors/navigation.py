from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem
from towns.choices import Role

SECTION = _("转化生态")

ITEMS = [
    NavItem(
        _("待落地成果"),
        "investors:opportunity_list",
        roles=[Role.INVESTOR],
        section=_("首页"),
        icon="search",
        order=5,
    ),
    NavItem(
        _("我的投资意向"),
        "investors:interest_list",
        roles=[Role.INVESTOR],
        section=_("首页"),
        icon="piggy-bank",
        order=6,
    ),
    NavItem(
        _("创投对接"),
        "investors:interest_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER],
        section=SECTION,
        icon="piggy-bank",
        order=522,
    ),
    NavItem(
        _("待落地成果（创投视角）"),
        "investors:opportunity_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN, Role.LEADER],
        section=SECTION,
        icon="search",
        order=523,
    ),
]
