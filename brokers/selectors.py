"""Reads of the transfer ecosystem, including the KPI figures the leaders' dashboard shows.

The KPI functions return plain numbers (Decimal / int) so that any page or report can use them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from towns.choices import CarrierKind
from towns.models import IncubatedEnterprise, IncubationCarrier, TechCommissioner

from .choices import Comparison, PlanMetric, Programme, RewardRule
from .models import (
    Broker,
    ContractBroker,
    CooperationProject,
    DemonstrationTown,
    GazelleEnterprise,
    InnovationComplex,
    Intermediary,
    MajorProject,
    PlanTarget,
    ProgrammeTarget,
    RewardList,
    RewardSettings,
    ServiceRevenue,
    TechContract,
    VentureRound,
)

ZERO = Decimal("0.00")


# --- KPIs ----------------------------------------------------------------------------------------


def tech_contract_amount(year: int) -> Decimal:
    """The year's registered technology-contract amount (yuan): the city KPI."""
    total = TechContract.objects.registered_in(year).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def tech_contract_count(year: int) -> int:
    return TechContract.objects.registered_in(year).count()


def venture_capital_raised_cumulative(year: int) -> Decimal:
    """Venture capital raised by landed achievements, every round up to the end of `year`."""
    total = VentureRound.objects.filter(
        invested_on__year__lte=year, achievement__status=AchievementStatus.LANDED
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


# Each register, the model that holds it and the field that dates an entry (by year).
PROGRAMME_REGISTERS = {
    Programme.MAJOR_PROJECTS: (MajorProject, "year"),
    Programme.GAZELLES: (GazelleEnterprise, "year"),
    Programme.COOPERATION_PROJECTS: (CooperationProject, "signed_on__year"),
    Programme.INNOVATION_COMPLEXES: (InnovationComplex, "year"),
    Programme.DEMONSTRATION_TOWNS: (DemonstrationTown, "year"),
}


def programme_count(programme: str, year: int) -> int:
    """Entries in a register up to the end of `year` (the targets are cumulative)."""
    model, year_field = PROGRAMME_REGISTERS[programme]
    return model.objects.filter(**{f"{year_field}__lte": year}).count()


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: str
    label: str
    year: int
    actual: int
    target: ProgrammeTarget | None

    @property
    def target_value(self) -> int | None:
        return self.target.target if self.target else None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.is_met(self.actual)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        # The unit (项, 家, 个) is reference data, read through the catalogue like a label.
        unit = gettext(self.target.unit) if self.target.unit else ""
        if self.target.comparison == Comparison.RANGE:
            figure = f"{self.target.target}—{self.target.target_max}"
            return gettext("%(figure)s%(unit)s") % {"figure": figure, "unit": unit}
        return gettext("%(comparison)s%(figure)s%(unit)s") % {
            "comparison": self.target.get_comparison_display(),
            "figure": self.target.target,
            "unit": unit,
        }


def target_in_force(targets: list[ProgrammeTarget], year: int) -> ProgrammeTarget | None:
    """The next milestone at or after `year`, or else the latest one before it."""
    ahead = [t for t in targets if t.year >= year]
    if ahead:
        return min(ahead, key=lambda t: t.year)
    return max(targets, key=lambda t: t.year) if targets else None


def programme_progress(year: int) -> list[ProgrammeProgress]:
    """Each town-programme register: entries up to `year` against the target in force."""
    targets: dict[str, list[ProgrammeTarget]] = {}
    for target in ProgrammeTarget.objects.all():
        targets.setdefault(target.programme, []).append(target)
    return [
        ProgrammeProgress(
            programme=programme.value,
            label=str(programme.label),
            year=year,
            actual=programme_count(programme, year),
            target=target_in_force(targets.get(programme.value, []), year),
        )
        for programme in Programme
    ]


def programme_by_division(programme: str, year: int) -> list[dict]:
    """Entries per division up to `year`: [{"division__name": …, "n": …}], most first."""
    model, year_field = PROGRAMME_REGISTERS[programme]
    return list(
        model.objects.filter(**{f"{year_field}__lte": year})
        .values("division__code", "division__name")
        .annotate(n=Count("id"))
        .order_by("-n", "division__code")
    )


@dataclass(frozen=True)
class TransferKpis:
    year: int
    tech_contract_amount: Decimal
    tech_contract_count: int
    venture_capital_cumulative: Decimal
    programmes: list[ProgrammeProgress]


def transfer_kpis(year: int) -> TransferKpis:
    return TransferKpis(
        year=year,
        tech_contract_amount=tech_contract_amount(year),
        tech_contract_count=tech_contract_count(year),
        venture_capital_cumulative=venture_capital_raised_cumulative(year),
        programmes=programme_progress(year),
    )


# --- Brokers and contracts -----------------------------------------------------------------------


def broker_for_user(user) -> Broker | None:
    if not user.is_authenticated:
        return None
    return (
        Broker.objects.filter(user=user)
        .select_related("certificate_level", "training_base")
        .prefetch_related("fields")
        .first()
    )


def contracts_with_details(queryset):
    return queryset.select_related("seller_division", "buyer_division").prefetch_related(
        Prefetch("broker_shares", ContractBroker.objects.select_related("broker")),
        Prefetch("achievements", Achievement.objects.only("id", "title")),
    )


def broker_deals(broker: Broker) -> list[ContractBroker]:
    """The contracts credited to a broker, newest first, with the amount their share carries."""
    return list(
        ContractBroker.objects.filter(broker=broker)
        .select_related("contract")
        .order_by("-contract__registered_on", "-contract_id")
    )


def broker_facilitated_by_year(broker: Broker) -> list[dict]:
    rows: dict[int, Decimal] = {}
    for share in broker_deals(broker):
        year = share.contract.registered_on.year
        rows[year] = rows.get(year, ZERO) + share.contract.amount * share.share / 100
    return [{"year": y, "amount": rows[y].quantize(ZERO)} for y in sorted(rows, reverse=True)]


def achievement_dongguan_contracts(achievement: Achievement):
    """Contracts of a service-library achievement with a Dongguan party — evidence for the
    project-kind landing clause (transacted with a Dongguan entity)."""
    if not achievement.in_service_library:
        return TechContract.objects.none()
    return (
        TechContract.objects.filter(achievements=achievement)
        .with_dongguan_party()
        .select_related("seller_division", "buyer_division")
        .order_by("registered_on", "id")
    )


def landed_achievements():
    return Achievement.objects.filter(status=AchievementStatus.LANDED).order_by("title")


def linkable_achievements():
    return Achievement.objects.discovered().only("id", "title", "status").order_by("title")


# --- Rewards -------------------------------------------------------------------------------------


def reward_four_eyes() -> bool:
    """Whether the person who computed a reward list is barred from approving it (on unless an
    admin switched it off in the Django admin)."""
    value = RewardSettings.objects.filter(pk=1).values_list("four_eyes", flat=True).first()
    return True if value is None else value


def reward_list_for_year(year: int) -> RewardList | None:
    return (
        RewardList.objects.filter(year=year)
        .select_related("computed_by", "approved_by")
        .prefetch_related("lines")
        .first()
    )


def reward_rule_totals(reward_list: RewardList) -> list[dict]:
    """Per rule, in the order the policy lists them: how many got a reward, and how much."""
    rows = {
        row["rule"]: row
        for row in reward_list.lines.values("rule").annotate(
            n=Count("id", filter=Q(amount__gt=0)), total=Sum("amount")
        )
    }
    return [
        {
            "rule": rule.value,
            "label": rule.label,
            "n": rows[rule]["n"],
            "total": rows[rule]["total"],
        }
        for rule in RewardRule
        if rule in rows
    ]


def library_refusals(broker: Broker) -> list[str]:
    """Why this certificate may not enter the library (empty when it may)."""
    reasons = []
    if not broker.certificate_level.eligible_for_library:
        reasons.append(
            _("%(level)s证书不能入库：仅中级、高级证书可入库。")
            % {"level": broker.certificate_level.name}
        )
    if not broker.training_base.recognised:
        reasons.append(_("“%(base)s”不是认可的培养基地。") % {"base": broker.training_base.name})
    if not broker.certificate_file:
        reasons.append(_("尚未上传证书扫描件，无法核验。"))
    return reasons


# --- Seed 000 registers: 科技特派员, the incubation chain -----------------------------------------


def commissioners_with_counts(queryset: QuerySet[TechCommissioner]) -> QuerySet[TechCommissioner]:
    """Each commissioner with the services recorded and the enterprise demands they helped
    solve (services linked to a demand and marked solved; a demand counts once)."""
    return queryset.select_related("division").annotate(
        service_count=Count("services", distinct=True),
        demands_solved=Count(
            "services__demand",
            filter=Q(services__solved=True, services__demand__isnull=False),
            distinct=True,
        ),
    )


def commissioners_by_division(year: int) -> list[dict]:
    """科技特派员 in post at some time of `year`, per town: [{"division__name", "n"}], most first."""
    return list(
        TechCommissioner.objects.filter(dispatched_on__year__lte=year)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=year))
        .values("division__code", "division__name")
        .annotate(n=Count("id"))
        .order_by("-n", "division__code")
    )


