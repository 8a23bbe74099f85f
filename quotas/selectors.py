"""Read-only figures for home pages, the dashboard and reports."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from achievements.choices import Landmark
from achievements.models import Achievement, AchievementCredit, Landing, MatchmakingEvent
from achievements.selectors.events import events_held_count
from achievements.selectors.service import start_of_day
from brokers import selectors as broker_selectors
from brokers.choices import Programme
from brokers.models import VentureRound
from evaluation.choices import Decision
from evaluation.models import BatchItem
from kernel.cache import cached_over_data
from kernel.money import format_yuan
from towns.choices import UnitKind
from towns.models import Unit

from .choices import CityMetric
from .models import CityTarget, DiscoveryTarget, LandingQuota, LandmarkRequirement

# A batch decision that counts as an evaluation (the pending ones are still being decided).
DECIDED = [Decision.SELECTED, Decision.NOT_SELECTED]


@dataclass(frozen=True)
class DiscoveryProgress:
    unit: Unit
    year: int
    target: int | None
    discovered: int
    innovation_strong_town: bool = False

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(0, self.target - self.discovered)

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, round(100 * self.discovered / self.target))

    @property
    def met(self) -> bool:
        return self.target is not None and self.discovered >= self.target


_KIND_ORDER = {kind: index for index, kind in enumerate(UnitKind.values)}


def _units(kind: str = "") -> list[Unit]:
    """Active units grouped as the plan lists them (bureaus, groups, … divisions), then code."""
    units = Unit.objects.filter(is_active=True).select_related("division")
    if kind:
        units = units.filter(kind=kind)
    return sorted(units, key=lambda u: (_KIND_ORDER.get(u.kind, 99), u.code))


def discovery_target(unit: Unit, year: int) -> int | None:
    row = DiscoveryTarget.objects.filter(unit=unit, year=year).only("target").first()
    return row.target if row else unit.default_discovery_target


def discovered_in(year: int) -> QuerySet[Achievement]:
    """Achievements counted as discovered in `year` (in the discovery library or beyond)."""
    return Achievement.objects.discovered().filter(discovered_on__year=year)


def discovered_counts(year: int) -> dict[int, int]:
    """unit id -> achievements discovered in `year`, counting the units credited after a merge."""
    return discovered_counts_of(discovered_in(year))


def discovered_counts_of(records: QuerySet[Achievement]) -> dict[int, int]:
    """unit id -> how many of these discovered records the unit counts: its own, and those
    credited to it after a merge (a year's, a quarter's: the same rule)."""
    counts: dict[int, int] = {}
    primary = records.order_by().values("discovering_unit").annotate(n=Count("id"))
    for row in primary:
        counts[row["discovering_unit"]] = row["n"]
    credited = (
        AchievementCredit.objects.filter(achievement__in=records)
        .order_by()
        .values("unit")
        .annotate(n=Count("achievement", distinct=True))
    )
    for row in credited:
        counts[row["unit"]] = counts.get(row["unit"], 0) + row["n"]
    return counts


def discovery_progress(unit: Unit, year: int) -> DiscoveryProgress:
    discovered = (
        discovered_in(year).filter(discovering_unit=unit).count()
        + AchievementCredit.objects.filter(achievement__in=discovered_in(year), unit=unit)
        .values("achievement")
        .distinct()
        .count()
    )
    return DiscoveryProgress(
        unit=unit, year=year, target=discovery_target(unit, year), discovered=discovered
    )


def discovery_overview(year: int, *, kind: str = "") -> list[DiscoveryProgress]:
    """Every active unit with a target (or a discovery) this year: target vs discovered."""
    counts = discovered_counts(year)
    targets = {t.unit_id: t for t in DiscoveryTarget.objects.filter(year=year)}
    rows = []
    for unit in _units(kind):
        row = targets.get(unit.pk)
        target = row.target if row else unit.default_discovery_target
        if target is None and not counts.get(unit.pk):
            continue
        rows.append(
            DiscoveryProgress(
                unit=unit,
                year=year,
                target=target,
                discovered=counts.get(unit.pk, 0),
                innovation_strong_town=bool(row and row.innovation_strong_town),
            )
        )
    return rows


@dataclass(frozen=True)
class DiscoveryTotals:
    """The sums of a year's discovery rows: the page's cards and the export's total row."""

    target: int
    discovered: int
    remaining: int
    units_met: int
    units_with_target: int


