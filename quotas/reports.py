"""The content of a progress report for a period: what happened between two dates, read with
the same selectors as the dashboard (so a report of a whole year has the dashboard's totals),
and its workbook — one sheet per section, Chinese headers, frozen header row, totals."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus, EscalationTier
from achievements.excel.landing import landing_sheet
from achievements.models import Achievement, Escalation, Landing
from achievements.selectors.service import (
    case_assignee,
    stalled_cutoff,
    start_of_day,
    with_case_facts,
)
from evaluation.models import BatchItem, FastTrackReview, Recommendation
from towns.excel import SheetSpec
from towns.money import format_wan

from . import selectors
from .choices import ReportKind
from .selectors import QuotaProgress


@dataclass(frozen=True)
class EvaluationRow:
    achievement: Achievement
    method: str
    detail: str
    result: str
    score: object
    on: date


@dataclass
class PeriodReport:
    start: date
    end: date
    discoveries: list[Achievement] = field(default_factory=list)
    evaluations: list[EvaluationRow] = field(default_factory=list)
    service_entries: list[Achievement] = field(default_factory=list)
    landings: list[Landing] = field(default_factory=list)
    quota_rows: list[QuotaProgress] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    stalled: list[Achievement] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.end.year

    def totals(self) -> dict:
        quota = selectors.quota_totals(self.quota_rows)
        return {
            "discoveries": len(self.discoveries),
            "evaluations": len(self.evaluations),
            "service_entries": len(self.service_entries),
            "landings": len(self.landings),
            "landmarks": sum(1 for item in self.landings if item.landmark),
            "escalations_open": sum(1 for item in self.escalations if _open_at(item, self.end)),
            "escalations_new": sum(
                1 for item in self.escalations if _local_date(item.escalated_at) >= self.start
            ),
            "stalled": len(self.stalled),
            "quota_year": self.year,
            "quota_total": quota.quota,
            "quota_landed": quota.landed,
            "quota_offset_in": quota.offset_in,
            "quota_offset_out": quota.offset_out,
            "quota_completed": quota.completed,
            "quota_surplus": quota.surplus,
            "quota_units_met": quota.units_met,
            "quota_units": quota.units_with_quota,
        }


def _local_date(moment) -> date:
    return timezone.localtime(moment).date()


def _open_at(escalation: Escalation, day: date) -> bool:
    return escalation.resolved_at is None or _local_date(escalation.resolved_at) > day


def period_report(start: date, end: date) -> PeriodReport:
    """Everything a report says about [start, end]; quota progress is the year's to `end`."""
    after = selectors.before_day_after(end)
    report = PeriodReport(start=start, end=end)
    report.discoveries = list(
        selectors.discoveries_between(start, end)
        .select_related("discovering_unit", "field")
        .order_by("discovered_on", "pk")
    )
    report.evaluations = _evaluations(start, end)
    report.service_entries = list(
        selectors.service_entries_between(start, end)
        .select_related("discovering_unit", "field")
        .order_by("service_entered_at", "pk")
    )
    report.landings = list(
        selectors.landings_between(start, end)
        .select_related(
            "achievement__field",
            "achievement__discovering_unit",
            "division",
            "credited_unit",
            "verified_by",
        )
        .order_by("landed_on", "pk")
    )
    report.quota_rows = selectors.quota_progress(end.year, until=end)
    report.escalations = list(
        Escalation.objects.filter(escalated_at__lt=after)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start_of_day(start)))
        .select_related("achievement__discovering_unit", "achievement__field")
        .order_by("tier", "last_progress_on", "pk")
    )
    cases = with_case_facts(
        Achievement.objects.filter(status=AchievementStatus.SERVICE, service_entered_at__lt=after),
        today=end,
    ).filter(last_progress_on__lte=stalled_cutoff(end))
    report.stalled = list(cases.order_by("last_progress_on", "pk"))
    for case in report.stalled:
        case.assignee = case_assignee(case)
    return report


def _evaluations(start: date, end: date) -> list[EvaluationRow]:
    """Batch decisions, key recommendations and fast-track reviews completed in the period."""
    begin, after = start_of_day(start), selectors.before_day_after(end)
    rows = [
        EvaluationRow(
            achievement=item.achievement,
            method=str(_("常规入库评价")),
            detail=item.batch.name,
            result=item.get_decision_display(),
            score=item.mean_total,
            on=_local_date(item.decided_at),
        )
        for item in BatchItem.objects.filter(
            decided_at__gte=begin, decided_at__lt=after, decision__in=selectors.DECIDED
        ).select_related("batch", "achievement__discovering_unit")
    ]
    rows += [
        EvaluationRow(
            achievement=item.achievement,
            method=str(_("重点入库推荐")),
            detail=item.recommender_name,
            result=str(_("直接入选服务库")),
            score=None,
            on=_local_date(item.created_at),
        )
        for item in Recommendation.objects.filter(
            created_at__gte=begin, created_at__lt=after
        ).select_related("achievement__discovering_unit")
    ]
    rows += [
        EvaluationRow(
            achievement=item.achievement,
            method=str(_("快速落地评价")),
            detail=item.carrier_name or item.get_landing_form_display(),
            result=str(_("已出具意见")),
            score=None,
            on=_local_date(item.completed_at),
        )
        for item in FastTrackReview.objects.filter(
            completed_at__gte=begin, completed_at__lt=after
        ).select_related("achievement__discovering_unit")
    ]
    return sorted(rows, key=lambda row: (row.on, row.achievement.pk))


