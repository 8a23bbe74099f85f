"""Writes of the public showcase: its entries follow the achievements; staff import external ones."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.cache import bump_generation_on_commit, generation
from kernel.excel import Column, SheetImporter
from kernel.parsing import clean_text, parse_int, split_list
from towns.models import Industry, User

from .. import matching
from ..choices import DISCOVERED_STATUSES, AchievementKind, CooperationMode, ShowcaseOrigin
from ..models import Achievement, ExternalAchievement, ShowcaseEntry

GENERATION_KEY = "achievements:showcase:generation"


def showcase_generation() -> int:
    """Changes whenever a public entry changes; cached pages and searches are keyed by it."""
    return generation(GENERATION_KEY)


def _search_text(*parts: str) -> str:
    return matching.normalize(" ".join(p for p in parts if p))


def _save_entry(lookup: dict, values: dict) -> ShowcaseEntry:
    """Insert or update the subject's entry: an upsert, safe when two syncs overlap.

    Two sweeps may both find no entry and both insert; the loser's insert waits for the
    winner's commit and fails on the unique subject. Inside a savepoint that failure is caught
    and the winner's row, now visible, is updated instead: the sync never ends in an error.
    """
    entry = ShowcaseEntry.objects.select_for_update().filter(**lookup).first()
    if entry is None:
        try:
            with transaction.atomic():
                entry = ShowcaseEntry.objects.create(
                    **lookup, **values, published_at=timezone.now()
                )
        except IntegrityError:
            entry = ShowcaseEntry.objects.select_for_update().get(**lookup)
        else:
            bump_generation_on_commit(GENERATION_KEY)
            return entry
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if changed:
        for name in changed:
            setattr(entry, name, values[name])
        entry.save(update_fields=changed)
        bump_generation_on_commit(GENERATION_KEY)
    return entry


def _withdraw_entry(**lookup) -> None:
    if ShowcaseEntry.objects.filter(**lookup).delete()[0]:
        bump_generation_on_commit(GENERATION_KEY)


@transaction.atomic
def showcase_sync_achievement(*, achievement_id: int) -> ShowcaseEntry | None:
    """Publish, refresh or withdraw the entry of one achievement (discovered and public only)."""
    achievement = (
        Achievement.objects.select_related("field", "discovering_unit")
        .filter(pk=achievement_id)
        .first()
    )
    if (
        achievement is None
        or not achievement.is_public
        or achievement.status not in DISCOVERED_STATUSES
    ):
        return _withdraw_entry(achievement_id=achievement_id)
    unit = achievement.discovering_unit
    return _save_entry(
        {"achievement_id": achievement.pk, "origin": ShowcaseOrigin.LOCAL},
        {
            "key": f"A{achievement.pk}",
            "title": achievement.title,
            "summary": achievement.summary,
            "field_id": achievement.field_id,
            "kind": achievement.kind,
            "trl": achievement.trl,
            "division_id": achievement.landing_division_id,
            "cooperation_modes": list(achievement.cooperation_modes or []),
            "holder": achievement.holder,
            "source": _("东莞市科技成果库（发现单位：%(unit)s）") % {"unit": unit.name},
            "search_text": _search_text(
                achievement.title, achievement.holder, achievement.field.name, achievement.summary
            ),
        },
    )


@transaction.atomic
def showcase_sync_external(external: ExternalAchievement) -> ShowcaseEntry | None:
    if not external.is_published:
        return _withdraw_entry(external=external)
    return _save_entry(
        {"external_id": external.pk, "origin": ShowcaseOrigin.EXTERNAL},
        {
            "key": f"E{external.pk}",
            "title": external.title,
            "summary": external.summary,
            "field_id": external.field_id,
            "kind": external.kind,
            "trl": external.trl,
            "division_id": None,
            "cooperation_modes": list(external.cooperation_modes or []),
            "holder": external.holder,
            "source": external.source,
            "search_text": _search_text(
                external.title, external.holder, external.field.name, external.summary
            ),
        },
    )


def showcase_rebuild() -> int:
    """Rebuild every entry (after a bulk change); returns how many are public."""
    for pk in Achievement.objects.values_list("pk", flat=True).iterator():
        showcase_sync_achievement(achievement_id=pk)
    for external in ExternalAchievement.objects.select_related("field"):
        showcase_sync_external(external)
    return ShowcaseEntry.objects.count()


# --- External achievements from .xlsx -----------------------------------------------------------


def _choice_codes(enum) -> dict[str, str]:
    return {str(label): value for value, label in enum.choices} | {v: v for v in enum.values}


class ExternalAchievementImporter(SheetImporter):
    """The sheet staff fill with achievements of universities and institutes elsewhere."""

    columns = (
        Column("成果名称", "title", required=True),
        Column("成果简介", "summary", required=True, aliases=("成果介绍", "简介")),
        Column("所属领域", "field", required=True, aliases=("领域", "产业领域")),
        Column("完成单位", "holder", required=True, aliases=("持有单位", "成果持有单位")),
        Column("信息来源", "source", required=True, aliases=("来源",)),
        Column("成果类型", "kind"),
        Column("技术成熟度", "trl", parse=parse_int, aliases=("TRL", "技术成熟度（TRL）")),
        Column("合作方式", "cooperation_modes", parse=split_list),
        Column("所在地区", "region", aliases=("地区",)),
        Column("来源网址", "source_url", aliases=("网址", "链接")),
    )

    def __init__(self):
        self.fields = {}
        for industry in Industry.objects.all():
            self.fields[industry.name] = industry
            self.fields[industry.code] = industry
        self.kinds = _choice_codes(AchievementKind)
        self.modes = _choice_codes(CooperationMode)

    def clean_row(self, data: dict[str, Any], add_issue) -> None:
        if data["field"] is not None:
            industry = self.fields.get(clean_text(data["field"]))
            if industry is None:
                add_issue("所属领域", _("“%(value)s”不在产业领域目录中") % {"value": data["field"]})
            data["field"] = industry
        kind = clean_text(data["kind"])
        data["kind"] = self.kinds.get(kind, "")
        if kind and not data["kind"]:
            add_issue("成果类型", _("应为企业类、平台类或项目类"))
        if data["trl"] is not None and not 1 <= data["trl"] <= 9:
            add_issue("技术成熟度", _("应为 1 至 9 的整数"))
        modes = []
        for mode in data["cooperation_modes"] or []:
            if mode not in self.modes:
                add_issue("合作方式", _("“%(value)s”不是可选的合作方式") % {"value": mode})
            else:
                modes.append(self.modes[mode])
        data["cooperation_modes"] = modes
        limits = {"title": 200, "holder": 200, "source": 200, "region": 50}
        for column in self.columns:
            if column.field in limits:
                value = clean_text(data[column.field])
                if len(value) > limits[column.field]:
                    add_issue(column.header, _("超过 %(n)d 字") % {"n": limits[column.field]})
                data[column.field] = value
        url = clean_text(data["source_url"])
        if url and not url.startswith(("http://", "https://")):
            add_issue("来源网址", _("网址应以 http:// 或 https:// 开头"))
        data["source_url"] = url


@transaction.atomic
def external_achievements_import(*, acting_user: User, rows: list[dict]) -> tuple[int, int]:
    """Save the valid rows of a previewed sheet; the same holder and title update in place."""
    created = updated = 0
    for row in rows:
        external, was_created = ExternalAchievement.objects.update_or_create(
            holder=row["holder"],
            title=row["title"],
            defaults={
                "summary": row["summary"],
                "field": row["field"],
                "kind": row["kind"] or "",
                "trl": row["trl"],
                "cooperation_modes": row["cooperation_modes"],
                "region": row["region"] or "",
                "source": row["source"],
                "source_url": row["source_url"] or "",
                "imported_by": acting_user,
            },
        )
        created += was_created
        updated += not was_created
        showcase_sync_external(external)
    return created, updated


@transaction.atomic
def external_achievement_set_published(
    external: ExternalAchievement, *, acting_user: User, published: bool
) -> ExternalAchievement:
    locked = ExternalAchievement.objects.select_for_update().get(pk=external.pk)
    locked.is_published = published
    locked._history_user = acting_user
    locked.save(update_fields=["is_published", "updated_at"])
    showcase_sync_external(locked)
    return locked
