"""Reference data of the transfer ecosystem, loaded by `manage.py load_reference`.

- broker certificate levels and the recognised training base: `policy.json` (broker_certificates)
- the town-programme targets of seed 000: `programme_targets.csv` (each row cites the seed)
- the innovation-complex target of the action plan (seed 004): `city_targets.csv`
- the action plan's targets that no other file holds (seed 004 二 and 三.一机制.3 五):
  `plan_targets.csv` (each row cites the seed)
"""

import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from towns.reference import read_csv, read_json

from .choices import Comparison, PlanMetric, Programme
from .models import CertificateLevel, PlanTarget, ProgrammeTarget, TrainingBase

# city_targets.csv metric -> the register it is the target of.
CITY_TARGET_PROGRAMMES = {"innovation_complexes_cumulative": Programme.INNOVATION_COMPLEXES}
_PLAN_SOURCE = "《东莞市加快科技成果产业化三年行动计划（2024-2026）》："
_CITY_TARGET_SOURCE = (
    "《东莞市加快科技成果产业化三年行动计划（2024-2026）》工作目标（全市年度目标）"
)


def recognised_base_name(text: str) -> str:
    """`国家技术转移人才培养基地（广东）or an equivalent national base` → the base's name."""
    return re.split(r"\s*\bor\b|或", text, maxsplit=1)[0].strip()


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    certificates = read_json(reference_dir / "policy.json")["broker_certificates"]
    for order, level in enumerate(certificates["levels"], start=1):
        CertificateLevel.objects.update_or_create(
            code=level["code"],
            defaults={
                "name": level["name"],
                "eligible_for_library": level["eligible_for_library"],
                "sort_order": order,
            },
        )
    TrainingBase.objects.get_or_create(
        name=recognised_base_name(certificates["recognised_issuer"]),
        defaults={"recognised": True, "note": "《三年行动计划》指定的培养基地"},
    )

    for row in read_csv(reference_dir / "programme_targets.csv"):
        ProgrammeTarget.objects.update_or_create(
            programme=Programme(row["programme"]),
            year=int(row["year"]),
            defaults={
                "target": int(row["target"]),
                "target_max": int(row["target_max"]) if row["target_max"] else None,
                "comparison": Comparison(row["comparison"]),
                "unit": row["unit"],
                "source": "《东莞市科技支撑“百县千镇万村高质量发展工程”实施方案》："
                + row["source"],
            },
        )
    for row in read_csv(reference_dir / "city_targets.csv"):
        programme = CITY_TARGET_PROGRAMMES.get(row["metric"])
        if programme:
            ProgrammeTarget.objects.update_or_create(
                programme=programme,
                year=int(row["year"]),
                defaults={
                    "target": int(row["target"]),
                    "target_max": None,
                    "comparison": Comparison(row["comparison"]),
                    "unit": "个",
                    "source": _CITY_TARGET_SOURCE,
                },
            )
    for row in read_csv(reference_dir / "plan_targets.csv"):
        PlanTarget.objects.update_or_create(
            metric=PlanMetric(row["metric"]),
            year=int(row["year"]),
            defaults={
                "first_year": int(row["first_year"]),
                "target": Decimal(row["target"]),
                "comparison": Comparison(row["comparison"]),
                "unit": row["unit"],
                "source": _PLAN_SOURCE + row["source"],
            },
        )
    return {
        "行动计划目标": PlanTarget.objects.count(),
        "经纪人证书等级": CertificateLevel.objects.count(),
        "镇街工作目标": ProgrammeTarget.objects.count(),
    }
