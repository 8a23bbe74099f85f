"""Rank achievements for a demand.

One SQL aggregate over the postings of the demand's (at most MAX_QUERY_FEATURES) features gives
the best candidates by the full score (text, field, division); their exact scores then come
from all their postings. The same score function serves incremental matching when a single
achievement changes (`score_indexed`).
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db import connection

from ..models import Achievement, MatchDocument, MatchPosting, MatchTerm
from . import learning, scoring
from .index import Indexed, document_count, document_frequencies, indexed_features
from .scoring import (
    DIVISION_SHARE,
    FIELD_SHARE,
    MATCHED_WEIGHT_CAP,
    SATURATION,
    TEXT_SHARE,
    TITLE_BOOST,
    Explanation,
    final_score,
    ideal_text_score,
    idf,
    is_concept,
    query_weights,
    text_score,
    weighted_query,
)
from .text import CONCEPT_PREFIX, Vocabulary

CANDIDATES = 100
POSTINGS_PER_FEATURE = 3000
MAX_TERMS_SHOWN = 6
MAX_CONCEPTS_SHOWN = 3
MAX_SURFACES_SHOWN = 3
# The least score worth a person's look, for achievements and people alike (below it a
# candidate shares no more than a stray word with the demand).
MIN_SCORE = 0.15


@dataclass
class DemandQuery:
    """A demand as matching sees it. Stored as JSON on the demand (`as_json`/`from_json`)."""

    weights: dict[str, float]
    concepts: dict[str, list[str]]
    field_id: int | None
    division_id: int | None
    field_name: str = ""
    division_name: str = ""
    # concept id reached through the graph → the id of the demand's concept that led to it
    via: dict[str, str] = field(default_factory=dict)
    # features the first ranking's best achievements shared, added by `with_feedback`
    feedback: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, vocabulary: Vocabulary, *, title, description, field, division):
        analysis = vocabulary.analyse((title, TITLE_BOOST), (description, 1.0))
        query = cls(
            weights=query_weights(analysis),
            concepts=analysis.concept_surfaces(),
            field_id=field.pk if field else None,
            division_id=division.pk if division else None,
            field_name=field.name if field else "",
            division_name=division.name if division else "",
        )
        query.expand(vocabulary)
        return query

    def expand(self, vocabulary: Vocabulary) -> None:
        """Walk one step of the concept graph: each concept of the demand also evokes its related
        concepts, at `Tuning.related_weight` of its own weight (a concept the demand names itself keeps
        its own weight)."""
        related_weight = scoring.TUNING.related_weight
        if not related_weight:
            return
        own = {feature for feature in self.weights if is_concept(feature)}
        for feature in sorted(own, key=lambda f: (-self.weights[f], f)):
            source = int(feature.removeprefix(CONCEPT_PREFIX))
            for target in vocabulary.related.get(source, ()):
                reached = f"{CONCEPT_PREFIX}{target}"
                if reached in own or reached in self.weights:
                    continue
                self.weights[reached] = self.weights[feature] * related_weight
                self.concepts[str(target)] = self.concepts.get(str(source), [])
                self.via[str(target)] = str(source)

    def as_json(self) -> dict:
        return {
            "weights": self.weights,
            "concepts": self.concepts,
            "via": self.via,
            "feedback": self.feedback,
            "field": [self.field_id, self.field_name],
            "division": [self.division_id, self.division_name],
        }

    @classmethod
    def from_json(cls, data: dict) -> "DemandQuery":
        field_id, field_name = data.get("field") or (None, "")
        division_id, division_name = data.get("division") or (None, "")
        return cls(
            weights=data.get("weights", {}),
            concepts=data.get("concepts", {}),
            field_id=field_id,
            division_id=division_id,
            field_name=field_name,
            division_name=division_name,
            via=data.get("via", {}),
            feedback=data.get("feedback", []),
        )


@dataclass
class Ranked:
    achievement_id: int
    score: float
    explanation: dict = field(default_factory=dict)


def _frequencies(features) -> dict[str, tuple[int, int]]:
    """feature → (term id, document frequency) for the features present in the index."""
    rows = MatchTerm.objects.filter(text__in=list(features)).values_list("text", "id", "df")
    return {text: (pk, df) for text, pk, df in rows}


def explain(
    vocabulary: Vocabulary,
    query: DemandQuery,
    weighted: dict[str, float],
    document: dict[str, float],
    document_concepts: dict[str, list[str]],
    *,
    same_field: bool,
    same_division: bool,
) -> Explanation:
    """The shared words, the concepts that bridged different words, the field and division."""
    shared = sorted(
        (feature for feature in document if feature in weighted),
        key=lambda feature: (-weighted[feature] * document[feature], feature),
    )
    words = [feature for feature in shared if not is_concept(feature)]
    explanation = Explanation(
        field=query.field_name if same_field else "",
        division=query.division_name if same_division else "",
    )
    # A word inside a longer shared word (注塑 in 注塑件) adds nothing for the reader.
    explanation.terms = [
        word for word in words if not any(word != other and word in other for other in words)
    ][:MAX_TERMS_SHOWN]
    for feature in shared:
        if not is_concept(feature):
            continue
        concept_id = feature[1:]
        demand_words = query.concepts.get(concept_id, [])[:MAX_SURFACES_SHOWN]
        achievement_words = document_concepts.get(concept_id, [])[:MAX_SURFACES_SHOWN]
        if not set(achievement_words) - set(demand_words):
            continue  # the same words: already listed as shared terms
        via = query.via.get(concept_id)
        explanation.concepts.append(
            (
                vocabulary.concept_name(feature),
                demand_words,
                achievement_words,
                vocabulary.concept_name(via) if via else "",
            )
        )
        if len(explanation.concepts) == MAX_CONCEPTS_SHOWN:
            break
    return explanation


def _candidates(
    weights: dict[int, float],
    query: DemandQuery,
    ideal: float,
    count: int,
    field_share: float = FIELD_SHARE,
) -> list[int]:
    """The ids of the `count` best achievements by the full score (text, field, division).

    The text score is Σ over features of weight × posting weight. Each feature contributes at
    most its POSTINGS_PER_FEATURE strongest postings (those where the feature is prominent: in
    the title, or in a short text). A very common feature — a concept half the library
    mentions once — then costs a bounded index scan instead of tens of thousands of rows; an
    achievement it alone would have found scores too low to rank anyway.

    Field and division are copied onto the postings, so the order is that of `final_score` over
    every achievement found (on the postings found), not only the best by text: a same-field
    achievement a little behind on words is not lost before the field counts. Grouped by
    achievement alone, so that postings written before a copy caught up cannot split one.
    """
    table = connection.ops.quote_name(MatchPosting._meta.db_table)
    parts, params = [], []
    for position, (term_id, weight) in enumerate(weights.items()):
        parts.append(
            # The table name is quoted by the backend; every value is a parameter.
            "SELECT * FROM (SELECT achievement_id, field_id, division_id, "  # noqa: S608
            "CASE WHEN weight > %s THEN %s ELSE weight END * %s AS score "
            f"FROM {table} WHERE term_id = %s ORDER BY weight DESC LIMIT %s) AS feature{position}"
        )
        params += [MATCHED_WEIGHT_CAP, MATCHED_WEIGHT_CAP, weight, term_id, POSTINGS_PER_FEATURE]
    # The field's bonus as `final_score` has it: flat, or scaled by the text share (soft).
    field_factor = "(1 - EXP(-%s * SUM(score)))" if scoring.TUNING.soft_field else "%s"
    sql = (
        f"SELECT achievement_id FROM ({' UNION ALL '.join(parts)}) AS found "  # noqa: S608  (parts built above; values are parameters)
        "GROUP BY achievement_id "
        "ORDER BY %s * (1 - EXP(-%s * SUM(score))) "
        f"+ CASE WHEN MAX(field_id) = %s THEN %s * {field_factor} ELSE 0 END "
        "+ CASE WHEN MAX(division_id) = %s THEN %s ELSE 0 END DESC, achievement_id LIMIT %s"
    )
    counted = scoring.TUNING.field != "none"
    params += [
        TEXT_SHARE,
        SATURATION / ideal,
        query.field_id if counted else None,
        field_share,
        SATURATION / ideal if scoring.TUNING.soft_field else 1.0,
        query.division_id if counted else None,
        DIVISION_SHARE,
        count,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def rank(
    vocabulary: Vocabulary,
    query: DemandQuery,
    *,
    limit: int,
    exclude: frozenset = frozenset(),
    adjustments: learning.Adjustments | None = None,
) -> list[Ranked]:
    """The best `limit` achievements, with the weights learned from the center's judgments
    (`learning.current()` unless given; neutral ones leave every number as it was)."""
    learned = learning.current() if adjustments is None else adjustments
    frequencies = _frequencies(query.weights)
    documents = document_count()
    weighted = learned.apply(
        weighted_query(
            query.weights, {text: df for text, (_, df) in frequencies.items()}, documents
        ),
        is_concept=is_concept,
    )
    if not weighted:
        return []
    field_share = FIELD_SHARE * learned.field_bonus
    ideal = ideal_text_score(weighted)
    by_term = {frequencies[text][0]: weight for text, weight in weighted.items()}
    feature_of = {frequencies[text][0]: text for text in weighted}
    found = _candidates(
        by_term, query, ideal, max(CANDIDATES, limit * 3) + len(exclude), field_share
    )
    # Field and division as the achievements have them now; a deleted achievement whose
    # postings the index task has not removed yet drops out here.
    places = {
        pk: (field_id, division_id)
        for pk, field_id, division_id in Achievement.objects.filter(pk__in=found).values_list(
            "pk", "field_id", "landing_division_id"
        )
    }
    candidate_ids = [pk for pk in found if pk in places and pk not in exclude]
    # Exact scores of the candidates from all their postings (the candidate search may have
    # left out a common feature's weakest postings).
    shared: dict[int, dict[str, float]] = {pk: {} for pk in candidate_ids}
    for pk, term_id, weight in MatchPosting.objects.filter(
        achievement_id__in=candidate_ids, term_id__in=list(by_term)
    ).values_list("achievement_id", "term_id", "weight"):
        shared[pk][feature_of[term_id]] = weight
    scored = []
    for pk in candidate_ids:
        field_id, division_id = places[pk]
        same_field = query.field_id is not None and field_id == query.field_id
        same_division = query.division_id is not None and division_id == query.division_id
        text = text_score(weighted, shared[pk])
        score = final_score(
            text,
            ideal,
            same_field=same_field,
            same_division=same_division,
            field_share=field_share,
        )
        scored.append((score, pk, same_field, same_division))
    scored.sort(key=lambda row: (-row[0], row[1]))
    top = scored[:limit]
    if not top:
        return []

    top_ids = [pk for _, pk, _, _ in top]
    concepts = dict(MatchDocument.objects.filter(pk__in=top_ids).values_list("pk", "concepts"))
    return [
        Ranked(
            achievement_id=pk,
            score=score,
            explanation=explain(
                vocabulary,
                query,
                weighted,
                shared[pk],
                concepts.get(pk, {}),
                same_field=same_field,
                same_division=same_division,
            ).as_json(),
        )
        for score, pk, same_field, same_division in top
    ]


def with_feedback(
    vocabulary: Vocabulary,
    query: DemandQuery,
    *,
    adjustments: learning.Adjustments | None = None,
) -> DemandQuery:
    """The demand with the features its first ranking's best achievements share (pseudo-relevance
    feedback): words the demand does not use but the achievements that answer it do — a factory's
    "烫手" meeting the 导热 its first answers share. Only a feature at least two of them have, and
    more than one achievement of the library, joins; the strongest at `feedback_weight` of a word
    the demand names once. The result is what is stored and scored, so a newly indexed
    achievement is scored against the same features (`score_indexed`)."""
    tuning = scoring.TUNING
    if not tuning.feedback_docs or query.feedback or not query.weights:
        return query
    first = rank(vocabulary, query, limit=tuning.feedback_docs, adjustments=adjustments)
    documents = indexed_features(r.achievement_id for r in first if r.score >= MIN_SCORE)
    if len(documents) < 2:
        return query
    support: Counter = Counter()
    mass: Counter = Counter()
    for document in documents:
        for feature, weight in document.weights.items():
            if feature not in query.weights:
                support[feature] += 1
                mass[feature] += min(weight, MATCHED_WEIGHT_CAP)
    frequencies = document_frequencies(f for f, n in support.items() if n >= 2)
    count = document_count()
    strength = {
        feature: mass[feature] * idf(df, count) for feature, df in frequencies.items() if df > 1
    }
    chosen = sorted(strength.items(), key=lambda item: (-item[1], item[0]))[: tuning.feedback_terms]
    if not chosen:
        return query
    strongest = chosen[0][1]
    weights = dict(query.weights)
    for feature, value in chosen:
        weights[feature] = round(tuning.feedback_weight * value / strongest, 4)
    return replace(query, weights=weights, feedback=[feature for feature, _ in chosen])


def score_indexed(
    vocabulary: Vocabulary,
    query: DemandQuery,
    indexed: Indexed,
    frequencies: dict[str, int],
    documents: int,
    adjustments: learning.Adjustments | None = None,
) -> Ranked | None:
    """Score one freshly indexed achievement for one demand, exactly as `rank` would."""
    learned = learning.current() if adjustments is None else adjustments
    weighted = learned.apply(
        weighted_query(query.weights, frequencies, documents), is_concept=is_concept
    )
    shared = {feature: weight for feature, weight in indexed.weights.items() if feature in weighted}
    if not shared:
        return None
    text = text_score(weighted, shared)
    same_field = query.field_id is not None and indexed.field_id == query.field_id
    same_division = query.division_id is not None and indexed.division_id == query.division_id
    score = final_score(
        text,
        ideal_text_score(weighted),
        same_field=same_field,
        same_division=same_division,
        field_share=FIELD_SHARE * learned.field_bonus,
    )
    explanation = explain(
        vocabulary,
        query,
        weighted,
        shared,
        indexed.concepts,
        same_field=same_field,
        same_division=same_division,
    )
    return Ranked(
        achievement_id=indexed.achievement_id, score=score, explanation=explanation.as_json()
    )


def judged_features(
    query: DemandQuery, judgments: list[tuple[int, int | None, bool]]
) -> list[learning.Judged]:
    """The ranking features (before any learning) of one demand's judgments, each given as
    (achievement id, its field id, judged relevant); two queries."""
    achievements = {pk for pk, _, _ in judgments}
    frequencies = _frequencies(query.weights)
    weighted = weighted_query(
        query.weights, {text: df for text, (_, df) in frequencies.items()}, document_count()
    )
    feature_of = {frequencies[text][0]: text for text in weighted}
    shared: dict[int, dict[str, float]] = {pk: {} for pk in achievements}
    for pk, term_id, weight in MatchPosting.objects.filter(
        achievement_id__in=list(achievements), term_id__in=list(feature_of)
    ).values_list("achievement_id", "term_id", "weight"):
        shared[pk][feature_of[term_id]] = weight
    judged = []
    for pk, field_id, positive in judgments:
        contributions = {
            feature: weighted[feature] * min(weight, MATCHED_WEIGHT_CAP)
            for feature, weight in shared[pk].items()
        }
        total = sum(contributions.values())
        from_concepts = sum(v for f, v in contributions.items() if is_concept(f))
        judged.append(
            learning.Judged(
                positive=positive,
                concepts=frozenset(f for f in contributions if is_concept(f)),
                concept_share=from_concepts / total if total else 0.0,
                same_field=query.field_id is not None and field_id == query.field_id,
                has_text=total > 0,
            )
        )
    return judged
