"""Reads of the discovery library: the scoped list, search, duplicates, history, contact masking."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial

import rules
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.cache import generations
from kernel.money import format_wan, money_label
from kernel.parsing import clean_text
from kernel.wording import list_separator
from towns.choices import Role
from towns.models import Division, Industry, Unit, User

from ..choices import (
    AchievementStatus,
    CooperationMode,
    FeedbackKind,
    FeedbackReason,
    FeedbackStatus,
    IpType,
)
from ..models import (
    Achievement,
    AchievementAttachment,
    AchievementCredit,
    AchievementFeedback,
    AchievementMerge,
    AchievementTransition,
)
from ..services.core import (
    PLACEHOLDER_TITLES,
    TITLE_MIN_CHARS,
    duplicate_scope_keys,
    holder_scan_key,
    holder_text_edits,
    normalize_title,
    title_is_distinctive,
)

# --- The library list ---------------------------------------------------------------------------


def library_for(user: User) -> QuerySet[Achievement]:
    """What `user` may see of the discovery library, ready for a list page or the API."""
    return (
        Achievement.objects.visible_to(user)
        .select_related("field", "discovering_unit", "landing_division", "liaison")
        .prefetch_related(
            Prefetch(
                "credits",
                queryset=AchievementCredit.objects.select_related("unit"),
                to_attr="credit_list",
            )
        )
        .annotate(
            has_open_correction=Exists(
                AchievementFeedback.objects.filter(
                    achievement=OuterRef("pk"),
                    kind=FeedbackKind.CORRECTION_REQUEST,
                    status=FeedbackStatus.OPEN,
                )
            )
        )
    )


def search_achievements(queryset: QuerySet[Achievement], text: str) -> QuerySet[Achievement]:
    """Free-text search in Chinese: every word must appear in the title, summary or holder.

    Kept in this one place so that it can be swapped for a trigram or full-text index later.
    """
    for term in clean_text(text).split(" ")[:8]:
        if term:
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(holder__icontains=term)
            )
    return queryset


def open_corrections_count() -> int:
    return AchievementFeedback.objects.filter(
        kind=FeedbackKind.CORRECTION_REQUEST, status=FeedbackStatus.OPEN
    ).count()


def status_counts(queryset: QuerySet[Achievement]) -> dict[str, int]:
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# --- Contact data -------------------------------------------------------------------------------


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _mask_phone(phone: str) -> str:
    digits = phone.replace("-", "")
    if len(digits) < 7:
        return "*" * len(phone)
    return f"{digits[:3]}****{digits[-4:]}"


def _mask_email(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    masked: bool


def contact_for(achievement: Achievement, user: User) -> Contact:
    """Personal data in full for back office and the owning unit; masked for everyone else."""
    if rules.has_perm("achievements.view_contact", user, achievement):
        return Contact(
            achievement.contact_name, achievement.contact_phone, achievement.contact_email, False
        )
    return Contact(
        _mask_name(achievement.contact_name),
        _mask_phone(achievement.contact_phone),
        _mask_email(achievement.contact_email),
        True,
    )


# --- Duplicates ---------------------------------------------------------------------------------

# Character-bigram similarity above which two titles are "likely the same achievement".
SAME_HOLDER_TITLE_SIMILARITY = 0.5
SAME_HOLDER_SUMMARY_SIMILARITY = 0.7
SAME_FIELD_TITLE_SIMILARITY = 0.7
MAX_DUPLICATES_SHOWN = 8


def _bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: works for Chinese without word segmentation."""
    return _dice(_bigrams(a), b)


