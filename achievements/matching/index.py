"""The match index: per achievement, its feature weights as rows (term, achievement, weight).

Written when an achievement changes; ranking a demand then reads only the postings of the
demand's own few features (see `ranking.py`).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..choices import DISCOVERED_STATUSES
from ..models import Achievement, MatchDocument, MatchPosting, MatchTerm
from .scoring import TITLE_BOOST, document_weights
from .text import Analysis, Vocabulary

DOCUMENT_COUNT_KEY = "achievements:matching:documents"
BATCH = 2000


def is_indexable(achievement: Achievement) -> bool:
    """Only achievements in the discovery library (or beyond) are offered to enterprises."""
    return achievement.status in DISCOVERED_STATUSES


def analyse_achievement(vocabulary: Vocabulary, achievement: Achievement) -> Analysis:
    return vocabulary.analyse((achievement.title, TITLE_BOOST), (achievement.summary, 1.0))


@dataclass
class Indexed:
    """An achievement's features as indexed: what incremental matching needs."""

    achievement_id: int
    field_id: int
    division_id: int | None
    weights: dict[str, float]
    concepts: dict[str, list[str]]


def _fingerprint(
    weights: dict[str, float], concepts: dict[str, list[str]], place: tuple[int, int | None]
) -> str:
    payload = json.dumps(
        [sorted((k, round(v, 5)) for k, v in weights.items()), sorted(concepts.items()), place],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


def term_ids(texts: Iterable[str]) -> dict[str, int]:
    """Ids of index terms, creating the missing ones."""
    texts = set(texts)
    found = dict(MatchTerm.objects.filter(text__in=texts).values_list("text", "id"))
    missing = texts - found.keys()
    if missing:
        MatchTerm.objects.bulk_create(
            [MatchTerm(text=text) for text in missing], ignore_conflicts=True, batch_size=BATCH
        )
        found.update(MatchTerm.objects.filter(text__in=missing).values_list("text", "id"))
    return found


def document_count() -> int:
    return cache.get_or_set(DOCUMENT_COUNT_KEY, MatchDocument.objects.count, 600)


def _adjust_frequencies(term_pks: Iterable[int], delta: int) -> None:
    term_pks = list(term_pks)
    if term_pks:
        MatchTerm.objects.filter(pk__in=term_pks).update(df=Greatest(F("df") + delta, Value(0)))


@transaction.atomic
def index_achievement(vocabulary: Vocabulary, achievement_id: int) -> Indexed | None:
    """(Re-)index one achievement. Returns its features when they changed, else None."""
    achievement = Achievement.objects.select_for_update().filter(pk=achievement_id).first()
    if achievement is None or not is_indexable(achievement):
        unindex_achievement(achievement_id)
        return None
    analysis = analyse_achievement(vocabulary, achievement)
    weights = document_weights(analysis)
    concepts = analysis.concept_surfaces()
    place = {"field_id": achievement.field_id, "division_id": achievement.landing_division_id}
    fingerprint = _fingerprint(weights, concepts, tuple(place.values()))
    document = MatchDocument.objects.filter(pk=achievement_id).first()
    if document is not None and document.fingerprint == fingerprint:
        MatchDocument.objects.filter(pk=achievement_id).update(indexed_at=timezone.now())
        return None

    ids = term_ids(weights)
    new = {ids[text]: weight for text, weight in weights.items()}
    postings = MatchPosting.objects.filter(achievement_id=achievement_id)
    old = dict(postings.values_list("term_id", "weight"))
    changed = [pk for pk, weight in old.items() if new.get(pk) != weight]
    postings.filter(term_id__in=changed).delete()
    # The postings kept take a new field or landing division too.
    postings.exclude(**place).update(**place)
    MatchPosting.objects.bulk_create(
        [
            MatchPosting(achievement_id=achievement_id, term_id=pk, weight=weight, **place)
            for pk, weight in new.items()
            if old.get(pk) != weight
        ]
    )
    _adjust_frequencies(old.keys() - new.keys(), -1)
    _adjust_frequencies(new.keys() - old.keys(), +1)
    MatchDocument.objects.update_or_create(
        achievement_id=achievement_id,
        defaults={"fingerprint": fingerprint, "concepts": concepts, "indexed_at": timezone.now()},
    )
    if document is None:
        cache.delete(DOCUMENT_COUNT_KEY)
    return Indexed(
        achievement_id=achievement_id,
        field_id=achievement.field_id,
        division_id=achievement.landing_division_id,
        weights=weights,
        concepts=concepts,
    )


@transaction.atomic
def unindex_achievement(achievement_id: int) -> bool:
    terms = list(
        MatchPosting.objects.filter(achievement_id=achievement_id).values_list("term_id", flat=True)
    )
    MatchPosting.objects.filter(achievement_id=achievement_id).delete()
    _adjust_frequencies(terms, -1)
    deleted = MatchDocument.objects.filter(pk=achievement_id).delete()[0]
    if deleted:
        cache.delete(DOCUMENT_COUNT_KEY)
    return bool(deleted)


@transaction.atomic
def rebuild_index(vocabulary: Vocabulary, *, progress=None) -> int:
    """Index every indexable achievement from scratch (after a vocabulary change, or in bulk)."""
    MatchPosting.objects.all().delete()
    MatchDocument.objects.all().delete()
    indexed = 0
    queryset = (
        Achievement.objects.filter(status__in=DISCOVERED_STATUSES)
        .order_by("pk")
        .only("pk", "title", "summary", "status", "field_id", "landing_division_id")
    )
    batch: list[Achievement] = []
    for achievement in queryset.iterator(chunk_size=BATCH):
        batch.append(achievement)
        if len(batch) == BATCH:
            indexed += _index_batch(vocabulary, batch)
            batch = []
            if progress:
                progress(indexed)
    indexed += _index_batch(vocabulary, batch)
    _recount_frequencies()
    cache.delete(DOCUMENT_COUNT_KEY)
    return indexed


def _index_batch(vocabulary: Vocabulary, achievements: list[Achievement]) -> int:
    if not achievements:
        return 0
    now = timezone.now()
    analysed = []
    for achievement in achievements:
        analysis = analyse_achievement(vocabulary, achievement)
        weights = document_weights(analysis)
        concepts = analysis.concept_surfaces()
        place = (achievement.field_id, achievement.landing_division_id)
        analysed.append((achievement.pk, weights, concepts, place))
    ids = term_ids(text for _, weights, _, _ in analysed for text in weights)
    MatchPosting.objects.bulk_create(
        [
            MatchPosting(
                achievement_id=pk,
                term_id=ids[text],
                weight=weight,
                field_id=field_id,
                division_id=division_id,
            )
            for pk, weights, _, (field_id, division_id) in analysed
            for text, weight in weights.items()
        ],
        batch_size=BATCH * 5,
    )
    MatchDocument.objects.bulk_create(
        [
            MatchDocument(
                achievement_id=pk,
                fingerprint=_fingerprint(weights, concepts, place),
                concepts=concepts,
                indexed_at=now,
            )
            for pk, weights, concepts, place in analysed
        ],
        batch_size=BATCH,
    )
    return len(analysed)


def _recount_frequencies() -> None:
    counts = (
        MatchPosting.objects.filter(term=OuterRef("pk"))
        .order_by()
        .values("term")
        .annotate(n=Count("*"))
        .values("n")
    )
    MatchTerm.objects.update(df=Coalesce(Subquery(counts), Value(0)))


def document_frequencies(features: Iterable[str]) -> dict[str, int]:
    return dict(MatchTerm.objects.filter(text__in=set(features)).values_list("text", "df"))


def indexed_features(achievement_ids: Iterable[int]) -> list[Indexed]:
    """The features of achievements as they are in the index now (those not indexed are left
    out): what incremental matching needs when a re-index found nothing changed, e.g. a task
    run again after it indexed but before it matched."""
    ids = list(achievement_ids)
    documents = dict(
        MatchDocument.objects.filter(pk__in=ids).values_list("achievement_id", "concepts")
    )
    if not documents:
        return []
    found: dict[int, Indexed] = {}
    for pk, text, weight, field_id, division_id in MatchPosting.objects.filter(
        achievement_id__in=list(documents)
    ).values_list("achievement_id", "term__text", "weight", "field_id", "division_id"):
        indexed = found.setdefault(pk, Indexed(pk, field_id, division_id, {}, documents[pk]))
        indexed.weights[text] = weight
    return [found[pk] for pk in sorted(found)]
