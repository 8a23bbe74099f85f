"""Reference data of the achievements app: the starting vocabulary of demand matching.

`matching_concepts.csv` seeds the concept table that service-center staff then curate. A concept
already in the database is left as staff edited it; only missing ones are added.
"""

from pathlib import Path

from django.db import transaction

from towns.reference import read_csv

from .models import SynonymGroup

CONCEPTS = Path(__file__).resolve().parent / "reference_data" / "matching_concepts.csv"


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    existing = set(SynonymGroup.objects.values_list("name", flat=True))
    SynonymGroup.objects.bulk_create(
        [
            SynonymGroup(name=row["name"], terms=row["terms"], note=row["note"])
            for row in read_csv(CONCEPTS)
            if row["name"] not in existing
        ]
    )
    return {"匹配词库概念": SynonymGroup.objects.count()}
