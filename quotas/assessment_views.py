"""Pages of the assessment (考核督导), the division map and the plan targets the dashboard did
not track. Readers of the dashboard (staff, leaders, admins) only; every figure from
`quotas/assessment.py`, which reads the dashboard's selectors."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brokers import selectors as broker_selectors
from brokers.choices import PlanMetric
from kernel.excel import xlsx_response
from kernel.views import require_perm
from towns.models import Unit, User

from . import assessment, selectors
from .assessment import FIGURES, Level
from .choices import CityMetric
from .reports import bulletin_sheets, scorecard_sheet
from .tables import SCORECARD_LABELS
from .views import _year

DRILL_PAGE_SIZE = 50


def _level(request) -> str:
    value = request.GET.get("level", "")
    return value if value in Level.values else Level.DIVISION


def _figure(request) -> str:
    value = request.GET.get("figure", "")
    return value if value in FIGURES else "landed"


def _labels() -> dict:
    return dict(SCORECARD_LABELS)


def drill_url(level: str, key: str, year: int, figure: str) -> str:
    return (
        f"{reverse('quotas:assessment_drilldown', args=[level, key])}?year={year}&figure={figure}"
    )


@login_required
def scorecard_page(request):
    """The year's scorecard of one level, ranked; the export holds every level."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    level = _level(request)
    sort = _figure(request)
    if request.GET.get("export") == "xlsx":
        sheets = [scorecard_sheet(assessment.scorecard(lv, year, by=sort)) for lv in Level]
        return xlsx_response(f"{year}年成果转化考核（发现数·落地数·服务数）.xlsx", sheets)
    card = assessment.scorecard(level, year, by=sort)
    return render(
        request,
        "quotas/assessment/scorecard.html",
        {
            "year": year,
            "years": selectors.dashboard_years(year),
            "level": level,
            "levels": Level.choices,
            "sort": sort,
            "card": card,
            "rows": [
                (row, [(f, row.figure(f), drill_url(level, row.key, year, f)) for f in FIGURES])
                for row in card.rows
            ],
            "labels": _labels(),
            "figures": FIGURES,
        },
    )


@login_required
def scorecard_drilldown(request, level: str, subject: str):
    """The records behind one number of the scorecard."""
    require_perm(request.user, "quotas.view_dashboard")
    if level not in Level.values:
        raise Http404
    year = _year(request)
    figure = _figure(request)
    start, end = selectors.year_bounds(year)
    if level == Level.PERSON:
        person = get_object_or_404(
            User.objects.filter(role__in=assessment.PERSON_ROLES), username=subject
        )
        records, shown = assessment.person_records(person, figure, start, end), person
    else:
        unit = get_object_or_404(
            Unit.objects.filter(kind__in=assessment.LEVEL_UNIT_KINDS[level]), code=subject
        )
        records, shown = assessment.unit_records(unit, figure, start, end), unit
    if figure == "landed":
        records = records.select_related("achievement", "credited_unit", "division").order_by(
            "-landed_on", "pk"
        )
    else:
        records = records.select_related("discovering_unit").order_by("-discovered_on", "pk")
    page = Paginator(records, DRILL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quotas/assessment/drilldown.html",
        {
            "year": year,
            "level": level,
            "level_label": Level(level).label,
            "subject": shown,
            "figure": figure,
            "figure_label": _labels()[figure],
            "page_obj": page,
            "records": page.object_list,
            "is_landing": figure == "landed",
            "tabs": [(f, _labels()[f], drill_url(level, subject, year, f)) for f in FIGURES],
        },
    )


def _quarter(request, year: int) -> int:
    value = request.GET.get("quarter", "")
    if value in ("1", "2", "3", "4"):
        return int(value)
    today = timezone.localdate()
    if year == today.year:
        return max(1, (today.month - 1) // 3)  # the last full quarter (or the first)
    return 4


@login_required
def bulletin_page(request):
    """The quarterly 通报 to the city: per level, the units leading on the quarter's figures and
    those with none of them, and the quota holders behind the year's pace."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    quarter = _quarter(request, year)
    levels = assessment.quarterly_bulletin(year, quarter)
    start, end = assessment.quarter_bounds(year, quarter)
    today = timezone.localdate()
    # A quarter still running is a snapshot, not the 通报: say so on the page and the file.
    as_of = today if start <= today < end else None
    if request.GET.get("export") == "xlsx":
        interim = f"（截至{as_of:%m月%d日}）" if as_of else ""
        return xlsx_response(
            f"{year}年第{quarter}季度成果转化考核通报{interim}.xlsx",
            bulletin_sheets(year, quarter, levels),
        )
    return render(
        request,
        "quotas/assessment/bulletin.html",
        {
            "year": year,
            "years": selectors.dashboard_years(year),
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
            "start": start,
            "end": end,
            "as_of": as_of,
            "not_started": start > today,
            "levels": levels,
            "labels": _labels(),
        },
    )


@login_required
def division_map_page(request):
    """The 36 divisions as a tile grid coloured by quota completion; a tile opens the unit's
    drill-down of the dashboard."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    tiles = assessment.division_map(year)
    data = {
        "tiles": [
            {
                "name": tile.division.short_name,
                "row": tile.row,
                "col": tile.col,
                "percent": tile.percent,
                "quota": tile.quota,
                "completed": tile.completed,
                "url": (
                    f"{reverse('quotas:dashboard_unit', args=[tile.unit_code])}?year={year}"
                    if tile.unit_code
                    else ""
                ),
            }
            for tile in tiles
        ],
        "labels": {
            "percent": str(selectors.FIGURE_LABELS["percent"]),
            "quota": str(selectors.FIGURE_LABELS["quota"]),
            "completed": str(selectors.FIGURE_LABELS["completed"]),
            "none": _("本年度无落地任务"),
        },
    }
    return render(
        request,
        "quotas/assessment/division_map.html",
        {
            "year": year,
            "years": selectors.dashboard_years(year),
            "tiles": tiles,
            "map_data": data,
            "labels": selectors.FIGURE_LABELS,
        },
    )


@login_required
def plan_targets_page(request):
    """Targets of section 二 the dashboard did not track: the above-scale S&T service revenue
    growth, the market institutions newly above scale, and the landmarks with their list."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    # The landmark figures and their targets are the dashboard's KPIs (one figure, one selector).
    kpis = {kpi.metric: kpi for kpi in selectors.city_overview(year).kpis}
    major = kpis[CityMetric.LANDMARKS_500M_CUMULATIVE]
    significant = kpis[CityMetric.LANDMARKS_100M_CUMULATIVE]
    return render(
        request,
        "quotas/assessment/plan_targets.html",
        {
            "year": year,
            "years": selectors.dashboard_years(year),
            "revenue": broker_selectors.service_revenue_growth(year),
            "intermediaries": list(broker_selectors.intermediaries_newly_above_scale(year)),
            "intermediary_target": broker_selectors.plan_target(
                PlanMetric.INTERMEDIARIES_NEWLY_ABOVE_SCALE
            ),
            "major": major.actual,
            "significant": significant.actual,
            "major_target": major.target,
            "significant_target": significant.target,
            "major_list": list(assessment.landmark_landings(year, major=True)),
            "significant_list": list(assessment.landmark_landings(year, major=False)),
        },
    )
