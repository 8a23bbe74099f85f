from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem

from .choices import Role

ITEMS = [
    NavItem(_("工作台"), "quotas:home", section=_("首页"), icon="house", order=0),
    NavItem(_("消息通知"), "towns:notification_list", section=_("首页"), icon="bell", order=1),
    NavItem(
        _("我的后台任务"), "towns:job_list", section=_("首页"), icon="hourglass-split", order=2
    ),
    NavItem(
        _("企业注册审核"),
        "towns:enterprise_review_list",
        roles=[Role.CENTER_STAFF, Role.ADMIN],
        section=_("系统"),
        icon="building-check",
        order=890,
    ),
    NavItem(
        _("修改记录（审计）"),
        "towns:audit_trail",
        roles=[Role.ADMIN],
        section=_("系统"),
        icon="clock-history",
        order=895,
    ),
    NavItem(
        _("系统管理"),
        "admin:index",
        roles=[Role.ADMIN],
        section=_("系统"),
        icon="gear",
        order=900,
    ),
]
