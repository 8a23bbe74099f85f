"""Demo data of quotas and reports: the landing quotas of the years after the 2024 annex
(started from the year before, as staff would), and the latest scheduled reports.

Idempotent: a year that has quotas is left alone; reports exist once per period."""

from django.utils import timezone

from towns.models import Unit

from .choices import ReportKind
from .models import LandingQuota
from .services import landing_quotas_copy, landing_quotas_set, reports_catch_up

# Divisions without a quota that get one in a later year: their landings of the quota-less
# years offset it (抵扣) — 茶山 and 谢岗 one year later, 高埗 and 道滘 after two years.
NEW_QUOTAS = {
    2025: {"441900103": (2, "围绕属地企业落地相关成果"), "441900108": (1, "")},
    2026: {"441900129": (3, ""), "441900124": (1, "")},
}


def seed(ctx) -> None:
    admin = ctx.users["admin"]
    first = LandingQuota.objects.order_by("year").values_list("year", flat=True).first()
    if first is None:
        return
    for year in range(first + 1, timezone.localdate().year + 1):
        if LandingQuota.objects.filter(year=year).exists():
            continue
        landing_quotas_copy(from_year=year - 1, to_year=year, acting_user=admin)
        new = NEW_QUOTAS.get(year, {})
        if new:
            units = {u.code: u.pk for u in Unit.objects.filter(code__in=new)}
            landing_quotas_set(
                year=year,
                quotas={units[code]: value for code, value in new.items()},
                acting_user=admin,
            )
    ctx.say(f"落地任务：{LandingQuota.objects.count()} 项（{first}年起）。")


def finish(ctx) -> None:
    """After the landings exist: the latest scheduled reports, as the beat would have made."""
    made = [
        *reports_catch_up(kind=ReportKind.BIWEEKLY),
        *reports_catch_up(kind=ReportKind.QUARTERLY),
    ]
    ctx.say(f"工作报告：新生成 {len(made)} 份。")