def discovery_totals(rows: list[DiscoveryProgress]) -> DiscoveryTotals:
    return DiscoveryTotals(
        target=sum(row.target or 0 for row in rows),
        discovered=sum(row.discovered for row in rows),
        remaining=sum(row.remaining or 0 for row in rows),
        units_met=sum(1 for row in rows if row.met),
        units_with_target=sum(1 for row in rows if row.target),
    )


def discovery_target_years() -> list[int]:
    return sorted(set(DiscoveryTarget.objects.values_list("year", flat=True).distinct()))


def discovery_targets_for_edit(year: int) -> list[tuple[Unit, int | None, bool]]:
    """Each active unit with this year's target (or its default) for the edit form."""
    targets = {t.unit_id: t for t in DiscoveryTarget.objects.filter(year=year)}
    rows = []
    for unit in _units():
        row = targets.get(unit.pk)
        target = row.target if row else unit.default_discovery_target
        rows.append((unit, target, bool(row and row.innovation_strong_town)))
    return rows


def city_targets(year: int) -> list[CityTarget]:
    return list(CityTarget.objects.filter(year=year))


# --- Landing quotas: progress per unit, offsets (抵扣), surpluses ---------------------------------

# One label per figure, used by the pages, the exports and the API (the README's glossary).
FIGURE_LABELS = {
    "quota": gettext_lazy("落地任务"),
    "landed": gettext_lazy("落地数"),
    "offset_in": gettext_lazy("上年抵扣"),
    "offset_out": gettext_lazy("转抵以后年度"),
    "completed": gettext_lazy("完成数"),
    "percent": gettext_lazy("完成率"),
    "remaining": gettext_lazy("尚差"),
    "surplus": gettext_lazy("超额"),
    "target": gettext_lazy("发现目标"),
    "discovered": gettext_lazy("发现数"),
    "service": gettext_lazy("服务数"),
}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def landings_between(start: date, end: date) -> QuerySet[Landing]:
    """Verified landings dated within [start, end]: what every figure of landings counts."""
    return Landing.objects.landed_between(start, end)


def credited_counts(start: date, end: date) -> dict[int, int]:
    """unit id -> landings credited to it within [start, end]."""
    rows = (
        landings_between(start, end)
        .order_by()
        .values("credited_unit")
        .annotate(n=Count("pk"))
        .values_list("credited_unit", "n")
    )
    return dict(rows)


def landings_of_unit(unit: Unit, year: int) -> QuerySet[Landing]:
    """The landings a unit's 落地数 of `year` counts (the drill-down lists them)."""
    return landings_between(*year_bounds(year)).filter(credited_unit=unit)


def first_quota_year() -> int | None:
    return LandingQuota.objects.aggregate(first=Min("year"))["first"]


def _quota_holders() -> dict[int, set[int]]:
    """year -> ids of the units holding a landing quota that year (every year with quotas)."""
    holders: dict[int, set[int]] = {}
    for quota_year, unit_id in LandingQuota.objects.values_list("year", "unit_id"):
        holders.setdefault(quota_year, set()).add(unit_id)
    return holders


def _offsets_out(year: int, holders: dict[int, set[int]], counts: dict[int, int]) -> dict:
    """unit id -> landings of `year` that leave it to offset a later quota: in a year with a
    quota table, every landing of a division that holds no quota that year."""
    if year not in holders:
        return {}
    divisions = set(
        Unit.objects.filter(pk__in=set(counts) - holders[year], kind=UnitKind.DIVISION).values_list(
            "pk", flat=True
        )
    )
    return {unit_id: n for unit_id, n in counts.items() if unit_id in divisions}