# --- Titles and periods ---------------------------------------------------------------------------


def report_title(kind: str, start: date, end: date) -> str:
    if kind == ReportKind.QUARTERLY:
        quarter = (start.month - 1) // 3 + 1
        return _("%(year)d年第%(quarter)s季度科技成果转化工作报告") % {
            "year": start.year,
            "quarter": "一二三四"[quarter - 1],
        }
    period = _("%(start)s至%(end)s") % {
        "start": f"{start.year}年{start.month}月{start.day}日",
        "end": f"{end.year}年{end.month}月{end.day}日",
    }
    if kind == ReportKind.BIWEEKLY:
        return _("科技成果转化工作进展（每两周一报，%(period)s）") % {"period": period}
    return _("科技成果转化工作专项报告（%(period)s）") % {"period": period}


def biweekly_periods(today: date, *, anchor: date) -> list[tuple[date, date]]:
    """The fortnights reported on the Mondays anchor + 14k (k ≥ 1) up to today: each report
    covers the fourteen days before its Monday."""
    periods = []
    monday = anchor + timedelta(days=14)
    while monday <= today:
        periods.append((monday - timedelta(days=14), monday - timedelta(days=1)))
        monday += timedelta(days=14)
    return periods


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(day: date) -> date:
    start = quarter_start(day)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def quarterly_periods(today: date, *, anchor: date) -> list[tuple[date, date]]:
    """Calendar quarters from the one containing the anchor that ended before today."""
    periods = []
    start = quarter_start(anchor)
    while next_quarter(start) <= today:
        following = next_quarter(start)
        periods.append((start, following - timedelta(days=1)))
        start = following
    return periods


# --- The workbook ---------------------------------------------------------------------------------


def _wan(value):
    return format_wan(value) if value is not None else ""


def _count(rows, width: int, *rest) -> list:
    """A totals row: “合计 n 项” under the first column, `rest` at the end, blanks between."""
    return [_("合计 %(n)d 项") % {"n": len(rows)}, *[""] * (width - 1 - len(rest)), *rest]


