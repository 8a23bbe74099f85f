"""Reference data of the achievements app: the default milestone templates (idempotent; a
template an admin already has is left as it is)."""

import json
from pathlib import Path

from django.db import transaction

from .models import MilestoneTemplate, MilestoneTemplateStep

MILESTONE_TEMPLATES = Path(__file__).resolve().parent / "milestone_templates.json"


@transaction.atomic
def load_reference(reference_dir: Path) -> dict[str, int]:
    data = json.loads(MILESTONE_TEMPLATES.read_text(encoding="utf-8"))
    for row in data["templates"]:
        template, created = MilestoneTemplate.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
        if created:
            MilestoneTemplateStep.objects.bulk_create(
                MilestoneTemplateStep(template=template, order=order, title=title, offset_days=days)
                for order, (title, days) in enumerate(row["steps"], start=1)
            )
    return {"里程碑模板": MilestoneTemplate.objects.count()}