def offsets_into(year: int, holders: dict[int, set[int]] | None = None) -> dict[int, int]:
    """unit id -> landings of earlier years that offset (抵扣) the unit's `year` quota.

    A division without a quota in a year that has a quota table (the 2024 annex, 2025, …)
    offsets the quota of its next year with a quota with that year's landings (see
    `offset_target_year`). Only a unit with a `year` quota receives an offset, and each landing
    offsets one quota only."""
    holders = _quota_holders() if holders is None else holders
    receivers = holders.get(year, set())
    earlier = [y for y in holders if y < year]
    if not receivers or not earlier:
        return {}
    rows = (
        Landing.objects.landed()
        .filter(landed_on__year__gte=min(earlier), landed_on__year__lt=year)
        .filter(credited_unit__in=receivers, credited_unit__kind=UnitKind.DIVISION)
        .order_by()
        .values_list(ExtractYear("landed_on"), "credited_unit")
        .annotate(n=Count("pk"))
    )
    offsets: dict[int, int] = {}
    for landed_year, unit_id, n in rows:
        if (
            landed_year in holders
            and unit_id not in holders[landed_year]
            and offset_target_year(unit_id, landed_year, holders) == year
        ):
            offsets[unit_id] = offsets.get(unit_id, 0) + n
    return offsets


def offset_target_year(unit_id: int, year: int, holders: dict[int, set[int]]) -> int:
    """The year whose quota a division's quota-less `year` landings offset: the first later
    year in which it holds a quota; while no year gives it one, the first later year whose
    quota table is not set yet (it may get one there)."""
    later = [y for y, units in holders.items() if y > year and unit_id in units]
    if later:
        return min(later)
    target = year + 1
    while target in holders:
        target += 1
    return target


@dataclass(frozen=True)
class LandmarkProgress:
    requirement: LandmarkRequirement
    achieved: int

    @property
    def met(self) -> bool:
        return self.achieved >= self.requirement.count

    @property
    def label(self) -> str:
        field = self.requirement.field.name if self.requirement.field_id else _("不限领域")
        return _("%(field)s %(count)d个（不少于%(amount)s）") % {
            "field": field,
            "count": self.requirement.count,
            "amount": format_yuan(self.requirement.min_contribution),
        }


@dataclass(frozen=True)
class QuotaProgress:
    """One unit's landing figures of one year. The words, defined once (README glossary):
    landed (落地数) — verified landings of the year credited to the unit; offset_in (抵扣, 上年
    抵扣) — landings of earlier quota-less years that count toward this year's quota;
    offset_out (转抵以后年度) — this year's landings of a division without a quota this year,
    which count toward its next quota instead; completed (完成数) = landed + offset_in −
    offset_out, what counts toward this year's quota, so each landing is completed once."""

    unit: Unit
    year: int
    quota_row: LandingQuota | None
    landed: int
    offset_in: int = 0
    offset_out: int = 0
    offset_to: int | None = None  # the year offset_out counts toward
    landmarks: tuple[LandmarkProgress, ...] = ()

    @property
    def quota(self) -> int | None:
        return self.quota_row.quota if self.quota_row else None

    @property
    def completed(self) -> int:
        return self.landed + self.offset_in - self.offset_out

    @property
    def percent(self) -> int:
        return completion_percent(self.completed, self.quota)

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.completed)

    @property
    def surplus(self) -> int:
        return 0 if self.quota is None else max(0, self.completed - self.quota)

    @property
    def met(self) -> bool:
        return self.quota is not None and self.completed >= self.quota

    @property
    def landmarks_met(self) -> bool | None:
        if not self.landmarks:
            return None
        return all(item.met for item in self.landmarks)


