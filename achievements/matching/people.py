"""People who can help with a talent demand (人才需求): experts, brokers, achievement teams.

A talent demand asks for people, not for an achievement. Each portal app that knows people
offers its candidates through a hook module `<app>.people` with

    KIND, LABEL, ORDER
    def find(query: PeopleQuery, user) -> list[Candidate]

(evaluation: the experts, with the fields and titles of what they evaluated; brokers: the
brokers in the library, with their fields and the contracts they brokered; achievements: the
teams behind the best-matching achievements, with their holder units). The app decides what
the viewer may see of its people (contacts masked by its own rule). Here the candidates are
scored against the demand with the matching vocabulary and explained like achievement matches:
the words and concepts shared, and the field.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from kernel.hooks import portal_modules

from .ranking import (
    MAX_CONCEPTS_SHOWN,
    MAX_SURFACES_SHOWN,
    MAX_TERMS_SHOWN,
    MIN_SCORE,
    DemandQuery,
)
from .scoring import ExplanationWording, is_concept
from .scoring import explanation_text as scoring_explanation_text
from .text import Vocabulary

PEOPLE_PER_KIND = 5
MAX_PEOPLE_PER_KIND = 20
# The words of the demand a source may use to pre-select candidates in SQL.
SEARCH_WORDS = 8
MAX_CONCEPT_TERMS = 12
TEXT_SHARE = 0.7
FIELD_SHARE = 0.3
# 1 − e^(−k·coverage): covering a third of the demand's weight gives most of the text share.
SATURATION = 3.0

# How a person's explanation words what is shared with their record (see `explanation_text`).
PERSON_WORDING = ExplanationWording(
    related=gettext_noop(
        "需求中的“%(demand)s”（%(via)s）与其经历中的“%(theirs)s”（%(name)s）相关联"
    ),
    same_concept=gettext_noop("需求中的“%(demand)s”与其经历中的“%(theirs)s”同属“%(name)s”"),
    their_words="theirs",
)


@dataclass
class PeopleQuery:
    """A demand as the people sources see it."""

    demand_id: int
    query: DemandQuery
    vocabulary: Vocabulary

    @property
    def field_id(self) -> int | None:
        return self.query.field_id

    @property
    def search_words(self) -> list[str]:
        """The demand's strongest words (not concepts, not parts of a longer word)."""
        words = [f for f in self.query.weights if not is_concept(f)]
        whole = [w for w in words if not any(w != other and w in other for other in words)]
        whole.sort(key=lambda w: (-self.query.weights[w], -len(w), w))
        return whole[:SEARCH_WORDS]

    @property
    def concept_terms(self) -> list[str]:
        """The demand's words that evoked a concept, and the concepts' other terms."""
        wanted = {int(concept_id) for concept_id in self.query.concepts}
        terms = {
            term
            for term, ids in self.vocabulary.term_concepts.items()
            if wanted.intersection(ids) and len(term) >= 2
        }
        return sorted(terms, key=lambda t: (-len(t), t))[:MAX_CONCEPT_TERMS]


@dataclass
class Candidate:
    """Someone a source offers, with what they are known for."""

    kind: str
    key: str
    name: str
    affiliation: str = ""
    field_ids: set[int] = field(default_factory=set)
    field_names: dict[int, str] = field(default_factory=dict)
    # What they worked on: titles of evaluated achievements, of brokered contracts …
    texts: list[str] = field(default_factory=list)
    detail: str = ""
    contact: dict = field(default_factory=dict)
    url: str = ""
    # A score the source computed itself (the teams: their achievement's match score).
    score: float | None = None
    explanation: dict | None = None


@dataclass
class PersonMatch:
    kind: str
    key: str
    name: str
    affiliation: str
    score: float
    explanation: dict
    detail: str = ""
    contact: dict = field(default_factory=dict)
    url: str = ""

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)


def sources() -> list:
    return sorted(portal_modules("people"), key=lambda module: module.ORDER)


def score_candidate(people_query: PeopleQuery, candidate: Candidate) -> PersonMatch | None:
    """The share of the demand's weight the candidate's work covers, plus the field."""
    if candidate.score is not None:
        score, explanation = candidate.score, candidate.explanation or {}
    else:
        query = people_query.query
        analysis = people_query.vocabulary.analyse(
            *((text, 1.0) for text in candidate.texts),
            *((name, 1.0) for name in candidate.field_names.values()),
        )
        features = analysis.features()
        shared = [f for f in query.weights if f in features]
        total = sum(query.weights.values())
        coverage = sum(query.weights[f] for f in shared) / total if total else 0.0
        same_field = query.field_id is not None and query.field_id in candidate.field_ids
        score = TEXT_SHARE * (1 - math.exp(-SATURATION * coverage)) + FIELD_SHARE * same_field
        explanation = _explain(
            people_query, shared, analysis.concept_surfaces(), same_field=same_field
        )
    if score < MIN_SCORE:
        return None
    return PersonMatch(
        kind=candidate.kind,
        key=candidate.key,
        name=candidate.name,
        affiliation=candidate.affiliation,
        score=min(1.0, round(score, 4)),
        explanation=explanation,
        detail=candidate.detail,
        contact=candidate.contact,
        url=candidate.url,
    )


def _explain(
    people_query: PeopleQuery, shared: list[str], concepts: dict, *, same_field: bool
) -> dict:
    """The same shape as an achievement match's explanation (`scoring.explanation_text`)."""
    query = people_query.query
    ordered = sorted(shared, key=lambda f: (-query.weights[f], f))
    words = [f for f in ordered if not is_concept(f)]
    terms = [w for w in words if not any(w != other and w in other for other in words)]
    bridges = []
    for feature in ordered:
        if not is_concept(feature) or len(bridges) == MAX_CONCEPTS_SHOWN:
            continue
        concept_id = feature[1:]
        demand_words = query.concepts.get(concept_id, [])[:MAX_SURFACES_SHOWN]
        their_words = concepts.get(concept_id, [])[:MAX_SURFACES_SHOWN]
        if set(their_words) - set(demand_words):
            via = query.via.get(concept_id)
            bridges.append(
                {
                    "name": people_query.vocabulary.concept_name(feature),
                    "demand": demand_words,
                    "achievement": their_words,
                    # the demand's own concept that led to this one through the graph
                    "via": people_query.vocabulary.concept_name(via) if via else "",
                }
            )
    return {
        "terms": terms[:MAX_TERMS_SHOWN],
        "concepts": bridges,
        "field": query.field_name if same_field else "",
        "division": "",
    }


def rank_people(
    people_query: PeopleQuery, user, *, per_kind: int = PEOPLE_PER_KIND
) -> list[tuple[object, list[PersonMatch]]]:
    """Per source (kind), its best people for the demand, best first."""
    found = []
    for source in sources():
        scored = [
            match
            for match in (score_candidate(people_query, c) for c in source.find(people_query, user))
            if match is not None
        ]
        scored.sort(key=lambda m: (-m.score, m.key))
        found.append((source, scored[:per_kind]))
    return found


def explanation_text(data: dict) -> str:
    """One readable sentence from a person's explanation."""
    return scoring_explanation_text(data, PERSON_WORDING)
