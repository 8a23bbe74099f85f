"""Read-only figures for home pages, the dashboard and reports."""

from dataclasses import dataclass

from achievements.models import Achievement
from towns.models import Unit

from .models import CityTarget, DiscoveryTarget


@dataclass(frozen=True)
class DiscoveryProgress:
    unit: Unit
    year: int
    target: int | None
    discovered: int

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(0, self.target - self.discovered)


def discovery_target(unit: Unit, year: int) -> int | None:
    row = DiscoveryTarget.objects.filter(unit=unit, year=year).only("target").first()
    return row.target if row else unit.default_discovery_target


def discovery_progress(unit: Unit, year: int) -> DiscoveryProgress:
    discovered = (
        Achievement.objects.discovered()
        .filter(discovering_unit=unit, discovered_on__year=year)
        .count()
    )
    return DiscoveryProgress(
        unit=unit, year=year, target=discovery_target(unit, year), discovered=discovered
    )


def city_targets(year: int) -> list[CityTarget]:
    return list(CityTarget.objects.filter(year=year))