def completion_percent(completed: int, quota: int | None) -> int:
    """完成率: completed over the quota, as a whole percentage capped at 100."""
    if not quota:
        return 0
    return min(100, round(100 * completed / quota))


def _landmark_progress(quotas, start: date, end: date) -> dict[int, tuple[LandmarkProgress, ...]]:
    requirements = [r for quota in quotas for r in quota.landmark_requirements.all()]
    if not requirements:
        return {}
    rows = list(
        landings_between(start, end)
        .filter(
            credited_unit__in={r.quota.unit_id for r in requirements},
            economic_contribution__isnull=False,
        )
        .values_list("credited_unit", "achievement__field", "economic_contribution")
    )
    progress: dict[int, list[LandmarkProgress]] = {}
    for requirement in requirements:
        unit_id = requirement.quota.unit_id
        achieved = sum(
            1
            for credited, field_id, amount in rows
            if credited == unit_id
            and amount >= requirement.min_contribution
            and (requirement.field_id is None or requirement.field_id == field_id)
        )
        progress.setdefault(unit_id, []).append(LandmarkProgress(requirement, achieved))
    return {unit_id: tuple(items) for unit_id, items in progress.items()}


def quota_progress(year: int, *, until: date | None = None) -> list[QuotaProgress]:
    """Every unit with a landing quota this year, or landings, or an offset carried in — in the
    order of the quota table (the annex), then the others by code. `until` stops the count at
    a date within the year (reports: progress as of the period's end)."""
    start, end = year_bounds(year)
    if until is not None:
        end = min(end, until)
    quotas = list(
        LandingQuota.objects.filter(year=year)
        .select_related("unit__division")
        .prefetch_related("landmark_requirements__field", "landmark_requirements__quota")
    )
    by_unit = {quota.unit_id: quota for quota in quotas}
    holders = _quota_holders()
    counts = credited_counts(start, end)
    offsets_in = offsets_into(year, holders)
    offsets_out = _offsets_out(year, holders, counts)
    landmarks = _landmark_progress(quotas, start, end)
    others = Unit.objects.filter(pk__in=set(counts) - set(by_unit)).select_related("division")

    def row(unit: Unit, quota: LandingQuota | None) -> QuotaProgress:
        out = offsets_out.get(unit.pk, 0)
        return QuotaProgress(
            unit=unit,
            year=year,
            quota_row=quota,
            landed=counts.get(unit.pk, 0),
            offset_in=offsets_in.get(unit.pk, 0),
            offset_out=out,
            offset_to=offset_target_year(unit.pk, year, holders) if out else None,
            landmarks=landmarks.get(unit.pk, ()),
        )

    return [row(quota.unit, quota) for quota in quotas] + [
        row(unit, None) for unit in sorted(others, key=lambda u: u.code)
    ]


def quota_progress_of(unit: Unit, year: int) -> QuotaProgress | None:
    return next((row for row in quota_progress(year) if row.unit.pk == unit.pk), None)


def ranked(rows: list[QuotaProgress]) -> list[QuotaProgress]:
    """Units with a quota, best completion first (then most completed); the chart's order."""
    with_quota = [row for row in rows if row.quota]
    return sorted(with_quota, key=lambda r: (-r.percent, -r.completed, r.unit.code))


@dataclass(frozen=True)
class QuotaTotals:
    """The sums of a year's quota rows: what every card, total row and report shows."""

    quota: int
    landed: int
    offset_in: int
    offset_out: int
    completed: int
    surplus: int
    remaining: int
    units_met: int
    units_with_quota: int

    @property
    def percent(self) -> int:
        return completion_percent(self.completed, self.quota)


def quota_totals(rows: list[QuotaProgress]) -> QuotaTotals:
    with_quota = [row for row in rows if row.quota is not None]
    return QuotaTotals(
        quota=sum(row.quota for row in with_quota),
        landed=sum(row.landed for row in rows),
        offset_in=sum(row.offset_in for row in rows),
        offset_out=sum(row.offset_out for row in rows),
        completed=sum(row.completed for row in rows),
        surplus=sum(row.surplus for row in rows),
        remaining=sum(row.remaining for row in with_quota),
        units_met=sum(1 for row in with_quota if row.met),
        units_with_quota=len(with_quota),
    )


