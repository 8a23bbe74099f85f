"""Demo: published achievements (added when the discovery demo has not made enough), external
achievements from universities elsewhere, and the showcase built from them."""

from datetime import date

from django.utils import timezone

from towns.models import Division, Industry

from ..choices import AchievementStatus
from ..models import Achievement
from ..services.core import normalize_title
from ..services.showcase import external_achievements_import, showcase_rebuild
from .market_data import ACHIEVEMENTS, CONTACTS, EXTERNAL


def seed(ctx) -> None:
    fields = {industry.code: industry for industry in Industry.objects.all()}
    divisions = {division.code: division for division in Division.objects.all()}
    created = 0
    for index, row in enumerate(ACHIEVEMENTS):
        title, summary, field, kind, trl, holder, liaison, division, modes, public = row
        person = ctx.users[liaison]
        _, was_created = Achievement.objects.get_or_create(
            title=title,
            defaults={
                "title_normalized": normalize_title(title),
                "summary": summary,
                "kind": kind,
                "field": fields[field],
                "trl": trl,
                "holder": holder,
                "contact_name": CONTACTS[index % len(CONTACTS)],
                "contact_phone": f"1382{ctx.rng.randrange(10_000_000):07d}",
                "contact_email": f"tt{index + 1:02d}@demo.dgkjcg.local",
                "cooperation_modes": modes,
                "discovering_unit": person.unit,
                "liaison": person,
                "created_by": person,
                "landing_division": divisions.get(division),
                "discovered_on": date(2025, index % 12 + 1, index % 27 + 1),
                "submitted_at": timezone.now(),
                "status": AchievementStatus.SUBMITTED,
                "is_public": public,
            },
        )
        created += was_created
    rows = [
        {
            "holder": holder,
            "title": title,
            "summary": summary,
            "field": fields[field],
            "kind": kind,
            "trl": trl,
            "cooperation_modes": modes,
            "region": region,
            "source": source,
            "source_url": "",
        }
        for holder, title, summary, field, kind, trl, modes, region, source in EXTERNAL
    ]
    external_achievements_import(acting_user=ctx.users["center_chen"], rows=rows)
    public = showcase_rebuild()
    ctx.say(
        f"成果展示区：新增演示成果 {created} 项，公开展示 {public} 项（含外地成果 {len(rows)} 项）"
    )