def _dice(left: set[str], b: str) -> float:
    """`similarity` with the first text's bigrams computed once (it is compared with thousands)."""
    right = _bigrams(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


@dataclass
class DuplicateCandidate:
    pk: int
    title: str
    unit: str
    status: str
    status_label: str
    year: int | None
    reason: str
    score: float
    visible: bool = False


# The duplicate scan reads every record of the field; its result is kept until the library
# changes (any achievement saved bumps the version) or for a few minutes at most.
DUPLICATES_CACHE_SECONDS = 300
DUPLICATE_REASONS = {
    "same_title": gettext_lazy("成果名称相同"),
    "holder_title": gettext_lazy("同一持有单位，名称相近"),
    "holder_summary": gettext_lazy("同一持有单位，简介相近"),
    "field_title": gettext_lazy("同一领域，名称相近"),
}


def _duplicate_scores(
    *, user: User, normalized: str, holder: str, field_id, summary: str, exclude_pk, only=None
) -> dict[int, tuple[str, float]]:
    """pk -> (reason code, similarity) of the records that look like the same achievement (of
    the records `only` names, when given)."""
    base = Achievement.objects.exclude(status=AchievementStatus.MERGED)
    if only is not None:
        base = base.filter(pk__in=only)
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if not user.is_back_office:
        base = base.exclude(~Q(discovering_unit_id=user.unit_id), status=AchievementStatus.DRAFT)

    found: dict[int, tuple[str, float]] = {}
    # A short or placeholder title ("测试", "科技成果") names no achievement: only the same
    # holder's records are compared with it.
    distinctive = title_is_distinctive(normalized)
    if distinctive:
        for pk in base.filter(title_normalized=normalized).values_list("pk", flat=True)[:20]:
            found[pk] = ("same_title", 1.0)

    title_bigrams = _bigrams(normalized)
    summary_bigrams = _bigrams(clean_text(summary))
    holder = clean_text(holder)
    if holder:
        rows = base.filter(holder=holder).values_list("pk", "title_normalized", "summary")
        for pk, other_title, other_summary in rows[:2000]:
            if pk in found:
                continue
            title_score = _dice(title_bigrams, other_title)
            if title_score >= SAME_HOLDER_TITLE_SIMILARITY:
                found[pk] = ("holder_title", title_score)
                continue
            if summary:
                summary_score = _dice(summary_bigrams, clean_text(other_summary))
                if summary_score >= SAME_HOLDER_SUMMARY_SIMILARITY:
                    found[pk] = ("holder_summary", summary_score)
    if field_id and distinctive:
        # One plain fetch of short strings: on PostgreSQL `.iterator()` would read through a
        # server-side cursor held across the transaction, four times slower for one field.
        rows = base.filter(field_id=field_id).order_by().values_list("pk", "title_normalized")
        for pk, other_title in rows:
            if pk in found:
                continue
            score = _dice(title_bigrams, other_title)
            if score >= SAME_FIELD_TITLE_SIMILARITY:
                found[pk] = ("field_title", score)
    return found


def likely_duplicates(
    *,
    user: User,
    title: str,
    holder: str = "",
    field_id: int | None = None,
    summary: str = "",
    exclude_pk: int | None = None,
) -> list[DuplicateCandidate]:
    """Records that are probably the same achievement: the same normalised title anywhere, or a
    very similar title (or summary) within the same holder or field.

    Another unit's drafts are private and never named; records the user may not open are named
    (title, unit, status) but not linked.
    """
    normalized = normalize_title(title)
    if not normalized:
        return []
    scope = "all" if user.is_back_office else f"unit-{user.unit_id}"
    cleaned_holder = clean_text(holder)
    versions = generations(duplicate_scope_keys(normalized, cleaned_holder, field_id))
    # The holder's generation is kept beside the result, not in its key: a scan a few text
    # edits old is brought up to date by rescoring the records edited (`holder_text_edits`).
    holder_version = versions.pop(holder_scan_key(cleaned_holder), None) if cleaned_holder else None
    parts = (sorted(versions.items()), scope, normalized, holder, field_id, summary, exclude_pk)
    key = "duplicates:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    scan = partial(
        _duplicate_scores,
        user=user,
        normalized=normalized,
        holder=holder,
        field_id=field_id,
        summary=summary,
        exclude_pk=exclude_pk,
    )
    entry = cache.get(key)
    if entry is not None and entry[0] == holder_version:
        found = entry[1]
    elif (
        entry is not None
        and holder_version is not None
        and (edited := holder_text_edits(cleaned_holder, entry[0], holder_version)) is not None
    ):
        found = {pk: hit for pk, hit in entry[1].items() if pk not in edited}
        found.update(scan(only=edited))
    else:
        found = scan()
    if entry is None or entry[0] != holder_version:
        cache.set(key, (holder_version, found), DUPLICATES_CACHE_SECONDS)
    if not found:
        return []
    found = {pk: (DUPLICATE_REASONS[reason], score) for pk, (reason, score) in found.items()}

    # Ties newest first, however the scan met them (in full, or rescoring edited records).
    best = sorted(found.items(), key=lambda item: (-item[1][1], -item[0]))[:MAX_DUPLICATES_SHOWN]
    records = {
        a.pk: a
        for a in Achievement.objects.filter(pk__in=[pk for pk, _ in best]).select_related(
            "discovering_unit"
        )
    }
    visible = set(
        Achievement.objects.visible_to(user).filter(pk__in=records).values_list("pk", flat=True)
    )
    return [
        DuplicateCandidate(
            pk=pk,
            title=records[pk].title,
            unit=str(records[pk].discovering_unit),
            status=records[pk].status,
            status_label=records[pk].get_status_display(),
            year=records[pk].discovered_on.year if records[pk].discovered_on else None,
            reason=reason,
            score=score,
            visible=pk in visible,
        )
        for pk, (reason, score) in best
        if pk in records
    ]


