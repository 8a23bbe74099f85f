"""Matching runs in the background: a demand or an achievement changed, or the vocabulary did."""

import logging

from celery import shared_task
from django.db.models import F, Q

from ..choices import DISCOVERED_STATUSES
from ..models import Achievement
from ..services.changes import achievements_changed_apply
from ..services.demands import (
    matches_recompute,
    vocabulary_apply,
)
from ..services.learning import match_learning_recompute

logger = logging.getLogger(__name__)
SWEEP_LIMIT = 5000


@shared_task
def task_match_demand(*, demand_id: int) -> int:
    """Rank achievements for a demand that was posted or changed (idempotent)."""
    return matches_recompute(demand_id=demand_id)


@shared_task
def task_achievement_changed(*, achievement_id: int) -> int:
    """Bring the showcase entry, the match index and the demands' suggestions up to date
    (messages queued before achievements were batched per transaction)."""
    return achievements_changed_apply(achievement_ids=[achievement_id])


@shared_task
def task_achievements_changed(*, achievement_ids: list[int]) -> int:
    """The one task of a transaction that wrote achievements (an import, a merge, a bulk status
    change): index, showcase, suggestions, and the followers of the demands they fit."""
    return achievements_changed_apply(achievement_ids=achievement_ids)


@shared_task
def task_recompute_match_learning() -> int:
    """Learn the ranking's weights again from every judgment (queued when staff or an enterprise
    decide about a match, and nightly); idempotent. Returns the number of judgments."""
    return match_learning_recompute().judgments


@shared_task
def task_vocabulary_changed(*, terms: list[str]) -> int:
    return vocabulary_apply(terms=terms)


@shared_task
def task_sweep_achievement_index() -> int:
    """Catch changes no task saw (bulk updates, a lost worker): re-index what is stale, and
    take deleted achievements out of the index."""
    indexed = Q(match_document__isnull=False)
    changed = (
        Q(status__in=DISCOVERED_STATUSES, match_document__isnull=True)
        | Q(match_document__indexed_at__lt=F("updated_at"))
        | ~Q(status__in=DISCOVERED_STATUSES) & indexed
    )
    stale = Achievement.all_objects.filter(
        Q(deleted_at__isnull=True) & changed | Q(deleted_at__isnull=False) & indexed
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    stale = list(stale)
    done = len(stale)
    if done:
        achievements_changed_apply(achievement_ids=stale)
        logger.info("re-indexed %d stale achievements", done)
    return done
