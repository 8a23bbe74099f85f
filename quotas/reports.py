"""The content of a progress report for a period: what happened between two dates, read with
the same selectors as the dashboard (so a report of a whole year has the dashboard's totals),
and its workbook — one sheet per section, Chinese headers, frozen header row, totals, money as
numbers in 万元.

Every figure of the overview is the length of the list of its section, and its label says what
is counted: each section is one list built once, and the overview counts that list.

Each sheet is built by a function of its own (`report_sheets` lists them); a sheet that is a
table of objects is `table_sheet` over its columns in quotas/tables.py, each column's header
beside its value. The assessment's workbooks (the scorecard and the quarterly 通报) are built
here too."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus, ServiceRoute
from achievements.excel.landing import landing_sheet
from achievements.models import Achievement, Escalation, Landing
from achievements.selectors.service import (
    case_assignee,
    stalled_cutoff,
    start_of_day,
    with_case_facts,
)
from evaluation.choices import Decision, ValuationStatus
from evaluation.models import BatchItem, FastTrackReview, Valuation
from kernel.excel import PERCENT_FORMAT as PERCENT
from kernel.excel import Formatted, SheetSpec, percent, wan
from kernel.money import WAN as WAN_IN_YUAN
from kernel.money import format_wan
from kernel.tables import table_sheet

from . import selectors
from .assessment import FIGURES, Level, Scorecard
from .choices import ReportKind
from .selectors import QuotaProgress
from .tables import (
    DISCOVERY_COLUMNS,
    EVALUATION_COLUMNS,
    QUOTA_COLUMNS,
    QUOTA_FIGURES,
    SCORECARD_LABELS,
    SERVICE_ENTRY_COLUMNS,
    escalation_columns,
    local_date,
    open_at,
    scorecard_columns,
    stalled_columns,
)


class EvaluationMethod:
    """The four kinds of evaluation (三.一机制.2) as the 成果评价 section names them."""

    BATCH = "batch"
    RECOMMENDATION = "recommendation"
    FAST_TRACK = "fast_track"
    VALUATION = "valuation"


@dataclass(frozen=True)
class EvaluationRow:
    achievement: Achievement
    kind: str
    method: str
    detail: str
    result: str
    score: object
    on: date
    value: Decimal | None = None
    selected: bool = False


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
        by_kind = {kind: 0 for kind in vars(EvaluationMethod).values() if isinstance(kind, str)}
        for row in self.evaluations:
            by_kind[row.kind] += 1
        return {
            "discoveries": len(self.discoveries),
            "evaluations": len(self.evaluations),
            "evaluations_batch": by_kind[EvaluationMethod.BATCH],
            "evaluations_batch_selected": sum(
                1 for row in self.evaluations if row.kind == EvaluationMethod.BATCH and row.selected
            ),
            "evaluations_recommendation": by_kind[EvaluationMethod.RECOMMENDATION],
            "evaluations_fast_track": by_kind[EvaluationMethod.FAST_TRACK],
            "evaluations_valuation": by_kind[EvaluationMethod.VALUATION],
            "service_entries": len(self.service_entries),
            "service_entries_recommendation": sum(
                1 for a in self.service_entries if a.service_route == ServiceRoute.RECOMMENDATION
            ),
            "landings": len(self.landings),
            "landmarks": sum(1 for item in self.landings if item.landmark),
            "escalations_new": len(self.escalations),
            "escalations_open": sum(1 for item in self.escalations if open_at(item, self.end)),
            "stalled": len(self.stalled),
            "stalled_escalated": sum(1 for case in self.stalled if case.escalated_at_end),
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


def period_report(start: date, end: date) -> PeriodReport:
    """Everything a report says about [start, end]; quota progress is the year's to `end`."""
    begin, after = start_of_day(start), selectors.before_day_after(end)
    report = PeriodReport(start=start, end=end)
    report.discoveries = list(
        selectors.discoveries_between(start, end)
        .select_related("discovering_unit", "field")
        .order_by("discovered_on", "pk")
    )
    report.service_entries = list(
        selectors.service_entries_between(start, end)
        .select_related("discovering_unit", "field", "recommendation")
        .prefetch_related(
            Prefetch(
                "evaluation_items",
                queryset=BatchItem.objects.filter(decision=Decision.SELECTED)
                .select_related("batch")
                .order_by("-decided_at"),
                to_attr="selections",
            )
        )
        .order_by("service_entered_at", "pk")
    )
    report.evaluations = _evaluations(report.service_entries, start, end)
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
    # 久推不动报送: the stalled cases reported to their tier within the period.
    report.escalations = list(
        Escalation.objects.filter(escalated_at__gte=begin, escalated_at__lt=after)
        .select_related("achievement__discovering_unit", "achievement__field")
        .order_by("escalated_at", "pk")
    )
    cases = with_case_facts(
        Achievement.objects.filter(status=AchievementStatus.SERVICE, service_entered_at__lt=after),
        today=end,
    ).filter(last_progress_on__lte=stalled_cutoff(end))
    report.stalled = list(cases.order_by("last_progress_on", "pk"))
    # 已报送 as it stood at the end of the period, not as it stands today.
    reported = set(
        Escalation.objects.filter(
            achievement__in=[case.pk for case in report.stalled], escalated_at__lt=after
        )
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=after))
        .values_list("achievement_id", flat=True)
    )
    for case in report.stalled:
        case.assignee = case_assignee(case)
        case.escalated_at_end = case.pk in reported
    return report


