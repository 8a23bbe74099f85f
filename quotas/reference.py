"""Load the yearly targets and quotas from the reference files (idempotent)."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from towns.models import Unit
from towns.reference import policy_years, read_csv

from .models import CityTarget, DiscoveryTarget, LandingQuota


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    units = {unit.code: unit for unit in Unit.objects.all()}

    for row in read_csv(reference_dir / "city_targets.csv"):
        CityTarget.objects.update_or_create(
            year=int(row["year"]),
            metric=row["metric"],
            defaults={
                "target": Decimal(row["target"]),
                "unit": row["unit"],
                "comparison": row["comparison"],
            },
        )

    for row in read_csv(reference_dir / "landing_quotas.csv"):
        LandingQuota.objects.update_or_create(
            year=int(row["year"]),
            unit=units[row["unit_code"]],
            defaults={
                "quota": int(row["quota"]),
                "direction": row["direction"],
                "landmark_requirement": row["landmark_requirement"],
            },
        )

    # Each plan year starts from the unit's default target; admins then edit the year's rows.
    for year in policy_years(reference_dir):
        for unit in units.values():
            if unit.default_discovery_target is not None:
                DiscoveryTarget.objects.get_or_create(
                    year=year, unit=unit, defaults={"target": unit.default_discovery_target}
                )

    return {
        "全市年度目标": CityTarget.objects.count(),
        "落地任务": LandingQuota.objects.count(),
        "发现目标": DiscoveryTarget.objects.count(),
    }
