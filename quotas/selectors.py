"""Read-only figures for home pages, the dashboard and reports."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from achievements.models import Achievement, AchievementCredit
from towns.choices import UnitKind
from towns.models import Unit

from .models import CityTarget, DiscoveryTarget


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
    counts: dict[int, int] = {}
    primary = discovered_in(year).order_by().values("discovering_unit").annotate(n=Count("id"))
    for row in primary:
        counts[row["discovering_unit"]] = row["n"]
    credited = (
        AchievementCredit.objects.filter(achievement__in=discovered_in(year))
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