def _evaluations(entries: list[Achievement], start: date, end: date) -> list[EvaluationRow]:
    """The evaluations completed in the period, of the four kinds: every entry into the service
    library (its outcome: selected by a regular evaluation, or recommended directly), the
    regular evaluations that did not select, the fast-track reviews issued and the valuation
    reports issued. So 完成评价 counts at least every entry of 进入服务库."""
    begin, after = start_of_day(start), selectors.before_day_after(end)
    rows = []
    for achievement in entries:
        on = local_date(achievement.service_entered_at)
        if achievement.service_route == ServiceRoute.RECOMMENDATION:
            recommendation = getattr(achievement, "recommendation", None)
            rows.append(
                EvaluationRow(
                    achievement=achievement,
                    kind=EvaluationMethod.RECOMMENDATION,
                    method=str(_("重点入库推荐")),
                    detail=recommendation.recommender_name if recommendation else "",
                    result=str(_("直接入选服务库")),
                    score=None,
                    on=on,
                )
            )
            continue
        selection = achievement.selections[0] if achievement.selections else None
        rows.append(
            EvaluationRow(
                achievement=achievement,
                kind=EvaluationMethod.BATCH,
                method=str(_("常规入库评价")),
                detail=selection.batch.name if selection else "",
                result=str(_("入选服务库")),
                score=selection.mean_total if selection else None,
                on=on,
                selected=True,
            )
        )
    rows += [
        EvaluationRow(
            achievement=item.achievement,
            kind=EvaluationMethod.BATCH,
            method=str(_("常规入库评价")),
            detail=item.batch.name,
            result=item.get_decision_display(),
            score=item.mean_total,
            on=local_date(item.decided_at),
        )
        for item in BatchItem.objects.filter(
            decided_at__gte=begin, decided_at__lt=after, decision=Decision.NOT_SELECTED
        ).select_related("batch", "achievement__discovering_unit")
    ]
    rows += [
        EvaluationRow(
            achievement=item.achievement,
            kind=EvaluationMethod.FAST_TRACK,
            method=str(_("快速落地评价")),
            detail=item.carrier_name or item.get_landing_form_display(),
            result=str(_("已出具意见")),
            score=None,
            on=local_date(item.completed_at),
        )
        for item in FastTrackReview.objects.filter(
            completed_at__gte=begin, completed_at__lt=after
        ).select_related("achievement__discovering_unit")
    ]
    rows += [
        EvaluationRow(
            achievement=item.achievement,
            kind=EvaluationMethod.VALUATION,
            method=str(_("公允价值评价")),
            detail=item.agency,
            result=str(_("已出具评估报告")),
            score=None,
            on=item.valued_on,
            value=item.value,
        )
        for item in Valuation.objects.filter(
            status=ValuationStatus.COMPLETED, valued_on__gte=start, valued_on__lte=end
        ).select_related("achievement__discovering_unit")
    ]
    return sorted(rows, key=lambda row: (row.on, row.achievement.pk, row.kind))


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


def _count(rows, width: int, *rest) -> list:
    """A totals row: “合计 n 项” under the first column, `rest` at the end, blanks between."""
    return [_("合计 %(n)d 项") % {"n": len(rows)}, *[None] * (width - 1 - len(rest)), *rest]


