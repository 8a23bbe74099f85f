"""The columns of the quotas app's tables, used by each page and its .xlsx export alike: the
discovery targets, the progress report's sections and the assessment's scorecard. Each column
is declared once, its header beside its value."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.choices import EscalationTier
from kernel.excel import percent, wan
from kernel.tables import Col
from kernel.wording import clause_separator

from .assessment import FIGURES, Level
from .selectors import FIGURE_LABELS

ITEMS = _("项")

DISCOVERY_TARGET_COLUMNS = [
    Col(
        _("单位"),
        lambda r: r.unit.name,
        width=36,
        cell="quotas/cells/target_unit.html",
        css_class="portal-name-col",
    ),
    Col(_("单位类型"), lambda r: r.unit.get_kind_display(), css_class="text-nowrap"),
    Col(_("年度目标"), lambda r: r.target, kind="number", unit=ITEMS, width=14),
    Col(_("已发现"), lambda r: r.discovered, kind="number", unit=ITEMS, width=14),
    Col(
        _("完成率"),
        lambda r: r.percent if r.target else None,
        kind="percent",
        width=10,
        cell="quotas/cells/target_progress.html",
        css_class="portal-progress-col",
    ),
    Col(
        _("尚差"),
        lambda r: r.remaining,
        kind="number",
        unit=ITEMS,
        width=12,
        cell="quotas/cells/target_remaining.html",
    ),
]


# --- The progress report's sections (quotas.reports) ----------------------------------------------


class CellCol(Col):
    """A column whose value is already the workbook's cell (an amount in 万元 under a header of its
    own, a ratio as a percentage cell), written as it is: `Col.export` would make it text."""

    def export(self, obj):
        return self.value(obj)


def local_date(moment) -> date:
    return timezone.localtime(moment).date()


def open_at(escalation, day: date) -> bool:
    """Whether a 久推不动 escalation was still unresolved at the end of `day`."""
    return escalation.resolved_at is None or local_date(escalation.resolved_at) > day


DISCOVERY_COLUMNS = [
    Col(_("成果名称"), lambda a: a.title, width=40),
    Col(_("发现单位"), lambda a: a.discovering_unit.short_name),
    Col(_("成果类型"), lambda a: a.get_kind_display(), width=10),
    Col(_("所属领域"), lambda a: a.field.name),
    Col(_("发现日期"), lambda a: a.discovered_on, kind="date", width=12),
    Col(_("预期综合经济贡献"), lambda a: a.expected_contribution, kind="money", width=18),
]

# One row per evaluation of the period (quotas.reports.EvaluationRow).
EVALUATION_COLUMNS = [
    Col(_("成果名称"), lambda r: r.achievement.title, width=40),
    Col(_("发现单位"), lambda r: r.achievement.discovering_unit.short_name),
    Col(_("评价方式"), lambda r: r.method, width=14),
    Col(_("批次、推荐单位或评估机构"), lambda r: r.detail, width=28),
    Col(_("结果"), lambda r: r.result, width=14),
    Col(_("综合得分"), lambda r: r.score, kind="number", width=10),
    # Its own header (in English “Valuation”, not the money columns' “Appraised value”).
    CellCol(_("评估价值（万元）"), lambda r: wan(r.value)),
    Col(_("日期"), lambda r: r.on, kind="date", width=12),
]

SERVICE_ENTRY_COLUMNS = [
    Col(_("成果名称"), lambda a: a.title, width=40),
    Col(_("发现单位"), lambda a: a.discovering_unit.short_name),
    Col(_("所属领域"), lambda a: a.field.name),
    Col(_("入库方式"), lambda a: a.get_service_route_display(), width=14),
    Col(_("入库日期"), lambda a: local_date(a.service_entered_at), kind="date", width=12),
    Col(_("预期综合经济贡献"), lambda a: a.expected_contribution, kind="money", width=18),
]


def escalation_columns(end: date) -> list[Col]:
    """久推不动报送: the escalations of the period, each as it stood at `end`."""
    return [
        Col(_("成果名称"), lambda e: e.achievement.title, width=40),
        Col(_("报送层级"), lambda e: e.get_tier_display(), width=22),
        Col(_("发现单位"), lambda e: e.achievement.discovering_unit.short_name),
        Col(_("预期综合经济贡献"), lambda e: e.expected_contribution, kind="money", width=18),
        Col(_("最近进展日期"), lambda e: e.last_progress_on, kind="date", width=14),
        Col(
            _("报送时无进展天数"),
            lambda e: (local_date(e.escalated_at) - e.last_progress_on).days,
            kind="number",
            width=14,
        ),
        Col(_("报送日期"), lambda e: local_date(e.escalated_at), kind="date", width=12),
        Col(_("期末状态"), lambda e: _("未解除") if open_at(e, end) else _("已解除"), width=10),
    ]


def stalled_columns(end: date) -> list[Col]:
    """久推不动成果: the service library's stalled cases at `end` (with_case_facts, an assignee
    and `escalated_at_end` set by quotas.reports.period_report)."""
    return [
        Col(_("成果名称"), lambda c: c.title, width=40),
        Col(_("发现单位"), lambda c: c.discovering_unit.short_name),
        Col(
            _("包干责任人"),
            lambda c: c.assignee.display_name if c.assignee else _("待分配"),
            width=12,
        ),
        Col(_("最近进展日期"), lambda c: c.last_progress_on, kind="date", width=14),
        Col(
            _("无进展天数（截至期末）"),
            lambda c: (end - c.last_progress_on).days,
            kind="number",
            width=14,
        ),
        Col(_("报送层级"), lambda c: EscalationTier(c.tier).label, width=22),
        Col(_("期末已报送"), lambda c: _("是") if c.escalated_at_end else _("否"), width=10),
    ]


# The quota figures of a row, in the landing-quota page's and the workbook's order.
QUOTA_FIGURES = ("landed", "offset_in", "offset_out", "completed")


def _figure_col(key: str, width: int = 12) -> Col:
    return Col(
        FIGURE_LABELS[key], lambda r: getattr(r, key), kind="number", unit=ITEMS, width=width
    )


# One row per unit of the year's quota progress (quotas.selectors.QuotaProgress).
QUOTA_COLUMNS = [
    Col(_("单位"), lambda r: r.unit.name, width=30),
    Col(
        FIGURE_LABELS["quota"],
        lambda r: r.quota if r.quota is not None else _("无任务"),
        kind="number",
        unit=ITEMS,
        width=12,
    ),
    *(_figure_col(key, 14 if key == "completed" else 12) for key in QUOTA_FIGURES),
    Col(
        FIGURE_LABELS["percent"],
        lambda r: r.percent if r.quota else None,  # the dashboard's figure
        kind="percent",
        width=8,
    ),
    _figure_col("remaining", 10),
    Col(
        FIGURE_LABELS["surplus"],
        lambda r: r.surplus if r.quota is not None else None,
        kind="number",
        unit=ITEMS,
        width=10,
    ),
    Col(
        _("标杆性成果要求"),
        lambda r: r.quota_row.landmark_requirement if r.quota_row else "",
        width=50,
    ),
    Col(
        _("标杆完成情况"),
        lambda r: clause_separator().join(
            f"{item.label}：{item.achieved}/{item.requirement.count}" for item in r.landmarks
        ),
        width=40,
    ),
]


# --- The assessment's scorecard (quotas.assessment) -----------------------------------------------


# The scorecard's figures as its page and workbook name them.
SCORECARD_LABELS = {
    "discovered": FIGURE_LABELS["discovered"],
    "landed": FIGURE_LABELS["landed"],
    "served": FIGURE_LABELS["service"],
}


def _score_col(figure: str) -> Col:
    return Col(SCORECARD_LABELS[figure], lambda r: r.figure(figure), kind="number", width=10)


def scorecard_columns(level: str) -> list[Col]:
    """A level's scorecard: rank, name and the three figures; a person's follow-ups besides."""
    columns = [
        Col(_("排名"), lambda r: r.rank, kind="number", width=6),
        Col(Level(level).label, lambda r: r.name, width=36),
        *(_score_col(figure) for figure in FIGURES),
    ]
    if level == Level.PERSON:
        columns += [
            Col(_("跟踪记录"), lambda r: r.follow_ups, kind="number", width=10),
            Col(_("逾期未跟踪（月）"), lambda r: r.missed, kind="number", width=14),
            CellCol(_("按时跟踪率"), lambda r: percent(r.follow_ups or 0, r.due), width=12),
        ]
    return columns
