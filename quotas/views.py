from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from achievements.selectors.demands import enterprise_overview
from achievements.selectors.discovery import (
    duplicate_group_count,
    open_corrections_count,
    status_counts,
)
from achievements.views.showcase import showcase_list
from brokers import selectors as broker_selectors
from towns.choices import Role, UnitKind
from towns.excel import SheetSpec, xlsx_response

from . import selectors, services
from .forms import DiscoveryTargetsForm

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
        if user.role == Role.LEADER:
            context["kpis"] = broker_selectors.transfer_kpis(year)
    elif user.role == Role.BROKER:
        broker = broker_selectors.broker_for_user(user)
        context["broker"] = broker
        context["deals"] = broker_selectors.broker_deals(broker)[:5] if broker else []
        context["by_year"] = broker_selectors.broker_facilitated_by_year(broker) if broker else []
    elif user.role == Role.ENTERPRISE:
        context.update(enterprise_overview(user))
    if user.role == Role.CENTER_STAFF:
        overview = selectors.discovery_overview(year)
        context.update(
            open_corrections=open_corrections_count(),
            awaiting_changes=Achievement.objects.filter(status=AchievementStatus.RETURNED).count(),
            duplicate_groups=duplicate_group_count(),
            discovered_this_year=selectors.discovered_in(year).count(),
            units_met=sum(1 for row in overview if row.met),
            units_with_target=sum(1 for row in overview if row.target),
        )
    template = f"home/{user.role}.html"
    return render(request, template, context)


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    year = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else year


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
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{year}年成果发现任务进度.xlsx",
            [
                SheetSpec(
                    title=f"{year}年发现任务",
                    headers=[
                        "单位",
                        "单位类型",
                        "年度目标（项）",
                        "已发现（项）",
                        "完成率",
                        "尚差（项）",
                    ],
                    rows=(
                        [
                            r.unit.name,
                            r.unit.get_kind_display(),
                            r.target,
                            r.discovered,
                            f"{r.percent}%" if r.target else "",
                            r.remaining,
                        ]
                        for r in rows
                    ),
                    widths=[36, 16, 14, 14, 10, 12],
                    totals=[
                        _("合计"),
                        "",
                        sum(r.target or 0 for r in rows),
                        sum(r.discovered for r in rows),
                        "",
                        sum(r.remaining or 0 for r in rows),
                    ],
                )
            ],
        )
    total_target = sum(r.target or 0 for r in rows)
    total_discovered = sum(r.discovered for r in rows)
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
            "total_target": total_target,
            "total_discovered": total_discovered,
            "units_met": sum(1 for r in rows if r.met),
            "units_with_target": sum(1 for r in rows if r.target),
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
        return redirect(f"{reverse('discovery_targets')}?year={year}")
    return render(
        request,
        "quotas/discovery_targets_edit.html",
        {"form": form, "year": year, "years": _year_choices(year)},
    )
