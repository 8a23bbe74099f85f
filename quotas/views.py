from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from achievements.choices import AchievementStatus, EscalationTier, LandingState
from achievements.models import Achievement
from achievements.selectors.demands import enterprise_overview
from achievements.selectors.discovery import (
    duplicate_group_count,
    open_corrections_count,
    status_counts,
)
from achievements.selectors.landing import awaiting_verification_count, landing_list
from achievements.selectors.service import escalation_counts, escalations_visible_to
from achievements.views.showcase import showcase_list
from brokers import selectors as broker_selectors
from investors import selectors as investor_selectors
from kernel.excel import xlsx_response
from kernel.limits import REPORT_INLINE_MAX_DAYS
from kernel.lists import FilteredListView
from kernel.pagecache import cached_page
from kernel.tables import table_sheet
from kernel.uploads import protected_file_response
from kernel.views import add_service_errors, require_perm
from kernel.wording import clause_separator, month_label
from towns.choices import Role, UnitKind
from towns.jobs import job_start
from towns.models import Unit

from . import selectors, services, tables
from .choices import ReportKind
from .filters import ReportFilter
from .forms import DiscoveryTargetsForm, LandingQuotasForm, ReportRequestForm
from .models import Report
from .reports import PeriodReport, quota_sheet

DASHBOARD_ESCALATIONS = 8
# The escalation list reads from the top tier down.
TIER_SEVERITY = Case(
    When(tier=EscalationTier.CITY_LEADER, then=Value(0)),
    When(tier=EscalationTier.BUREAU_LEADERS, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

RECENT_ON_HOME = 6


def home(request):
    """Each role lands on its own work page; the public lands on the showcase."""
    if not request.user.is_authenticated:
        return showcase_list(request)
    user = request.user
    year = timezone.localdate().year
    context = {"year": year}
    if user.role == Role.LIAISON:
        unit_records = Achievement.objects.visible_to(user)
        counts = status_counts(unit_records)
        context.update(
            progress=selectors.discovery_progress(user.unit, year),
            unit_achievements=sum(counts.values()),
            counts=counts,
            recent=unit_records.select_related("field").order_by("-updated_at")[:RECENT_ON_HOME],
        )
    elif user.role in (Role.LEADER, Role.CENTER_STAFF, Role.ADMIN):
        context["city_targets"] = selectors.city_targets(year)
        context["discovered_total"] = Achievement.objects.discovered().count()
        context["landing_totals"] = selectors.quota_totals(selectors.quota_progress(year))
        if user.role == Role.LEADER:
            context["kpis"] = broker_selectors.transfer_kpis(year)
    elif user.role == Role.BROKER:
        broker = broker_selectors.broker_for_user(user)
        context["broker"] = broker
        context["deals"] = broker_selectors.broker_deals(broker)[:5] if broker else []
        context["by_year"] = broker_selectors.broker_facilitated_by_year(broker) if broker else []
    elif user.role == Role.ENTERPRISE:
        context.update(enterprise_overview(user))
    elif user.role == Role.INVESTOR:
        context.update(investor_selectors.investor_overview(user))
    if user.role == Role.CENTER_STAFF:
        overview = selectors.discovery_overview(year)
        context.update(
            open_corrections=open_corrections_count(),
            awaiting_changes=Achievement.objects.filter(status=AchievementStatus.RETURNED).count(),
            duplicate_groups=duplicate_group_count(),
            discovered_this_year=selectors.discovered_in(year).count(),
            units_met=sum(1 for row in overview if row.met),
            units_with_target=sum(1 for row in overview if row.target),
            landings_awaiting=awaiting_verification_count(),
        )
    template = f"home/{user.role}.html"
    return render(request, template, context)


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    year = timezone.localdate().year
    return int(value) if value.isdecimal() and 2000 <= int(value) <= 2100 else year


def _year_choices(year: int) -> list[int]:
    return sorted({*selectors.discovery_target_years(), timezone.localdate().year, year})


@login_required
def discovery_targets(request):
    """Staff and leaders: every unit's discovery target this year against what it discovered."""
    if not request.user.reads_everything:
        raise PermissionDenied
    year = _year(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    rows = selectors.discovery_overview(year, kind=kind)
    sort = request.GET.get("sort", "progress")
    if sort == "progress":
        rows.sort(key=lambda r: (r.percent, r.discovered, r.unit.code))
    elif sort == "discovered":
        rows.sort(key=lambda r: (-r.discovered, r.unit.code))
    columns = tables.DISCOVERY_TARGET_COLUMNS
    totals = selectors.discovery_totals(rows)
    if request.GET.get("export") == "xlsx":
        total_row = [_("合计"), "", totals.target, totals.discovered, None, totals.remaining]
        return xlsx_response(
            f"{year}年成果发现任务进度.xlsx",
            [table_sheet(f"{year}年发现任务", columns, rows, totals=total_row)],
        )
    return render(
        request,
        "quotas/discovery_targets.html",
        {
            "year": year,
            "years": _year_choices(year),
            "kind": kind,
            "kinds": UnitKind.choices,
            "sort": sort,
            "rows": rows,
            "columns": columns,
            "totals": totals,
            "can_edit": request.user.is_back_office,
        },
    )


@login_required
def discovery_targets_edit(request):
    """Back office: set each unit's discovery target for one year."""
    if not request.user.is_back_office:
        raise PermissionDenied
    year = _year(request)
    form = DiscoveryTargetsForm(
        request.POST or None, rows=selectors.discovery_targets_for_edit(year)
    )
    if request.method == "POST" and form.is_valid():
        changed = services.discovery_targets_set(
            year=year, targets=form.targets(), acting_user=request.user
        )
        messages.success(
            request,
            _("已保存 %(year)d 年发现目标（%(n)d 项修改）。") % {"year": year, "n": changed},
        )
        return redirect(f"{reverse('quotas:discovery_targets')}?year={year}")
    return render(
        request,
        "quotas/discovery_targets_edit.html",
        {"form": form, "year": year, "years": _year_choices(year)},
    )


# --- Landing quotas -------------------------------------------------------------------------------


def _drill_down_url(unit: Unit, year: int) -> str:
    return f"{reverse('quotas:dashboard_unit', args=[unit.code])}?year={year}"


@login_required
def landing_quotas(request):
    """The yearly quota table as the annex lays it out, with each unit's progress beside it."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    rows = selectors.quota_progress(year)
    totals = selectors.quota_totals(rows)
    if request.GET.get("export") == "xlsx":
        report = PeriodReport(start=date(year, 1, 1), end=date(year, 12, 31), quota_rows=rows)
        return xlsx_response(f"{year}年成果落地任务完成情况.xlsx", [quota_sheet(report)])
    return render(
        request,
        "quotas/landing_quotas.html",
        {
            "year": year,
            "years": selectors.dashboard_years(year),
            "with_quota": [row for row in rows if row.quota is not None],
            "without_quota": [row for row in rows if row.quota is None],
            "totals": totals,
            "can_edit": request.user.has_perm("quotas.edit_landing_quotas"),
            "labels": selectors.FIGURE_LABELS,
        },
    )


@login_required
def landing_quotas_edit(request):
    """Back office: a year's landing quota per unit (or copy another year's as a start)."""
    require_perm(request.user, "quotas.edit_landing_quotas")
    year = _year(request)
    if request.method == "POST" and "copy_from" in request.POST:
        source = request.POST.get("copy_from", "")
        try:
            created = services.landing_quotas_copy(
                from_year=int(source) if source.isdecimal() else 0,
                to_year=year,
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, clause_separator().join(error.messages))
        else:
            messages.success(
                request,
                _("已按 %(source)s 年任务生成 %(year)d 年落地任务 %(n)d 项，请核对修改。")
                % {"source": source, "year": year, "n": created},
            )
        return redirect(f"{reverse('quotas:landing_quotas_edit')}?year={year}")
    form = LandingQuotasForm(request.POST or None, rows=selectors.landing_quotas_for_edit(year))
    if request.method == "POST" and form.is_valid():
        changed = services.landing_quotas_set(
            year=year, quotas=form.quotas(), acting_user=request.user
        )
        messages.success(
            request,
            _("已保存 %(year)d 年落地任务（%(n)d 项修改）。") % {"year": year, "n": changed},
        )
        return redirect(f"{reverse('quotas:landing_quotas')}?year={year}")
    years_with_quota = [y for y in selectors.landing_quota_years() if y != year]
    return render(
        request,
        "quotas/landing_quotas_edit.html",
        {
            "form": form,
            "year": year,
            "years": selectors.dashboard_years(year),
            "has_quotas": any(quota for _unit, quota, _q, _d in form.rows),
            "copy_years": years_with_quota,
        },
    )


# --- The leaders' dashboard -----------------------------------------------------------------------


def _chart_data(year: int, ranked, funnel, trend) -> dict:
    months = trend if year < timezone.localdate().year else trend[: timezone.localdate().month]
    return {
        "quota": {
            "units": [row.unit.short_name for row in ranked],
            "completed": [row.completed for row in ranked],
            "quota": [row.quota for row in ranked],
            "percent": [row.percent for row in ranked],
            "urls": [_drill_down_url(row.unit, year) for row in ranked],
            "labels": {
                "completed": str(selectors.FIGURE_LABELS["completed"]),
                "remaining": _("尚差"),
                "hint": _("点击查看该单位落地成果"),
            },
        },
        "funnel": {
            "stages": [{"name": stage.label, "value": stage.count} for stage in funnel],
        },
        "trend": {
            "months": [month_label(item.month) for item in months],
            "series": [
                {"name": _("新发现"), "data": [item.discovered for item in months]},
                {"name": _("进入服务库"), "data": [item.service for item in months]},
                {"name": _("认定落地"), "data": [item.landed for item in months]},
            ],
        },
    }


@login_required
@cached_page
def dashboard(request):
    """领导驾驶舱: the city KPIs of the chosen year against the targets, quota progress per unit,
    the funnel, the monthly trend and the escalation list."""
    require_perm(request.user, "quotas.view_dashboard")
    year = _year(request)
    overview = selectors.city_overview(year)
    rows = overview.quota_rows
    ranked = selectors.ranked(rows)
    funnel = overview.funnel
    trend = overview.trend
    escalations = list(
        escalations_visible_to(request.user)
        .open()
        .order_by(TIER_SEVERITY, "last_progress_on", "pk")[:DASHBOARD_ESCALATIONS]
    )
    today = timezone.localdate()
    for escalation in escalations:
        assignments = escalation.achievement.current_assignments
        escalation.assignee = assignments[0].assignee if assignments else None
        escalation.days = (today - escalation.last_progress_on).days
    counts = escalation_counts(request.user)
    return render(
        request,
        "quotas/dashboard.html",
        {
            "year": year,
            "years": overview.years,
            "kpis": overview.kpis,
            "totals": selectors.quota_totals(rows),
            "ranked": ranked,
            "without_quota": [row for row in rows if row.quota is None],
            "funnel": funnel,
            "escalations": escalations,
            "escalation_tiers": [
                (tier, label, counts[tier]) for tier, label in EscalationTier.choices
            ],
            "escalations_open": sum(counts.values()),
            "chart_data": _chart_data(year, ranked, funnel, trend),
            "trend": trend,
            "labels": selectors.FIGURE_LABELS,
        },
    )


@login_required
def dashboard_unit(request, code: str):
    """Drill-down from the quota chart: one unit's progress and the landings credited to it."""
    require_perm(request.user, "quotas.view_dashboard")
    unit = get_object_or_404(Unit.objects.select_related("division"), code=code)
    year = _year(request)
    progress = selectors.quota_progress_of(unit, year)
    # The landings the unit's 落地数 counts, as the user may read them.
    landings = landing_list(request.user).filter(
        pk__in=selectors.landings_of_unit(unit, year).values("pk")
    )
    # Landings waiting for verification that may come to this unit: discovered by it, or
    # with evidence in its division.
    nearby = Q(achievement__discovering_unit=unit)
    if unit.is_division:
        nearby |= Q(achievement__landing_evidence__division=unit.division_id)
    awaiting = landing_list(request.user).filter(nearby, state=LandingState.PROPOSED).distinct()
    return render(
        request,
        "quotas/dashboard_unit.html",
        {
            "unit": unit,
            "year": year,
            "years": selectors.dashboard_years(year),
            "progress": progress,
            "labels": selectors.FIGURE_LABELS,
            "landings": landings.order_by("-landed_on", "-pk"),
            "awaiting": awaiting.order_by("-proposed_at", "-pk")[:20],
            "service_cases": Achievement.objects.filter(
                status=AchievementStatus.SERVICE, discovering_unit=unit
            ).count(),
        },
    )


# --- Reports --------------------------------------------------------------------------------------


def _runs_in_background(data) -> bool:
    return (data["end"] - data["start"]).days > REPORT_INLINE_MAX_DAYS


class ReportListView(FilteredListView):
    template_name = "quotas/report_list.html"
    filterset_class = ReportFilter
    sort_options = {"newest": (gettext_lazy("最新"), ("-period_end", "kind", "-pk"))}

    def get_scoped_queryset(self):
        require_perm(self.request.user, "quotas.view_reports")
        return Report.objects.select_related("generated_by").defer("sections")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["request_form"] = getattr(self, "request_form", None) or ReportRequestForm(
            initial={"end": timezone.localdate()}
        )
        context["can_generate"] = self.request.user.has_perm("quotas.generate_report")
        context["anchor"] = settings.BIWEEKLY_REPORT_ANCHOR
        return context

    def post(self, request, *args, **kwargs):
        require_perm(request.user, "quotas.generate_report")
        form = ReportRequestForm(request.POST)
        if form.is_valid() and _runs_in_background(form.cleaned_data):
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            job = job_start(
                owner=request.user,
                kind="period_report",
                title=_("专项报告（%(start)s至%(end)s）")
                % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
                params={"start": start.isoformat(), "end": end.isoformat()},
            )
            return redirect("towns:job_detail", pk=job.pk)
        if form.is_valid():
            try:
                report = services.report_generate(
                    kind=ReportKind.CUSTOM,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("报告已生成。"))
                return redirect("quotas:report_detail", report.pk)
        self.request_form = form
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())


def _report(request, pk) -> Report:
    require_perm(request.user, "quotas.view_reports")
    return get_object_or_404(Report.objects.select_related("generated_by"), pk=pk)


# Rows of each section shown on the report page; the whole section is one click away.
REPORT_SECTION_PREVIEW = 10
REPORT_SECTION_PAGE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def report_detail(request, pk: int):
    """The overview (each figure and what it counts) and every section's list: the first rows
    of each, or one whole section page by page (?section=n)."""
    report = _report(request, pk)
    overview, *sections = report.sections or [None]
    chosen = request.GET.get("section", "")
    if chosen.isdigit() and 0 < int(chosen) <= len(sections):
        index = int(chosen)
        section = sections[index - 1]
        page = Paginator(section["rows"], REPORT_SECTION_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "quotas/report_section.html",
            {"report": report, "section": section, "index": index, "page_obj": page},
        )
    for index, section in enumerate(sections, start=1):
        section["index"] = index
        section["count"] = len(section["rows"])
        section["preview"] = section["rows"][:REPORT_SECTION_PREVIEW]
    return render(
        request,
        "quotas/report_detail.html",
        {
            "report": report,
            "overview": overview,
            "sections": sections,
            "figures": _legacy_figures(report.totals) if overview is None else [],
            "can_regenerate": request.user.has_perm("quotas.regenerate_report"),
        },
    )


def _legacy_figures(totals: dict) -> list[tuple[str, object]]:
    """A report stored before its lists were kept: its counts only, until it is re-made."""
    return [
        (_("新发现成果"), totals.get("discoveries", 0)),
        (_("完成评价"), totals.get("evaluations", 0)),
        (_("进入服务库"), totals.get("service_entries", 0)),
        (_("认定落地"), totals.get("landings", 0)),
        (_("久推不动成果"), totals.get("stalled", 0)),
    ]


@login_required
def report_download(request, pk: int):
    report = _report(request, pk)
    if not report.file:
        raise Http404
    return protected_file_response(report.file, download_name=f"{report.title}.xlsx")


@login_required
def report_brief(request, pk: int):
    """The Word brief (简报), for whoever may read the report."""
    report = _report(request, pk)
    if not report.brief:
        raise Http404
    return FileResponse(
        report.brief.open("rb"),
        as_attachment=True,
        filename=_("%(title)s（简报）.docx") % {"title": report.title},
        content_type=DOCX_CONTENT_TYPE,
    )


@login_required
@require_POST
def report_regenerate(request, pk: int):
    report = _report(request, pk)
    require_perm(request.user, "quotas.regenerate_report")
    try:
        services.report_generate(
            kind=report.kind,
            start=report.period_start,
            end=report.period_end,
            acting_user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("报告已按最新数据重新生成（替换原报告）。"))
    return redirect("quotas:report_detail", report.pk)