def report_sheets(report: PeriodReport) -> list[SheetSpec]:
    totals = report.totals()
    quota_total = totals["quota_total"]
    rate = f"{selectors.completion_percent(totals['quota_completed'], quota_total)}%"
    summary = [
        [
            _("新发现成果（项）"),
            totals["discoveries"],
            _("发现日期在本期内，已进入发现库及以后阶段"),
        ],
        [_("完成评价（项）"), totals["evaluations"], _("常规入库评价确认、重点推荐、快速落地评价")],
        [_("进入服务库（项）"), totals["service_entries"], ""],
        [_("认定落地（项）"), totals["landings"], _("本期核验认定、落地日期在本期内")],
        [_("其中标杆性成果（项）"), totals["landmarks"], _("综合经济贡献达到标杆门槛")],
        [
            _("%(year)d年落地任务完成（项）") % {"year": report.year},
            totals["quota_completed"],
            _("任务合计 %(total)d 项，完成率 %(rate)s，%(met)d/%(units)d 个单位已完成")
            % {
                "total": quota_total,
                "rate": rate if quota_total else "—",
                "met": totals["quota_units_met"],
                "units": totals["quota_units"],
            },
        ],
        [_("久推不动报送（期末未解除）"), totals["escalations_open"], ""],
        [_("其中本期新报送"), totals["escalations_new"], ""],
        [_("久推不动成果（项）"), totals["stalled"], _("截至期末无实质性进展超过规定天数")],
    ]
    tiers = dict(EscalationTier.choices)
    end = report.end
    return [
        SheetSpec(
            title=_("概览"),
            headers=[_("指标"), _("数量"), _("说明")],
            rows=summary,
            widths=[30, 12, 60],
        ),
        SheetSpec(
            title=_("新发现成果"),
            headers=[
                _("成果名称"),
                _("发现单位"),
                _("成果类型"),
                _("所属领域"),
                _("发现日期"),
                _("预期综合经济贡献（万元）"),
            ],
            rows=(
                [
                    a.title,
                    a.discovering_unit.short_name,
                    a.get_kind_display(),
                    a.field.name,
                    a.discovered_on,
                    _wan(a.expected_contribution),
                ]
                for a in report.discoveries
            ),
            widths=[40, 16, 10, 16, 12, 18],
            totals=_count(report.discoveries, 6),
        ),
        SheetSpec(
            title=_("成果评价"),
            headers=[
                _("成果名称"),
                _("发现单位"),
                _("评价方式"),
                _("批次或推荐单位"),
                _("结果"),
                _("综合得分"),
                _("日期"),
            ],
            rows=(
                [
                    row.achievement.title,
                    row.achievement.discovering_unit.short_name,
                    row.method,
                    row.detail,
                    row.result,
                    row.score if row.score is not None else "",
                    row.on,
                ]
                for row in report.evaluations
            ),
            widths=[40, 16, 14, 28, 14, 10, 12],
            totals=_count(report.evaluations, 7),
        ),
        SheetSpec(
            title=_("进入服务库"),
            headers=[
                _("成果名称"),
                _("发现单位"),
                _("所属领域"),
                _("入库方式"),
                _("入库日期"),
                _("预期综合经济贡献（万元）"),
            ],
            rows=(
                [
                    a.title,
                    a.discovering_unit.short_name,
                    a.field.name,
                    a.get_service_route_display(),
                    _local_date(a.service_entered_at),
                    _wan(a.expected_contribution),
                ]
                for a in report.service_entries
            ),
            widths=[40, 16, 16, 14, 12, 18],
            totals=_count(report.service_entries, 6),
        ),
        landing_sheet(report.landings, title=_("认定落地"), totals=True),
        quota_sheet(report),
        SheetSpec(
            title=_("久推不动报送"),
            headers=[
                _("成果名称"),
                _("报送层级"),
                _("发现单位"),
                _("预期综合经济贡献（万元）"),
                _("最近进展日期"),
                _("无进展天数（截至期末）"),
                _("报送日期"),
                _("期末状态"),
            ],
            rows=(
                [
                    e.achievement.title,
                    str(tiers[e.tier]),
                    e.achievement.discovering_unit.short_name,
                    _wan(e.expected_contribution),
                    e.last_progress_on,
                    (end - e.last_progress_on).days,
                    _local_date(e.escalated_at),
                    _("未解除") if _open_at(e, end) else _("已解除"),
                ]
                for e in report.escalations
            ),
            widths=[40, 22, 16, 18, 14, 14, 12, 10],
            totals=_count(
                report.escalations, 8, _("未解除 %(n)d 项") % {"n": totals["escalations_open"]}
            ),
        ),
        SheetSpec(
            title=_("久推不动成果"),
            headers=[
                _("成果名称"),
                _("发现单位"),
                _("包干责任人"),
                _("最近进展日期"),
                _("无进展天数（截至期末）"),
                _("报送层级"),
                _("已报送"),
            ],
            rows=(
                [
                    case.title,
                    case.discovering_unit.short_name,
                    case.assignee.display_name if case.assignee else _("待分配"),
                    case.last_progress_on,
                    (end - case.last_progress_on).days,
                    str(tiers[case.tier]),
                    _("是") if case.is_escalated else _("否"),
                ]
                for case in report.stalled
            ),
            widths=[40, 16, 12, 14, 14, 22, 8],
            totals=_count(report.stalled, 7),
        ),
    ]


def quota_sheet(report: PeriodReport) -> SheetSpec:
    """The year's quota table as the landing-quota page shows it: same rows, columns, totals."""
    rows = report.quota_rows
    totals = selectors.quota_totals(rows)
    labels = selectors.FIGURE_LABELS
    return SheetSpec(
        title=_("%(year)d年落地任务进度") % {"year": report.year},
        headers=[
            _("单位"),
            _("%(label)s（项）") % {"label": labels["quota"]},
            *(_("%(label)s（项）") % {"label": labels[key]} for key in QUOTA_FIGURES),
            labels["percent"],
            _("%(label)s（项）") % {"label": labels["remaining"]},
            _("%(label)s（项）") % {"label": labels["surplus"]},
            _("标杆性成果要求"),
            _("标杆完成情况"),
        ],
        rows=(
            [
                row.unit.name,
                row.quota if row.quota is not None else _("无任务"),
                *(getattr(row, key) for key in QUOTA_FIGURES),
                f"{row.percent}%" if row.quota else "",
                row.remaining if row.remaining is not None else "",
                row.surplus or "",
                row.quota_row.landmark_requirement if row.quota_row else "",
                "；".join(
                    f"{item.label}：{item.achieved}/{item.requirement.count}"
                    for item in row.landmarks
                ),
            ]
            for row in rows
        ),
        widths=[30, 12, 12, 12, 14, 12, 8, 10, 10, 50, 40],
        totals=[
            _("合计"),
            totals.quota,
            *(getattr(totals, key) for key in QUOTA_FIGURES),
            f"{totals.percent}%" if totals.quota else "",
            totals.remaining,
            totals.surplus,
            "",
            "",
        ],
    )


# The columns of a quota row, in the page's and the workbook's order.
QUOTA_FIGURES = ("landed", "offset_in", "offset_out", "completed")
