"""Reference data of the achievements app, in `achievements/reference_data/`:

- `milestone_templates.json` — the default milestone plans of the service library;
- `matching_concepts.csv` — the starting vocabulary of demand matching;
- `matching_concept_graph.csv` — the concept graph over every industry of the taxonomy (problem ↔
  technology links), see `matching/concepts.py`.

All only fill in what is missing: a template or concept that staff already edited is left as it
is, so loading twice leaves the same rows.
"""

import json
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from towns.reference import read_csv

from .matching.concepts import load_concept_graph
from .models import MilestoneTemplate, MilestoneTemplateStep, SynonymGroup

DATA = Path(__file__).resolve().parent / "reference_data"
MILESTONE_TEMPLATES = DATA / "milestone_templates.json"
CONCEPTS = DATA / "matching_concepts.csv"


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    data = json.loads(MILESTONE_TEMPLATES.read_text(encoding="utf-8"))
    for row in data["templates"]:
        template, created = MilestoneTemplate.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
        if created:
            bulk_create_with_history(
                [
                    MilestoneTemplateStep(
                        template=template, order=order, title=title, offset_days=days
                    )
                    for order, (title, days) in enumerate(row["steps"], start=1)
                ],
                MilestoneTemplateStep,
            )

    existing = set(SynonymGroup.objects.values_list("name", flat=True))
    SynonymGroup.objects.bulk_create(
        [
            SynonymGroup(name=row["name"], terms=row["terms"], note=row["note"])
            for row in read_csv(CONCEPTS)
            if row["name"] not in existing
        ]
    )
    load_concept_graph()
    return {
        "里程碑模板": MilestoneTemplate.objects.count(),
        "匹配词库概念": SynonymGroup.objects.count(),
    }