def landing_quota_years() -> list[int]:
    return sorted(set(LandingQuota.objects.values_list("year", flat=True).distinct()))


def landing_quotas_for_edit(year: int) -> list[tuple[Unit, LandingQuota | None]]:
    """Units that may hold a landing quota (市科技局 and every division) with this year's row."""
    rows = {q.unit_id: q for q in LandingQuota.objects.filter(year=year)}
    holders = Unit.objects.filter(is_active=True).filter(
        Q(kind=UnitKind.DIVISION) | Q(pk__in=LandingQuota.objects.values("unit"))
    )
    units = sorted(
        holders.select_related("division"),
        key=lambda u: (u.pk not in rows, rows[u.pk].sort_order if u.pk in rows else 0, u.code),
    )
    return [(unit, rows.get(unit.pk)) for unit in units]


# --- City KPIs against the targets ---------------------------------------------------------------


def matchmaking_events_held(year: int) -> int | None:
    """成果转化对接活动 held in `year`; None (“暂无记录”) while the events register is empty."""
    if not MatchmakingEvent.objects.exists():
        return None
    return events_held_count(year)


@dataclass(frozen=True)
class Kpi:
    metric: str
    label: str
    actual: Decimal | int | None
    target: CityTarget | None
    is_money: bool
    year: int

    @property
    def recorded(self) -> bool:
        return self.actual is not None

    @property
    def met(self) -> bool | None:
        if self.actual is None or self.target is None:
            return None
        return self.target.is_met(self.actual)

    @property
    def percent(self) -> int:
        if self.actual is None or self.target is None or not self.target.target:
            return 0
        return min(100, round(100 * Decimal(self.actual) / self.target.target))

    @property
    def target_is_later(self) -> bool:
        """A cumulative figure shown against the plan's later (three-year) target."""
        return self.target is not None and self.target.year != self.year


def _target_for(metric: str, year: int, targets: list[CityTarget]) -> CityTarget | None:
    """The year's own target; for a cumulative figure without one, the next later target."""
    same = [t for t in targets if t.metric == metric and t.year == year]
    if same:
        return same[0]
    if metric.endswith("_cumulative"):
        later = sorted((t for t in targets if t.metric == metric and t.year > year), key=_year)
        return later[0] if later else None
    return None


def _year(target: CityTarget) -> int:
    return target.year


def discovered_until(end: date) -> int:
    return Achievement.objects.discovered().filter(discovered_on__lte=end).count()


def landmark_counts(end: date) -> tuple[int | None, int | None]:
    """(≥ 1亿元, ≥ 5亿元) landed landmarks up to `end`; None while no contribution is recorded."""
    landed = Landing.objects.landed().filter(landed_on__lte=end)
    if not landed.filter(economic_contribution__isnull=False).exists():
        return None, None
    significant = landed.filter(landmark__in=[Landmark.SIGNIFICANT, Landmark.MAJOR]).count()
    return significant, landed.filter(landmark=Landmark.MAJOR).count()


