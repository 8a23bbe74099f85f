from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem
from towns.choices import Role

STAFF = [Role.CENTER_STAFF, Role.ADMIN, Role.LEADER]
SECTION = _("转化生态")
PROGRAMME = _("百千万工程")

ITEMS = [
    NavItem(
        _("我的经纪人档案"),
        "brokers:broker_me",
        roles=[Role.BROKER],
        section=_("首页"),
        icon="person-badge",
        order=5,
    ),
    NavItem(
        _("我促成的合同"),
        "brokers:contract_list",
        roles=[Role.BROKER],
        section=_("首页"),
        icon="file-earmark-text",
        order=6,
    ),
    NavItem(
        _("技术经纪人库"),
        "brokers:broker_list",
        roles=STAFF,
        section=SECTION,
        icon="person-badge",
        order=500,
    ),
    NavItem(
        _("技术合同"),
        "brokers:contract_list",
        roles=STAFF,
        section=SECTION,
        icon="file-earmark-text",
        order=510,
    ),
    NavItem(
        _("创投融资"),
        "brokers:venture_list",
        roles=STAFF,
        section=SECTION,
        icon="graph-up-arrow",
        order=520,
    ),
    NavItem(
        _("天使母基金和子基金"),
        "brokers:fund_list",
        roles=STAFF,
        section=SECTION,
        icon="bank",
        order=525,
    ),
    NavItem(
        _("概念验证中心"),
        "brokers:poc_list",
        roles=STAFF,
        section=SECTION,
        icon="lightbulb",
        order=530,
    ),
    NavItem(
        _("科技中介机构"),
        "brokers:intermediary_list",
        roles=STAFF,
        section=SECTION,
        icon="building",
        order=540,
    ),
    NavItem(
        _("活动资助"),
        "brokers:event_list",
        roles=STAFF,
        section=SECTION,
        icon="megaphone",
        order=550,
    ),
    NavItem(
        _("优秀个人评选"),
        "brokers:outstanding_list",
        roles=STAFF,
        section=SECTION,
        icon="award",
        order=560,
    ),
    NavItem(
        _("年度奖励"),
        "brokers:reward_index",
        roles=STAFF,
        section=SECTION,
        icon="cash-coin",
        order=570,
    ),
    NavItem(
        _("工作台账总览"),
        "brokers:programme_overview",
        roles=STAFF,
        section=PROGRAMME,
        icon="clipboard-data",
        order=600,
    ),
]
