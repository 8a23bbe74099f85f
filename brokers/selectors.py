"""Reads of the transfer ecosystem, including the KPI figures the leaders' dashboard shows.

The KPI functions return plain numbers (Decimal / int) so that any page or report can use them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus
from achievements.models import Achievement

from .choices import Comparison, Programme, RewardRule
from .models import (
    Broker,
    ContractBroker,
    CooperationProject,
    DemonstrationTown,
    GazelleEnterprise,
    InnovationComplex,
    MajorProject,
    ProgrammeTarget,
    RewardList,
    RewardSettings,
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