def existing_titles(unit: Unit, normalized_titles: Iterable[str]) -> dict[str, list[tuple]]:
    """Records already registered under these normalised titles: title -> [(pk, unit id)].

    One query per thousand titles, for the Excel import (which checks thousands of rows at once).
    """
    titles = list({t for t in normalized_titles if t})
    found: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(titles), 1000):
        rows = (
            Achievement.objects.exclude(status=AchievementStatus.MERGED)
            .filter(title_normalized__in=titles[start : start + 1000])
            .values_list("title_normalized", "pk", "discovering_unit_id")
        )
        for title, pk, unit_id in rows:
            found[title].append((pk, unit_id))
    return found


@dataclass
class DuplicateGroup:
    title_normalized: str
    records: list[Achievement]
    # Why these records are shown together, in words, for the reviewer.
    reasons: list[str] = field(default_factory=list)


def _live() -> QuerySet[Achievement]:
    return Achievement.objects.exclude(
        status__in=[AchievementStatus.MERGED, AchievementStatus.DRAFT, AchievementStatus.WITHDRAWN]
    )


def _distinctive(queryset: QuerySet[Achievement]) -> QuerySet[Achievement]:
    """Records whose normalised title can identify an achievement (`title_is_distinctive`)."""
    return (
        queryset.annotate(title_length=Length("title_normalized"))
        .filter(title_length__gte=TITLE_MIN_CHARS)
        .exclude(title_normalized__in=PLACEHOLDER_TITLES)
        .exclude(title_normalized__regex=r"^[0-9]+$")
    )