def overview_rows(report: PeriodReport) -> list[list]:
    """The overview: each figure, and what exactly it counts (its section lists the items)."""
    totals = report.totals()
    quota_total = totals["quota_total"]
    return [
        [
            _("新发现成果（项）"),
            totals["discoveries"],
            _("发现日期在本期内、已进入发现库及以后阶段的成果；清单见“新发现成果”"),
        ],
        [
            _("完成评价（项）"),
            totals["evaluations"],
            _(
                "本期完成的各类评价：常规入库评价 %(batch)d 项（入选服务库 %(selected)d 项、"
                "未入选 %(rejected)d 项），重点入库推荐直接入选服务库 %(recommendation)d 项，"
                "快速落地评价出具意见 %(fast_track)d 项，公允价值评价出具评估报告 %(valuation)d 项；"
                "清单见“成果评价”"
            )
            % {
                "batch": totals["evaluations_batch"],
                "selected": totals["evaluations_batch_selected"],
                "rejected": totals["evaluations_batch"] - totals["evaluations_batch_selected"],
                "recommendation": totals["evaluations_recommendation"],
                "fast_track": totals["evaluations_fast_track"],
                "valuation": totals["evaluations_valuation"],
            },
        ],
        [
            _("进入服务库（项）"),
            totals["service_entries"],
            _(
                "入库日期在本期内：经常规入库评价 %(batch)d 项、经重点入库推荐 %(recommendation)d 项"
                "（均计入“完成评价”）；清单见“进入服务库”"
            )
            % {
                "batch": totals["service_entries"] - totals["service_entries_recommendation"],
                "recommendation": totals["service_entries_recommendation"],
            },
        ],
        [
            _("认定落地（项）"),
            totals["landings"],
            _("核验认定且落地日期在本期内；清单见“认定落地”"),
        ],
        [
            _("其中标杆性成果（项）"),
            totals["landmarks"],
            _("综合经济贡献达到标杆门槛"),
        ],
        [
            _("%(year)d年落地任务完成（项）") % {"year": report.year},
            totals["quota_completed"],
            _("截至期末。任务合计 %(total)d 项，完成率 %(rate)s，%(met)d/%(units)d 个单位已完成")
            % {
                "total": quota_total,
                "rate": f"{selectors.completion_percent(totals['quota_completed'], quota_total)}%"
                if quota_total
                else "—",
                "met": totals["quota_units_met"],
                "units": totals["quota_units"],
            },
        ],
        [
            _("本期报送久推不动（项）"),
            totals["escalations_new"],
            _("报送日期在本期内，其中期末未解除 %(open)d 项；清单见“久推不动报送”")
            % {"open": totals["escalations_open"]},
        ],
        [
            _("期末久推不动成果（项）"),
            totals["stalled"],
            _(
                "截至期末无实质性进展超过 %(days)d 天的服务库成果，其中期末已报送 %(reported)d 项；"
                "清单见“久推不动成果”"
            )
            % {
                "days": settings.SERVICE_STALLED_AFTER_DAYS,
                "reported": totals["stalled_escalated"],
            },
        ],
    ]


def report_sheets(report: PeriodReport) -> list[SheetSpec]:
    """The workbook's sheets, their rows as lists (read by the workbook and the page alike)."""
    sheets = [
        overview_sheet(report),
        discoveries_sheet(report),
        evaluations_sheet(report),
        service_entries_sheet(report),
        landing_sheet(report.landings, title=_("认定落地"), totals=True),
        quota_sheet(report),
        escalations_sheet(report),
        stalled_sheet(report),
    ]
    for sheet in sheets:
        sheet.rows = list(sheet.rows)
    return sheets


def overview_sheet(report: PeriodReport) -> SheetSpec:
    return SheetSpec(
        title=_("概览"),
        headers=[_("指标"), _("数量"), _("说明")],
        rows=overview_rows(report),
        widths=[30, 12, 90],
    )


def _expected_total(records) -> object:
    """The total row's expected contribution of a sheet of records, in 万元."""
    return wan(sum(a.expected_contribution or 0 for a in records))


def discoveries_sheet(report: PeriodReport) -> SheetSpec:
    rows = report.discoveries
    total = _expected_total(rows)
    return table_sheet(
        _("新发现成果"),
        DISCOVERY_COLUMNS,
        rows,
        totals=_count(rows, len(DISCOVERY_COLUMNS), total),
    )


def evaluations_sheet(report: PeriodReport) -> SheetSpec:
    rows = report.evaluations
    return table_sheet(
        _("成果评价"),
        EVALUATION_COLUMNS,
        rows,
        totals=_count(rows, len(EVALUATION_COLUMNS)),
    )


