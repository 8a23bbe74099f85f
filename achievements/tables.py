"""The columns of the achievement registers: each list drives its page and its .xlsx export, so
a column's header, order and value are said once. A page's richer cell (a link, a badge) is the
column's `cell` template, reading only what the list's query already loaded; a column the page
folds into another cell is `page=False`, one only the page has is `xlsx=False`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.tables import Col
from kernel.wording import list_separator

from .choices import EscalationTier

CELLS = "achievements/cells/"


def _month(period) -> str:
    return period.strftime("%Y-%m") if period else ""


# The service library (the case list and my cases); the rows are decorated by the view with
# `assignee`, `follow_up_due` and `stalled` (achievements.views.service.CaseRows).
CASE_ASSIGNEE = Col(
    _("包干责任人"),
    lambda c: c.assignee.display_name if c.assignee else "",
    width=10,
    cell=CELLS + "case_assignee.html",
)

SERVICE_CASE_COLUMNS = [
    Col(_("成果名称"), lambda c: c.title, width=36, cell=CELLS + "case_title.html"),
    Col(_("发现单位"), lambda c: c.discovering_unit.short_name),
    Col(_("所属领域"), lambda c: c.field.name, width=14, page=False),
    Col(_("入库方式"), lambda c: c.get_service_route_display(), width=14, page=False),
    Col(_("状态"), lambda c: c.get_status_display(), width=10, page=False),
    CASE_ASSIGNEE,
    Col(_("预期综合经济贡献"), lambda c: c.expected_contribution, kind="money"),
    Col(
        _("报送层级"),
        lambda c: EscalationTier(c.tier).label,
        width=22,
        cell=CELLS + "tier.html",
    ),
    Col(
        _("最近跟踪月份"),
        lambda c: _month(c.last_follow_up_period),
        width=12,
        cell=CELLS + "case_last_follow_up.html",
    ),
    Col(
        _("下次跟踪"),
        lambda c: c.follow_up_due.due_on if c.follow_up_due else None,
        kind="date",
        width=12,
        cell=CELLS + "case_next_follow_up.html",
        xlsx=False,
    ),
    Col(
        _("最近进展日期"),
        lambda c: c.last_progress_on,
        kind="date",
        width=12,
        cell=CELLS + "case_last_progress.html",
    ),
    Col(_("久推不动"), lambda c: _("是") if c.stalled else "", width=10, page=False),
]


def _assignee(escalation) -> str:
    assignments = escalation.achievement.current_assignments
    return assignments[0].assignee.display_name if assignments else ""


ESCALATION_COLUMNS = [
    Col(
        _("成果名称"),
        lambda e: e.achievement.title,
        width=36,
        cell=CELLS + "escalation_title.html",
        css_class="escalation-title",
    ),
    Col(_("报送层级"), lambda e: e.get_tier_display(), width=20, cell=CELLS + "tier.html"),
    Col(_("发现单位"), lambda e: e.achievement.discovering_unit.short_name, page=False),
    Col(_("所属领域"), lambda e: e.achievement.field.name, width=14, page=False),
    Col(_("预期综合经济贡献"), lambda e: e.expected_contribution, kind="money"),
    Col(_("责任人"), _assignee, width=10),
    Col(_("最近进展日期"), lambda e: e.last_progress_on, kind="date", width=12),
    Col(
        _("无进展天数"),
        lambda e: (timezone.localdate() - e.last_progress_on).days,
        kind="number",
        width=10,
    ),
    Col(
        _("报送日期"),
        lambda e: timezone.localtime(e.escalated_at).date(),
        kind="date",
        width=12,
        page=False,
    ),
    Col(
        _("最近跟踪情况"),
        lambda e: e.last_follow_up_progress or "",
        cell=CELLS + "escalation_follow_up.html",
        xlsx=False,
    ),
    Col(_("最近跟踪进展"), lambda e: e.last_follow_up_progress or "", width=40, page=False),
    Col(_("困难与问题"), lambda e: e.last_follow_up_blockers or "", width=30, page=False),
    Col(
        _("报送对象"),
        lambda e: list_separator().join(u.display_name for u in e.recipients.all()),
        width=24,
        cell=CELLS + "escalation_recipients.html",
    ),
    Col(
        _("状态"),
        lambda e: _("已解除") if e.resolved_at else _("未解除"),
        width=8,
        cell=CELLS + "escalation_state.html",
    ),
]

# The demand window: an enterprise does not see its own name; a reviewer sees the matches
# waiting for review, everyone else the ones put to the enterprise.
DEMAND_ENTERPRISE = Col(_("企业"), lambda d: d.enterprise.name, width=28)
DEMAND_TO_REVIEW = Col(
    _("待审核推荐"), lambda d: d.suggested_count, kind="number", width=10, xlsx=False
)
DEMAND_PROPOSED = Col(
    _("推荐成果"),
    lambda d: d.proposed_count + d.accepted_count,
    kind="number",
    width=10,
    xlsx=False,
)

DEMAND_COLUMNS = [
    Col(_("需求标题"), lambda d: d.title, width=36, cell=CELLS + "demand_title.html"),
    DEMAND_ENTERPRISE,
    Col(_("需求类型"), lambda d: d.get_kind_display(), width=10),
    Col(_("所属领域"), lambda d: d.field.name),
    Col(_("镇街（园区）"), lambda d: d.division.name, width=14),
    Col(
        _("预算"),
        lambda d: (d.budget_min, d.budget_max),
        cell=CELLS + "demand_budget.html",
        css_class="num",
        xlsx=False,
    ),
    Col(_("预算下限"), lambda d: d.budget_min, kind="money", width=14, page=False),
    Col(_("预算上限"), lambda d: d.budget_max, kind="money", width=14, page=False),
    Col(_("期望解决时间"), lambda d: d.deadline, kind="date", width=14),
    DEMAND_TO_REVIEW,
    DEMAND_PROPOSED,
    Col(_("状态"), lambda d: d.get_status_display(), width=10, cell=CELLS + "demand_status.html"),
    Col(
        _("发布时间"),
        lambda d: timezone.localtime(d.created_at).replace(tzinfo=None),
        kind="date",
        width=18,
        page=False,
    ),
]

LANDING_COLUMNS = [
    Col(
        _("成果名称"),
        lambda x: x.achievement.title,
        width=36,
        cell=CELLS + "landing_title.html",
        css_class="portal-title-cell",
    ),
    Col(_("成果类型"), lambda x: x.achievement.get_kind_display(), width=10, page=False),
    Col(_("所属领域"), lambda x: x.achievement.field.name, width=14, page=False),
    Col(
        _("发现单位"),
        lambda x: x.achievement.discovering_unit.short_name,
        width=14,
        page=False,
    ),
    Col(
        _("落地状态"),
        lambda x: x.get_state_display(),
        width=14,
        cell=CELLS + "landing_state.html",
        css_class="text-nowrap",
    ),
    Col(
        _("认定条款"),
        lambda x: x.get_rule_display() if x.rule else "",
        width=40,
        cell=CELLS + "landing_rule.html",
    ),
    Col(_("落地日期"), lambda x: x.landed_on or "", kind="date", width=12),
    # The page names the division by its short name, the workbook in full.
    Col(
        _("落地镇街（园区）"),
        lambda x: x.division.name if x.division_id else "",
        width=18,
        cell=CELLS + "landing_division.html",
        css_class="text-nowrap",
    ),
    Col(
        _("计入单位"),
        lambda x: x.credited_unit.short_name if x.credited_unit_id else "",
        width=14,
        css_class="text-nowrap",
    ),
    Col(
        _("计入依据"),
        lambda x: x.get_credit_basis_display() if x.credit_basis else "",
        width=22,
        page=False,
    ),
    Col(
        _("综合经济贡献"),
        lambda x: x.economic_contribution,
        kind="money",
        cell=CELLS + "landing_contribution.html",
    ),
    Col(
        _("标杆性成果"),
        lambda x: x.get_landmark_display() if x.landmark else "",
        width=16,
        page=False,
    ),
    Col(
        _("核验人"),
        lambda x: x.verified_by.display_name if x.verified_by_id else "",
        width=10,
        page=False,
    ),
]