def _shared_titles() -> QuerySet:
    return (
        _distinctive(_live())
        .order_by()
        .values("title_normalized")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


def duplicate_group_count() -> int:
    return _shared_titles().count()


def _group_reasons(title: str, records: list[Achievement]) -> list[str]:
    reasons = [_("名称相同：去除空格、标点和大小写差异后均为“%(title)s”") % {"title": title}]
    if len({clean_text(r.holder) for r in records}) == 1:
        reasons.append(_("持有单位相同：%(holder)s") % {"holder": records[0].holder})
    if len({r.discovering_unit_id for r in records}) == 1:
        reasons.append(_("同一发现单位重复登记"))
    return reasons


def duplicate_groups(*, limit: int = 50) -> list[DuplicateGroup]:
    """Records sharing a distinctive normalised title, for staff to review and merge (drafts
    excluded; a record whose title is empty, short or a placeholder is never grouped)."""
    live = _live()
    titles = list(
        _shared_titles()
        .order_by("-n", "title_normalized")
        .values_list("title_normalized", flat=True)[:limit]
    )
    groups: dict[str, list[Achievement]] = {t: [] for t in titles}
    records = live.filter(title_normalized__in=titles).select_related("discovering_unit", "field")
    for record in records.order_by("submitted_at", "pk"):
        groups[record.title_normalized].append(record)
    return [
        DuplicateGroup(title, items, _group_reasons(title, items))
        for title, items in groups.items()
    ]


def merges_in_force(*, limit: int = 20) -> list[AchievementMerge]:
    """The latest merges not undone, newest first, for the duplicates page."""
    return list(
        AchievementMerge.objects.filter(
            unmerged_at__isnull=True, duplicate__deleted_at__isnull=True
        ).select_related("duplicate__discovering_unit", "kept__discovering_unit", "merged_by")[
            :limit
        ]
    )


def merge_in_force(achievement: Achievement) -> AchievementMerge | None:
    """The merge that put this record away (who, when, why), if it is in force."""
    if achievement.status != AchievementStatus.MERGED:
        return None
    return (
        AchievementMerge.objects.filter(duplicate=achievement, unmerged_at__isnull=True)
        .select_related("merged_by")
        .first()
    )


# --- Detail page --------------------------------------------------------------------------------


def achievement_detail_for(user: User, pk: int) -> Achievement:
    """The record if `user` may see it (404 otherwise, raised by the caller's get_object_or_404)."""
    return (
        Achievement.objects.visible_to(user)
        .select_related(
            "field", "discovering_unit", "landing_division", "liaison", "created_by", "merged_into"
        )
        .get(pk=pk)
    )


def credits_of(achievement: Achievement) -> list[AchievementCredit]:
    return list(achievement.credits.select_related("unit", "merged_from"))


def attachments_of(achievement: Achievement) -> list[AchievementAttachment]:
    return list(achievement.attachments.select_related("uploaded_by"))


def transitions_of(achievement: Achievement) -> list[AchievementTransition]:
    return list(achievement.transitions.select_related("actor"))


def _with_labels(item: AchievementFeedback) -> AchievementFeedback:
    item.reason_labels = [_label(FeedbackReason, code) for code in item.reasons]
    item.field_labels = [field_label(name) for name in item.fields]
    return item


def feedback_of(achievement: Achievement) -> list[AchievementFeedback]:
    return [
        _with_labels(item) for item in achievement.feedback.select_related("author", "resolved_by")
    ]


def open_send_back(achievement: Achievement) -> AchievementFeedback | None:
    """The send-back the liaison is working on (open, or changed but not yet resubmitted)."""
    item = (
        achievement.feedback.filter(kind=FeedbackKind.SEND_BACK)
        .exclude(status=FeedbackStatus.RESOLVED)
        .first()
    )
    return _with_labels(item) if item else None


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


# The fields of the record a liaison fills in, in form order; also the fields feedback can name.
RECORD_FIELDS = [
    "title",
    "summary",
    "kind",
    "field",
    "trl",
    "ip_types",
    "ip_numbers",
    "ip_count",
    "holder",
    "team",
    "contact_name",
    "contact_phone",
    "contact_email",
    "expected_contribution",
    "funding_need",
    "cooperation_modes",
    "source_channel",
    "landing_division",
    "discovered_on",
    "is_public",
    "notes",
]
# Shown in the history besides the record fields.
HISTORY_EXTRA_FIELDS = ["discovering_unit", "liaison", "status", "service_route", "merged_into"]


def field_label(name: str) -> str:
    try:
        model_field = Achievement._meta.get_field(name)
    except Exception:  # an unknown name in old feedback
        return name
    return money_label(model_field.verbose_name)


def record_field_choices() -> list[tuple[str, str]]:
    return [(name, field_label(name)) for name in RECORD_FIELDS]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


_FK_MODELS = {
    "field": Industry,
    "discovering_unit": Unit,
    "landing_division": Division,
    "liaison": User,
}
_LIST_CHOICES = {"ip_types": IpType, "cooperation_modes": CooperationMode}


def _display(name: str, value, names: dict) -> str:
    if value in (None, "", []):
        return "—"
    if name in _FK_MODELS:
        return names.get((name, value), f"#{value}")
    if name == "merged_into":
        return f"#{value}"
    if name in _LIST_CHOICES:
        return list_separator().join(_label(_LIST_CHOICES[name], code) for code in value)
    model_field = Achievement._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format_wan(value)  # the label says 万元
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def achievement_history(
    achievement: Achievement, *, user: User, limit: int = 100
) -> list[HistoryEntry]:
    """Every saved version of the record, newest first, with the fields that changed.

    Contact data stays hidden from those who may not see it, in the history too.
    """
    hidden = set()
    if not rules.has_perm("achievements.view_contact", user, achievement):
        hidden = set(CONTACT_FIELDS)
    records = list(achievement.history.select_related("history_user").order_by("-history_id"))
    records = records[: limit + 1]
    tracked = RECORD_FIELDS + HISTORY_EXTRA_FIELDS

    def value_of(record, name):
        attname = f"{name}_id" if name in _FK_MODELS or name == "merged_into" else name
        return getattr(record, attname)

    wanted: dict[str, set] = defaultdict(set)
    for record in records:
        for name in _FK_MODELS:
            wanted[name].add(value_of(record, name))
    names: dict[tuple[str, object], str] = {}
    for name, model in _FK_MODELS.items():
        ids = {i for i in wanted[name] if i is not None}
        for obj in model.objects.filter(pk__in=ids):
            names[(name, obj.pk)] = str(obj)

    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            for name in tracked:
                old, new = value_of(previous, name), value_of(record, name)
                if old != new and name in hidden:
                    changes.append(FieldChange(field_label(name), "***", "***"))
                elif old != new:
                    changes.append(
                        FieldChange(
                            field_label(name),
                            _display(name, old, names),
                            _display(name, new, names),
                        )
                    )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=user.display_name if user else _("系统"),
                kind=record.history_type if previous is not None else "+",
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def deleted_achievements() -> QuerySet[Achievement]:
    """The recycle bin: soft-deleted achievements, with who deleted them."""
    return Achievement.all_objects.filter(deleted_at__isnull=False).select_related(
        "discovering_unit", "deleted_by", "field"
    )


def liaisons_of(achievement: Achievement) -> list[User]:
    """Who hears about an achievement: the liaison who registered it, else its unit's liaisons."""
    if achievement.liaison_id and achievement.liaison.is_active:
        return [achievement.liaison]
    return list(
        User.objects.filter(
            role=Role.LIAISON, unit_id=achievement.discovering_unit_id, is_active=True
        )
    )
