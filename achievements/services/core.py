"""Every write to an achievement goes through a function here (`achievement_<verb>`)."""

import hashlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.cache import bump_generation
from kernel.transitions import transition
from kernel.validators import to_halfwidth
from towns.models import Unit, User

from ..choices import AchievementStatus, ServiceRoute
from ..models import Achievement


def normalize_title(title: str) -> str:
    """Title for duplicate detection: no spaces, punctuation or case differences."""
    text = to_halfwidth(title or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


# A normalised title shorter than this, all digits, or a placeholder says nothing about which
# achievement it is: such records are never grouped as duplicates by their title.
TITLE_MIN_CHARS = 4
PLACEHOLDER_TITLES = frozenset(
    normalize_title(title)
    for title in ("科技成果", "测试成果", "示例成果", "演示成果", "未命名成果", "暂无名称", "test")
)


def title_is_distinctive(normalized: str) -> bool:
    """Whether a normalised title is specific enough to say two records are the same."""
    return (
        len(normalized) >= TITLE_MIN_CHARS
        and not normalized.isdigit()
        and normalized not in PLACEHOLDER_TITLES
    )


# --- One title per unit ---------------------------------------------------------------------------
# The database refuses a second live record of the same unit under the same normalised title
# (`achievement_unique_title_per_unit`). Writers first lock the unit's row, so that two sessions
# registering or importing the same title queue up and the second is told which record exists,
# instead of meeting the constraint.

UNIQUE_TITLE_CONSTRAINT = "achievement_unique_title_per_unit"


def lock_unit_titles(unit_id: int) -> None:
    """Serialise registrations of one unit until the transaction ends (FOR NO KEY UPDATE does
    not block the inserts that merely reference the unit)."""
    list(Unit.objects.select_for_update(no_key=True).filter(pk=unit_id).values_list("pk"))


def title_taken_message(pk: int) -> str:
    return _("本单位已登记同名成果（编号 %(pk)d），请勿重复登记。") % {"pk": pk}


def title_holder(achievement: Achievement) -> int | None:
    """The other live record of this unit under this title, looked up under the unit's lock."""
    if (
        not achievement.title_normalized
        or achievement.legacy_duplicate
        or achievement.status == AchievementStatus.MERGED
        or achievement.deleted_at is not None
    ):
        return None
    lock_unit_titles(achievement.discovering_unit_id)
    return (
        Achievement.objects.filter(
            discovering_unit_id=achievement.discovering_unit_id,
            title_normalized=achievement.title_normalized,
            legacy_duplicate=False,
        )
        .exclude(status=AchievementStatus.MERGED)
        .exclude(pk=achievement.pk)
        .values_list("pk", flat=True)
        .first()
    )


def check_title_free(achievement: Achievement) -> None:
    """Refuse a title this unit already registered in a live record (message on the title)."""
    other = title_holder(achievement)
    if other is not None:
        raise ValidationError({"title": title_taken_message(other)})


def is_title_taken(exc: IntegrityError) -> bool:
    text = str(exc)
    return UNIQUE_TITLE_CONSTRAINT in text or "title_normalized" in text


@contextmanager
def title_constraint_as_message() -> Iterator[None]:
    """The constraint's refusal as the form's message (a writer that skipped the lock)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if not is_title_taken(exc):
            raise
        raise ValidationError({"title": _("本单位已登记同名成果，请勿重复登记。")}) from exc


def achievement_change_status(
    achievement: Achievement,
    *,
    to: str,
    allowed_from: Iterable[str],
    acting_user: User,
    reason: str = "",
    **changes: Any,
) -> Achievement:
    """An achievement's step through `kernel.transitions.transition` (row lock, declared
    steps, history and the AchievementTransition timeline)."""
    return transition(
        achievement,
        to=to,
        allowed_from=allowed_from,
        acting_user=acting_user,
        reason=reason,
        **changes,
    )


def achievement_enter_service_library(
    achievement: Achievement, *, route: str, acting_user: User, reason: str = ""
) -> Achievement:
    """Selected by evaluation or recommended directly: enters the service library."""
    ServiceRoute(route)
    return achievement_change_status(
        achievement,
        to=AchievementStatus.SERVICE,
        allowed_from=[AchievementStatus.SUBMITTED],
        acting_user=acting_user,
        reason=reason,
        service_route=route,
        service_entered_at=timezone.now(),
    )


# Bumped after a bulk write to the library (an import); the cached duplicate scans are keyed on
# it and on the generations of the scopes they search (`duplicate_scope_keys`).
LIBRARY_VERSION_KEY = "achievements:library-version"


def library_changed() -> None:
    """Forget every cached duplicate scan: after a bulk write to the library."""
    bump_generation(LIBRARY_VERSION_KEY)


def duplicate_scope_keys(title_normalized: str, holder: str, field_id: int | None) -> list[str]:
    """The generations a duplicate scan depends on: a record is a candidate only through its
    normalised title, its holder or its field, so a saved record ends the scans of the scopes it
    was and is in, and no other (editing a record leaves the other fields' detail pages alone)."""

    def digest(text: str) -> str:
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]

    keys = [LIBRARY_VERSION_KEY]
    if title_normalized:
        keys.append(f"achievements:dup:title:{digest(title_normalized)}")
    if holder:
        keys.append(f"achievements:dup:holder:{digest(holder)}")
    if field_id:
        keys.append(f"achievements:dup:field:{field_id}")
    return keys


def library_rows_changed(scopes: Collection[tuple[str, str, int | None] | None]) -> None:
    """Forget the duplicate scans of these (title_normalized, holder, field_id) scopes; None
    stands for a scope not known (every scan is forgotten)."""
    known = [scope for scope in scopes if scope is not None]
    if len(known) < len(list(scopes)):
        library_changed()
        return
    for key in {k for scope in known for k in duplicate_scope_keys(*scope)[1:]}:
        bump_generation(key)


# A text edit (a record's summary rewritten; its title, holder and field unchanged) can change
# only that record's place in its holder's duplicate scans. Each such edit's new holder
# generation is logged with the record's key, so that a scan cached under an older generation
# rescores only the records edited since, instead of comparing the holder's thousands of
# summaries again. A generation missing from the log (any other write, a lost append, an entry
# fallen off its end) means: scan again.
TEXT_EDIT_LOG_LENGTH = 200


def holder_scan_key(holder: str) -> str:
    return duplicate_scope_keys("", holder, None)[-1]


def holder_text_edited(holder: str, pk: int) -> None:
    """After the commit of a text edit of record `pk` of `holder`: end the holder's scans and
    log the edit."""
    key = holder_scan_key(holder)
    try:
        version = cache.incr(key)
    except ValueError:  # not kept (evicted): a fresh generation, no log to continue
        bump_generation(key)
        return
    log = cache.get(f"{key}:edits") or []
    log.append((version, pk))
    cache.set(f"{key}:edits", log[-TEXT_EDIT_LOG_LENGTH:], None)


def holder_text_edits(holder: str, since: int, until: int) -> set[int] | None:
    """The records whose text edits took the holder's generation from `since` to `until`, or
    None when not every step between is a logged text edit."""
    if not 0 < until - since <= TEXT_EDIT_LOG_LENGTH:
        return None
    logged = dict(cache.get(f"{holder_scan_key(holder)}:edits") or [])
    steps = range(since + 1, until + 1)
    if any(step not in logged for step in steps):
        return None
    return {logged[step] for step in steps}
