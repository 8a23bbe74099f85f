"""Reads of the public showcase: Chinese search ranked by relevance, cached per generation."""

import hashlib
import math

from django.core.cache import cache
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When

from .. import matching
from ..models import ShowcaseEntry
from ..services.showcase import showcase_generation

SEARCH_CACHE_SECONDS = 600
MAX_RESULTS = 2000
MAX_TERMS = 60
TITLE_WEIGHT = 3.0
PHRASE_WEIGHT = 2.0
EXPANSION_WEIGHT = 0.3


def public_entries() -> QuerySet[ShowcaseEntry]:
    return ShowcaseEntry.objects.public().select_related("field", "division")


def search_terms(query: str) -> dict[str, float]:
    """What to look for, with weights: the query's own parts and words, and — weakly — every
    other word of the concepts it evokes (searching 缩痕 also finds 模流分析, ranked lower)."""
    vocabulary = matching.vocabulary()
    text = " ".join(matching.normalize(query).split())
    if not text:
        return {}
    terms: dict[str, float] = {}
    for part in text.split(" "):
        if len(part) >= 2 or not terms:
            terms[part] = PHRASE_WEIGHT
    for word in vocabulary.words(text):
        terms.setdefault(word, 1.0)
    evoked = {
        concept_id
        for term in vocabulary.concept_terms_in(text)
        for concept_id in vocabulary.term_concepts[term]
    }
    for other, concepts in vocabulary.term_concepts.items():
        if len(terms) >= MAX_TERMS:
            break
        if other not in terms and evoked.intersection(concepts):
            terms[other] = EXPANSION_WEIGHT
    return terms


def ranked_ids(queryset: QuerySet[ShowcaseEntry], query: str) -> list[int]:
    """Ids of the entries that match `query`, most relevant first (all of them without one)."""
    if not query.strip():
        return list(
            queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)[:MAX_RESULTS]
        )
    terms = search_terms(query)
    matches = Q()
    for term in terms:
        matches |= Q(search_text__contains=term)
    candidates = queryset.filter(matches)
    counts = candidates.aggregate(
        n=Count("pk"),
        **{f"t{i}": Count("pk", filter=Q(search_text__contains=t)) for i, t in enumerate(terms)},
    )
    if not counts["n"]:
        return []
    relevance = Value(0.0, output_field=FloatField())
    for i, (term, weight) in enumerate(terms.items()):
        found = counts[f"t{i}"]
        if not found:
            continue
        # Rarer words say more about what the visitor wants.
        weight *= math.log(1 + counts["n"] / found) + 0.5
        relevance = (
            relevance
            + Case(
                When(title__icontains=term, then=Value(TITLE_WEIGHT * weight)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            + Case(
                When(search_text__contains=term, then=Value(weight)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return list(
        candidates.annotate(relevance=relevance)
        .order_by(F("relevance").desc(), "-published_at", "-pk")
        .values_list("pk", flat=True)[:MAX_RESULTS]
    )


def cached_ranked_ids(queryset: QuerySet[ShowcaseEntry], query: str, params: list) -> list[int]:
    """`ranked_ids`, remembered until a public entry changes."""
    digest = hashlib.sha1(repr(sorted(params)).encode(), usedforsecurity=False).hexdigest()
    key = f"achievements:showcase:{showcase_generation()}:{digest}"
    ids = cache.get(key)
    if ids is None:
        ids = ranked_ids(queryset, query)
        cache.set(key, ids, SEARCH_CACHE_SECONDS)
    return ids


def entries_in_order(ids: list[int]) -> list[ShowcaseEntry]:
    found = {entry.pk: entry for entry in public_entries().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def public_entry(key: str) -> ShowcaseEntry | None:
    return public_entries().filter(key=key).first()
