"""Full export of the business data: one JSON-lines file per model, streamed.

Every model of the portal's apps (soft-deleted achievements included, through the base manager),
the many-to-many link tables, and on request the audit history. Each line is one row as stored
(foreign keys as ids); secrets (password hashes) are left out. `manifest.json` lists each file
and its row count.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .audit import business_models

SECRET_FIELDS = {"password"}
CHUNK = 2000


def export_models(*, history: bool = False) -> list:
    models = []
    for model in business_models():
        models.append(model)
        models.extend(
            f.remote_field.through
            for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created
        )
    if history:
        for label in settings.PORTAL_APPS:
            models.extend(
                m
                for m in apps.get_app_config(label).get_models()
                if m.__name__.startswith("Historical") and hasattr(m, "instance_type")
            )
    return models


def export_all(directory: Path, *, history: bool = False, progress=None) -> dict[str, int]:
    """Write `<app_label>.<Model>.jsonl` per model and `manifest.json`; returns the counts."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for model in export_models(history=history):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]
        name = f"{model._meta.label}.jsonl"
        rows = model._base_manager.order_by("pk").values(*fields).iterator(chunk_size=CHUNK)
        count = 0
        with (directory / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False))
                out.write("\n")
                count += 1
        counts[model._meta.label] = count
        if progress:
            progress(model._meta.label, count)
    manifest = {
        "exported_at": timezone.now().isoformat(),
        "files": {f"{label}.jsonl": count for label, count in counts.items()},
    }
    (directory / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return counts
