"""Policy numbers by year: the only way code reads a rate, cap, threshold or count.

The values come from `policy.json` (loaded by `manage.py load_reference`) and admins may edit a
year's values. A year without its own row uses the latest earlier year that has one.
"""

from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kernel.cache import bump_generation, generation

from .models import PolicyValue

_GENERATION_KEY = "towns:policy:generation"
_CACHE_SECONDS = 300


def policy_keys_from_json(data: dict) -> dict[str, tuple[Decimal, str]]:
    """Flatten the numbers of policy.json into `key -> (value, description)`."""
    values: dict[str, tuple[Decimal, str]] = {}

    def put(key, value, description):
        values[key] = (Decimal(str(value)), description)

    evaluation = data["evaluation"]
    put(
        "evaluation.three_haves_horizon_years",
        evaluation["three_haves_horizon_years"],
        "“3有”判断的年限（年）",
    )
    put(
        "evaluation.fast_track_due_days",
        evaluation["fast_track_due_days"],
        "快速落地评价时限（天）",
    )

    for kind, rule in data["landing_standards"].items():
        for clause in rule.get("any_of", []):
            if isinstance(clause, dict):
                for name, amount in clause.items():
                    put(f"landing.{kind}.{name}", amount, "落地标准金额门槛（元）")

    tiers = sorted(data["escalation_tiers"], key=lambda t: t["min_contribution"], reverse=True)
    put(
        "escalation.city_leader_min",
        tiers[0]["min_contribution"],
        "报分管市领导的综合经济贡献下限（元）",
    )
    put(
        "escalation.bureau_leaders_min",
        tiers[1]["min_contribution"],
        "报市科技局及发现单位领导的下限（元）",
    )

    for name, amount in data["landmarks"].items():
        put(f"landmarks.{name}", amount, "标杆性成果综合经济贡献门槛（元）")

    for name, amount in data["incentives"].items():
        put(f"incentives.{name}", amount, "激励政策参数")
    return values


def _year_values(year: int) -> dict[str, Decimal]:
    key = f"towns:policy:{generation(_GENERATION_KEY)}:{year}"
    values = cache.get(key)
    if values is None:
        values = {}
        # Latest year at or before `year` wins; the earliest year fills in older years.
        for row in PolicyValue.objects.order_by("year").values_list("key", "year", "value"):
            name, row_year, amount = row
            if row_year <= year or name not in values:
                values[name] = amount
        cache.set(key, values, _CACHE_SECONDS)
    return values


def policy_value(key: str, *, year: int | None = None) -> Decimal:
    year = year or timezone.localdate().year
    try:
        return _year_values(year)[key]
    except KeyError:
        raise ImproperlyConfigured(
            f"Policy value {key!r} is missing; run `manage.py load_reference`."
        ) from None


def policy_int(key: str, *, year: int | None = None) -> int:
    return int(policy_value(key, year=year))


def clear_policy_cache() -> None:
    """Called whenever a policy value changes; older cached years simply expire."""
    bump_generation(_GENERATION_KEY)
