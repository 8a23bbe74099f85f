"""Load the yearly targets and quotas from the reference files (idempotent)."""

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kernel.parsing import parse_amount, split_list
from towns.models import Industry, Unit
from towns.reference import policy_years, read_csv

from .models import CityTarget, DiscoveryTarget, LandingQuota, LandmarkRequirement

# “新材料、生物医药、人工智能领域各落地一个不少于1亿元综合经济贡献的标杆性成果”
# “落地一个不少于1亿元综合经济贡献的标杆性成果”
_LANDMARK_TEXT = re.compile(
    r"^(?:(?P<fields>.+?)领域)?(?P<each>各)?落地(?P<count>[一二两三四五六七八九十\d]+)个"
    r"不少于(?P<amount>[\d.]+[万亿]?元)综合经济贡献的标杆性成果[。；;]?$"
)
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_NUMERALS.update({"九": 9, "十": 10})


@dataclass(frozen=True)
class ParsedLandmark:
    field: Industry | None
    count: int
    min_contribution: Decimal


def _industry_named(token: str, industries: list[Industry]) -> Industry:
    """The field a plan's short name means: the exact name, else the one name starting with it
    (生物医药 → 生物医药及高端医疗器械)."""
    exact = [i for i in industries if i.name == token]
    found = exact or [i for i in industries if i.name.startswith(token)]
    if len(found) != 1:
        raise ImproperlyConfigured(f"landing_quotas.csv: no single industry is named {token!r}")
    return found[0]


def parse_landmark_requirement(text: str, industries: list[Industry]) -> list[ParsedLandmark]:
    """The structured landmarks of a quota's requirement text (empty text: none)."""
    text = (text or "").strip()
    if not text:
        return []
    match = _LANDMARK_TEXT.match(text)
    if match is None:
        raise ImproperlyConfigured(f"landing_quotas.csv: cannot read the landmark text {text!r}")
    raw = match["count"]
    count = int(raw) if raw.isdigit() else _NUMERALS[raw]
    amount = parse_amount(match["amount"])
    if not match["fields"]:
        return [ParsedLandmark(None, count, amount)]
    return [
        ParsedLandmark(_industry_named(token, industries), count, amount)
        for token in split_list(match["fields"])
    ]


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

    industries = list(Industry.objects.all())
    for order, row in enumerate(read_csv(reference_dir / "landing_quotas.csv"), start=1):
        quota, _ = LandingQuota.objects.update_or_create(
            year=int(row["year"]),
            unit=units[row["unit_code"]],
            defaults={
                "quota": int(row["quota"]),
                "direction": row["direction"],
                "landmark_requirement": row["landmark_requirement"],
                "sort_order": order,
            },
        )
        _load_landmarks(quota, parse_landmark_requirement(row["landmark_requirement"], industries))

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
        "标杆性成果要求": LandmarkRequirement.objects.count(),
        "发现目标": DiscoveryTarget.objects.count(),
    }


def _load_landmarks(quota: LandingQuota, parsed: list[ParsedLandmark]) -> None:
    """The reference file is the source of the annex years' landmarks: rows follow its text."""
    kept = []
    for item in parsed:
        requirement, _ = LandmarkRequirement.objects.update_or_create(
            quota=quota,
            field=item.field,
            defaults={"count": item.count, "min_contribution": item.min_contribution},
        )
        kept.append(requirement.pk)
    LandmarkRequirement.objects.filter(quota=quota).exclude(pk__in=kept).delete()