def _is_gazelle():
    return Exists(GazelleEnterprise.objects.filter(credit_code=OuterRef("credit_code")))


def incubated_with_gazelle(queryset: QuerySet[IncubatedEnterprise]) -> QuerySet:
    """瞪羚: the enterprise is in the gazelle register (same unified social credit code)."""
    return queryset.select_related("carrier").annotate(is_gazelle=_is_gazelle())


def carriers_with_counts(queryset: QuerySet[IncubationCarrier]) -> QuerySet[IncubationCarrier]:
    """Each carrier with its enterprises incubating, graduated, become 高企 and become 瞪羚."""
    gazelles = (
        IncubatedEnterprise.objects.filter(carrier=OuterRef("pk"))
        .annotate(g=_is_gazelle())
        .filter(g=True)
        .order_by()
        .values("carrier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("division").annotate(
        incubating=Count("enterprises", filter=Q(enterprises__graduated_on__isnull=True)),
        graduated=Count("enterprises", filter=Q(enterprises__graduated_on__isnull=False)),
        high_tech=Count("enterprises", filter=Q(enterprises__high_tech_year__isnull=False)),
        gazelles=Coalesce(Subquery(gazelles), 0),
    )


@dataclass(frozen=True)
class ChainStage:
    kind: str
    label: str
    carriers: int
    by_level: dict
    incubating: int
    graduated: int
    high_tech: int
    gazelles: int


def incubation_chain() -> list[ChainStage]:
    """众创空间 → 孵化器 → 加速器: per stage the carriers (by level) and their enterprises."""
    rows = {kind.value: [] for kind in CarrierKind}
    for carrier in carriers_with_counts(IncubationCarrier.objects.all()):
        rows[carrier.kind].append(carrier)
    stages = []
    for kind in CarrierKind:
        carriers = rows[kind.value]
        by_level: dict[str, int] = {}
        for carrier in carriers:
            label = carrier.get_level_display()
            by_level[label] = by_level.get(label, 0) + 1
        stages.append(
            ChainStage(
                kind=kind.value,
                label=str(kind.label),
                carriers=len(carriers),
                by_level=by_level,
                incubating=sum(c.incubating for c in carriers),
                graduated=sum(c.graduated for c in carriers),
                high_tech=sum(c.high_tech for c in carriers),
                gazelles=sum(c.gazelles for c in carriers),
            )
        )
    return stages


# --- Targets of the action plan the dashboard did not track (seed 004 二) ------------------------


def plan_target(metric: str) -> PlanTarget | None:
    return PlanTarget.objects.filter(metric=metric).order_by("-year").first()


@dataclass(frozen=True)
class RevenueYear:
    year: int
    revenue: Decimal
    growth: Decimal | None  # on the year before, in percent (None without that year's figure)


@dataclass(frozen=True)
class RevenueGrowth:
    """规上科技服务业营业收入: the yearly figures and the compound annual growth rate
    CAGR = (R_year / R_base)^(1 / (year − base)) − 1, in percent, where the base is the year
    before the plan's first year if entered (the plan's starting level), else the earliest
    entered year."""

    years: list[RevenueYear]
    base_year: int | None
    year: int
    cagr: Decimal | None
    target: PlanTarget | None

    @property
    def met(self) -> bool | None:
        if self.cagr is None or self.target is None:
            return None
        return self.target.is_met(self.cagr)


PERCENT_STEP = Decimal("0.1")


def _growth_percent(later: Decimal, earlier: Decimal, years: int) -> Decimal:
    ratio = float(later) / float(earlier)
    return (Decimal(str(ratio ** (1 / years))) - 1) * 100


def service_revenue_growth(year: int) -> RevenueGrowth:
    target = plan_target(PlanMetric.SERVICE_REVENUE_CAGR)
    figures = list(ServiceRevenue.objects.filter(year__lte=year).order_by("year"))
    by_year = {f.year: f.revenue for f in figures}
    rows = [
        RevenueYear(
            year=f.year,
            revenue=f.revenue,
            growth=(
                _growth_percent(f.revenue, by_year[f.year - 1], 1).quantize(PERCENT_STEP)
                if f.year - 1 in by_year
                else None
            ),
        )
        for f in figures
    ]
    base = None
    if target is not None and target.first_year - 1 in by_year:
        base = target.first_year - 1
    elif figures:
        base = figures[0].year
    cagr = None
    latest = figures[-1].year if figures else None
    if base is not None and latest is not None and latest > base:
        cagr = _growth_percent(by_year[latest], by_year[base], latest - base).quantize(PERCENT_STEP)
    return RevenueGrowth(years=rows, base_year=base, year=year, cagr=cagr, target=target)


def intermediaries_newly_above_scale(year: int) -> QuerySet[Intermediary]:
    """Market institutions (科技中介服务机构) first above scale from the plan's first year up to the
    end of `year`: 3年内重点推进20家市场化机构新增上规, cumulative."""
    target = plan_target(PlanMetric.INTERMEDIARIES_NEWLY_ABOVE_SCALE)
    first = target.first_year if target else year
    return Intermediary.objects.filter(
        first_above_scale_year__gte=first, first_above_scale_year__lte=year
    ).order_by("first_above_scale_year", "name")