def city_kpis(year: int) -> list[Kpi]:
    """The city figures of section 二 for `year` against CityTarget. A figure whose source has
    no record yet (no contract registered that year, no venture round, no event register) is
    None — shown as “暂无记录”, never as a misleading zero."""
    start, end = year_bounds(year)
    targets = list(CityTarget.objects.filter(year__gte=year))
    contracts = broker_selectors.tech_contract_count(year)
    venture_recorded = VentureRound.objects.filter(invested_on__year__lte=year).exists()
    complexes = broker_selectors.programme_count(Programme.INNOVATION_COMPLEXES, year)
    significant, major = landmark_counts(end)
    actuals = {
        CityMetric.ACHIEVEMENTS_DISCOVERED_CUMULATIVE: discovered_until(end),
        CityMetric.ACHIEVEMENTS_LANDED: landings_between(start, end).count(),
        CityMetric.MATCHMAKING_EVENTS: matchmaking_events_held(year),
        CityMetric.VENTURE_CAPITAL_RAISED_CUMULATIVE: (
            broker_selectors.venture_capital_raised_cumulative(year) if venture_recorded else None
        ),
        CityMetric.TECH_CONTRACT_AMOUNT: (
            broker_selectors.tech_contract_amount(year) if contracts else None
        ),
        CityMetric.LANDMARKS_100M_CUMULATIVE: significant,
        CityMetric.LANDMARKS_500M_CUMULATIVE: major,
        CityMetric.INNOVATION_COMPLEXES_CUMULATIVE: complexes or None,
    }
    money = {CityMetric.VENTURE_CAPITAL_RAISED_CUMULATIVE, CityMetric.TECH_CONTRACT_AMOUNT}
    return [
        Kpi(
            metric=metric.value,
            label=str(metric.label),
            actual=actuals[metric],
            target=_target_for(metric.value, year, targets),
            is_money=metric in money,
            year=year,
        )
        for metric in CityMetric
    ]


# --- Funnel, monthly trend -----------------------------------------------------------------------


def before_day_after(day: date) -> datetime:
    """The moment `day` ends (Asia/Shanghai): filter datetimes with `< before_day_after(day)`."""
    return start_of_day(day + timedelta(days=1))


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int


def funnel(year: int) -> list[FunnelStage]:
    """Discovered → evaluated → service library → landed, cumulative to the end of `year`:
    each stage a subset of the one before (a landed achievement was in the service library;
    entering the service library is the outcome of an evaluation or a key recommendation)."""
    end = year_bounds(year)[1]
    before = before_day_after(end)
    discovered = Achievement.objects.discovered().filter(discovered_on__lte=end)
    # `pk IN (subquery)` rather than a correlated EXISTS: inside an OR, PostgreSQL can hash an
    # IN subquery once, while an EXISTS runs again for each of the library's rows.
    landed = Q(pk__in=Landing.objects.landed().filter(landed_on__lte=end).values("achievement_id"))
    decided = Q(
        pk__in=BatchItem.objects.filter(decided_at__lt=before, decision__in=DECIDED).values(
            "achievement_id"
        )
    )
    in_service = Q(service_entered_at__lt=before) | landed
    # One pass over the library for the four stages.
    counts = discovered.order_by().aggregate(
        discovered=Count("pk"),
        evaluated=Count("pk", filter=decided | in_service),
        service=Count("pk", filter=in_service),
        landed=Count("pk", filter=landed),
    )
    return [
        FunnelStage("discovered", str(_("发现库")), counts["discovered"]),
        FunnelStage("evaluated", str(_("已评价成果")), counts["evaluated"]),
        FunnelStage("service", str(_("进入服务库")), counts["service"]),
        FunnelStage("landed", str(_("认定落地")), counts["landed"]),
    ]


@dataclass(frozen=True)
class MonthTrend:
    month: int
    discovered: int
    service: int
    landed: int


def monthly_trend(year: int) -> list[MonthTrend]:
    """Per month of `year`: achievements discovered, entering the service library, landed."""
    start, end = year_bounds(year)
    discovered = dict(
        Achievement.objects.discovered()
        .filter(discovered_on__gte=start, discovered_on__lte=end)
        .order_by()
        .values_list(ExtractMonth("discovered_on"))
        .annotate(n=Count("pk"))
    )
    service = dict(
        service_entries_between(start, end)
        .order_by()
        .values_list(ExtractMonth("service_entered_at"))
        .annotate(n=Count("pk"))
    )
    landed = dict(
        landings_between(start, end)
        .order_by()
        .values_list(ExtractMonth("landed_on"))
        .annotate(n=Count("pk"))
    )
    return [
        MonthTrend(m, discovered.get(m, 0), service.get(m, 0), landed.get(m, 0))
        for m in range(1, 13)
    ]


