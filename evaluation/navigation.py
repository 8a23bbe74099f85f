from django.utils.translation import gettext_lazy as _

from kernel.hooks import NavItem
from towns.choices import Role

SECTION = _("成果评价")
STAFF_AND_LEADERS = [Role.CENTER_STAFF, Role.ADMIN, Role.LEADER]

ITEMS = [
    NavItem(
        _("评价批次"),
        "evaluation:batch_list",
        roles=[*STAFF_AND_LEADERS, Role.EVALUATOR],
        section=SECTION,
        icon="clipboard-check",
        order=300,
    ),
    NavItem(
        _("重点入库推荐"),
        "evaluation:recommendation_list",
        roles=[*STAFF_AND_LEADERS, Role.LIAISON],
        section=SECTION,
        icon="award",
        order=310,
    ),
    NavItem(
        _("快速落地评价"),
        "evaluation:review_list",
        roles=[*STAFF_AND_LEADERS, Role.LIAISON],
        section=SECTION,
        icon="lightning-charge",
        order=320,
    ),
    NavItem(
        _("公允价值评价"),
        "evaluation:valuation_list",
        roles=[*STAFF_AND_LEADERS, Role.LIAISON, Role.EVALUATOR],
        section=SECTION,
        icon="cash-coin",
        order=330,
    ),
]