def service_entries_sheet(report: PeriodReport) -> SheetSpec:
    rows = report.service_entries
    total = _expected_total(rows)
    return table_sheet(
        _("进入服务库"),
        SERVICE_ENTRY_COLUMNS,
        rows,
        totals=_count(rows, len(SERVICE_ENTRY_COLUMNS), total),
    )


def quota_sheet(report: PeriodReport) -> SheetSpec:
    """The year's quota table as the landing-quota page shows it: same rows, columns, totals."""
    totals = selectors.quota_totals(report.quota_rows)
    return table_sheet(
        _("%(year)d年落地任务进度") % {"year": report.year},
        QUOTA_COLUMNS,
        report.quota_rows,
        totals=[
            _("合计"),
            totals.quota,
            *(getattr(totals, key) for key in QUOTA_FIGURES),
            percent(totals.percent, 100) if totals.quota else None,
            totals.remaining,
            totals.surplus,
            "",
            "",
        ],
    )


def escalations_sheet(report: PeriodReport) -> SheetSpec:
    rows = report.escalations
    columns = escalation_columns(report.end)
    still_open = _("未解除 %(n)d 项") % {"n": report.totals()["escalations_open"]}
    return table_sheet(
        _("久推不动报送"), columns, rows, totals=_count(rows, len(columns), still_open)
    )


def stalled_sheet(report: PeriodReport) -> SheetSpec:
    rows = report.stalled
    columns = stalled_columns(report.end)
    reported = _("已报送 %(n)d 项") % {"n": sum(1 for case in rows if case.escalated_at_end)}
    return table_sheet(
        _("久推不动成果"), columns, rows, totals=_count(rows, len(columns), reported)
    )


# --- The assessment's workbooks (考核督导) -----------------------------------------------------------


def scorecard_sheet(card: Scorecard) -> SheetSpec:
    """One level's scorecard, ranked, with the level's totals."""
    totals = [_("合计"), "", *[card.totals[f] for f in FIGURES]]
    if card.level == Level.PERSON:
        totals += [
            sum(r.follow_ups or 0 for r in card.rows),
            sum(r.missed or 0 for r in card.rows),
            "",
        ]
    return table_sheet(
        Level(card.level).label, scorecard_columns(card.level), card.rows, totals=totals
    )


def bulletin_sheets(year: int, quarter: int, levels) -> list[SheetSpec]:
    """The quarterly 通报: per level, the units named leading or lagging and the quota holders
    behind the year's pace (quotas.assessment.quarterly_bulletin)."""
    labels = SCORECARD_LABELS
    rows = []
    for item in levels:
        for kind, named in ((_("成绩突出"), item.leading), (_("督促后进"), item.lagging)):
            for row in named:
                rows.append(
                    [item.label, kind, row.name, row.discovered, row.landed, row.served, ""]
                )
        for quota_row in item.behind_quota:
            rows.append(
                [
                    item.label,
                    _("落地任务进度滞后"),
                    str(quota_row.unit),
                    None,
                    quota_row.completed,
                    None,
                    _("任务%(quota)d项，完成%(done)d项")
                    % {"quota": quota_row.quota, "done": quota_row.completed},
                ]
            )
    return [
        SheetSpec(
            title=_("%(year)d年第%(q)d季度通报") % {"year": year, "q": quarter},
            headers=[
                _("层级"),
                _("通报类别"),
                _("单位（人员）"),
                str(labels["discovered"]),
                str(labels["landed"]),
                str(labels["served"]),
                _("说明"),
            ],
            rows=rows,
            widths=[22, 16, 36, 10, 10, 10, 28],
        )
    ]


# --- The report page: the sections as text ----------------------------------------------------


def display(value) -> str:
    """A cell of a sheet as the report page shows it."""
    if value is None:
        return ""
    if isinstance(value, Formatted):
        if value.number_format == PERCENT:
            return f"{round(100 * value.value)}%"
        return format_wan(value.value * WAN_IN_YUAN)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_sections(sheets: list[SheetSpec]) -> list[dict]:
    """The sheets as the report page shows them (stored with the report, so the page says what
    the file says): title, headers, rows and totals as text."""
    return [
        {
            "title": str(sheet.title),
            "headers": [str(header) for header in sheet.headers],
            "rows": [[display(value) for value in row] for row in sheet.rows],
            "totals": [display(value) for value in sheet.totals or []],
        }
        for sheet in sheets
    ]