def service_entries_between(start: date, end: date) -> QuerySet[Achievement]:
    """Achievements that entered the service library within [start, end] (and are in it, or
    landed, now)."""
    return Achievement.objects.in_service_library().filter(
        service_entered_at__gte=start_of_day(start), service_entered_at__lt=before_day_after(end)
    )


def evaluated_between(start: date, end: date) -> QuerySet[Achievement]:
    """Achievements whose evaluation concluded within [start, end], as the funnel's 已评价成果
    counts them: a batch decision, or entry into the service library (the outcome of a
    selection or a key recommendation); never fewer than the period's 进入服务库. (A report's
    完成评价 counts evaluations, not achievements: fast-track opinions and valuations too.)"""
    begin, after = start_of_day(start), before_day_after(end)
    decided = BatchItem.objects.filter(
        decided_at__gte=begin, decided_at__lt=after, decision__in=DECIDED
    ).values("achievement_id")
    return Achievement.objects.discovered().filter(
        Q(pk__in=decided) | Q(service_entered_at__gte=begin, service_entered_at__lt=after)
    )


def discoveries_between(start: date, end: date) -> QuerySet[Achievement]:
    return Achievement.objects.discovered().filter(discovered_on__gte=start, discovered_on__lte=end)


@dataclass(frozen=True)
class PeriodFigures:
    """The counts a report gives for [start, end], each from the selector its sheet lists."""

    discovered: int
    evaluated: int
    service: int
    landed: int


def period_figures(start: date, end: date) -> PeriodFigures:
    return PeriodFigures(
        discovered=discoveries_between(start, end).count(),
        evaluated=evaluated_between(start, end).count(),
        service=service_entries_between(start, end).count(),
        landed=landings_between(start, end).count(),
    )


# --- The dashboard's city-wide figures, cached ----------------------------------------------------

OVERVIEW_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class CityOverview:
    quota_rows: list[QuotaProgress]
    kpis: list[Kpi]
    funnel: list[FunnelStage]
    trend: list[MonthTrend]
    years: list[int]


def dashboard_years(year: int) -> list[int]:
    """The years the dashboard offers: the plan's, the quotas', this one and the one shown."""
    plan = set(CityTarget.objects.values_list("year", flat=True).distinct())
    return sorted({*plan, *landing_quota_years(), timezone.localdate().year, year})


def city_overview(year: int) -> CityOverview:
    """The dashboard's figures of `year` that are the same for every leader: aggregates over the
    whole library, so computed once and cached until a table they read is written (a follow-up's
    or a demand's edit leaves them, and so does an edit of a record's text: they only count
    records), the day turns or another language is asked for."""
    key = f"quotas:overview:{year}:{timezone.localdate()}:{get_language()}"
    return cached_over_data(
        key,
        lambda: CityOverview(
            quota_rows=quota_progress(year),
            kpis=city_kpis(year),
            funnel=funnel(year),
            trend=monthly_trend(year),
            years=dashboard_years(year),
        ),
        OVERVIEW_CACHE_SECONDS,
        counting=[Achievement._meta.db_table],
    )


# --- Reports -------------------------------------------------------------------------------------


def quota_behind(rows: list[QuotaProgress], *, until: date) -> list[QuotaProgress]:
    """Units with a quota whose completion is behind the time elapsed in the year at `until`
    (时间进度: by 30 June a unit should have done half its quota), furthest behind first."""
    start, end = year_bounds(until.year)
    elapsed = Decimal((until - start).days + 1) / Decimal((end - start).days + 1)
    behind = [row for row in rows if row.quota and row.completed < row.quota * elapsed]
    return sorted(behind, key=lambda row: (row.completed / row.quota, -row.quota, row.unit.code))
