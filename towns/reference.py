"""Load the organisational map and policy numbers from the reference files.

Every app that owns reference data has a `reference.py` with `load_reference(reference_dir)`;
`manage.py load_reference` calls them in INSTALLED_APPS order. Loading is idempotent: rows are
matched by their code and updated in place, so running it twice leaves the same rows.
"""

import csv
import json
from pathlib import Path

from django.db import transaction

from .models import Division, Industry, PolicyValue, Unit
from .policy import clear_policy_cache, policy_keys_from_json


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def read_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def policy_years(reference_dir: Path) -> list[int]:
    """The action plan's years, as the city targets name them (2024–2026)."""
    return sorted({int(row["year"]) for row in read_csv(reference_dir / "city_targets.csv")})


def _upsert(model, lookup: dict, values: dict) -> bool:
    _, created = model.objects.update_or_create(**lookup, defaults=values)
    return created


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    divisions = {}
    for row in read_csv(reference_dir / "divisions.csv"):
        _upsert(
            Division,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "slug": row["slug"],
                "area": row["area"],
                "name_en": row["name_en"],
            },
        )
    divisions = {d.code: d for d in Division.objects.all()}

    for row in read_csv(reference_dir / "units.csv"):
        target = row["discovery_target_per_year"]
        _upsert(
            Unit,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "division": divisions.get(row["division_code"]) if row["division_code"] else None,
                "name_en": row["name_en"],
                "default_discovery_target": int(target) if target else None,
            },
        )

    for order, row in enumerate(read_csv(reference_dir / "industries.csv"), start=1):
        _upsert(
            Industry,
            {"code": row["code"]},
            {
                "name": row["name"],
                "name_en": row["name_en"],
                "category": row["category"],
                "sort_order": order,
            },
        )

    policy = policy_keys_from_json(read_json(reference_dir / "policy.json"))
    for year in policy_years(reference_dir):
        for key, (value, description) in policy.items():
            # Admins may have edited a year's value: only fill in what is missing.
            PolicyValue.objects.get_or_create(
                year=year, key=key, defaults={"value": value, "description": description}
            )
    transaction.on_commit(clear_policy_cache)

    return {
        "镇街（园区）": Division.objects.count(),
        "单位": Unit.objects.count(),
        "产业领域": Industry.objects.count(),
        "政策参数": PolicyValue.objects.count(),
    }
