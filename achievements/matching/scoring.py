"""How a demand and an achievement score: BM25 over words and concepts, plus field and division.

    text  = Σ over shared features f of  idf(f) · q(f) · d(f)
    score = TEXT_SHARE · (1 − e^(−SATURATION · text / ideal)) + FIELD_SHARE · same field
            + DIVISION_SHARE · same division

q(f) is the demand's weight of f (1 + ln count; concepts count CONCEPT_WEIGHT as much as words),
d(f) the achievement's BM25 term weight (stored in the index) capped at MATCHED_WEIGHT_CAP, and
`ideal` what an achievement containing every feature of the demand once would get — so the
score reads as a share in [0, 1].

The cap: a feature met counts at most as much as once in a text of typical length. Without it,
a short text that repeats two of the demand's rarer words in its title outranks one that covers
most of the demand in plain sentences; among 100,000 achievements such texts crowd the top 10
(`manage.py bench_matching`: nDCG@10 with unjudged results counted as misses 0.698 → 0.738).
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kernel.wording import join_names

from .text import CONCEPT_PREFIX, Analysis

TITLE_BOOST = 2.0
K1 = 1.0
B = 0.6
PIVOT_LENGTH = 60.0  # a typical achievement's word count (title counted twice)
CONCEPT_WEIGHT = 0.8
PART_WEIGHT = 0.4
MAX_DOCUMENT_FEATURES = 96
MAX_QUERY_FEATURES = 32

TEXT_SHARE = 0.82
FIELD_SHARE = 0.12
DIVISION_SHARE = 0.06
SATURATION = 2.5
MATCHED_WEIGHT_CAP = 1.0


@dataclass(frozen=True)
class Tuning:
    """The choices `bench_matching` compares in one run (the portal always uses `TUNING`).

    related_weight: a concept reached through the concept graph, relative to the demand's own
        concept (0: the graph's links are not followed);
    field: "soft" — the field bonus scales with how well the texts match, so a weak text match
        gains little from its field and a cross-field achievement that matches better stays
        ahead; "flat" — a fixed bonus for the same field (before issue 17); "none" — the field
        and division do not count (the plain BM25 baseline);
    feedback_docs: pseudo-relevance feedback — the features shared by the first ranking's best
        `feedback_docs` achievements join the demand (0: off); `feedback_terms` of them at most,
        the strongest at `feedback_weight` of a word the demand names once.
    """

    related_weight: float = 0.5
    field: str = "soft"
    feedback_docs: int = 0
    feedback_terms: int = 8
    feedback_weight: float = 0.3

    @property
    def soft_field(self) -> bool:
        return self.field == "soft"


TUNING = Tuning()


@contextmanager
def tuned(**changes):
    """Score with other choices for a while (benchmarks only)."""
    global TUNING
    before = TUNING
    TUNING = replace(TUNING, **changes)
    try:
        yield TUNING
    finally:
        TUNING = before


def is_concept(feature: str) -> bool:
    return feature.startswith(CONCEPT_PREFIX)


def document_weights(analysis: Analysis) -> dict[str, float]:
    """BM25 term weights of an achievement, the strongest MAX_DOCUMENT_FEATURES kept."""
    length_norm = 1 - B + B * analysis.length / PIVOT_LENGTH
    weights = {
        feature: count * (K1 + 1) / (count + K1 * length_norm)
        for feature, count in analysis.features().items()
    }
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return dict(strongest[:MAX_DOCUMENT_FEATURES])


def query_weights(analysis: Analysis) -> dict[str, float]:
    """A demand's feature weights (before idf).

    Search-mode segmentation yields a compound and its parts (塑胶件, 塑胶, 胶件); the parts let
    a demand meet an achievement that uses only 塑胶, but count less, so that one word of the
    demand is not counted three times.
    """
    words = list(analysis.words)
    weights = {}
    for feature, count in analysis.features().items():
        if count < 1:
            continue
        weight = 1 + math.log(count)
        if is_concept(feature):
            weight *= CONCEPT_WEIGHT
        elif any(feature != other and feature in other for other in words):
            weight *= PART_WEIGHT
        weights[feature] = weight
    return weights


def idf(document_frequency: int, documents: int) -> float:
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def weighted_query(
    weights: dict[str, float], frequencies: dict[str, int], documents: int
) -> dict[str, float]:
    """idf-weighted demand features that occur in the index, strongest first, capped."""
    weighted = {
        feature: weight * idf(frequencies[feature], documents)
        for feature, weight in weights.items()
        if frequencies.get(feature)
    }
    strongest = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))
    return dict(strongest[:MAX_QUERY_FEATURES])


def text_score(weighted: dict[str, float], shared: dict[str, float]) -> float:
    """Σ idf · q · d over the shared features, d capped at MATCHED_WEIGHT_CAP."""
    return sum(
        weighted[feature] * min(weight, MATCHED_WEIGHT_CAP) for feature, weight in shared.items()
    )


def ideal_text_score(weighted: dict[str, float]) -> float:
    # An achievement containing each feature once at the pivot length gets weight 1 per feature.
    return sum(weighted.values()) or 1.0


def final_score(
    text: float,
    ideal: float,
    *,
    same_field: bool,
    same_division: bool,
    field_share: float = FIELD_SHARE,
) -> float:
    share = 1 - math.exp(-SATURATION * text / ideal)
    if TUNING.field == "none":
        same_field = same_division = False
    field_bonus = field_share * same_field * (share if TUNING.soft_field else 1.0)
    score = TEXT_SHARE * share + field_bonus + DIVISION_SHARE * same_division
    return round(min(1.0, max(0.0, score)), 4)


@dataclass
class Explanation:
    """Why an achievement matched a demand, in terms a person can check."""

    terms: list[str] = field(default_factory=list)
    # (concept name, the demand's words, the achievement's words, the demand's concept that led
    # to it through the concept graph or "")
    concepts: list[tuple[str, list[str], list[str], str]] = field(default_factory=list)
    field: str = ""
    division: str = ""

    def as_json(self) -> dict:
        return {
            "terms": self.terms,
            "concepts": [
                {"name": name, "demand": demand, "achievement": achievement, "via": via}
                for name, demand, achievement, via in self.concepts
            ],
            "field": self.field,
            "division": self.division,
        }


def concepts_fired(data: dict) -> list[str]:
    """The names of the concepts that bridged the demand and the achievement (through the
    graph: "demand's concept → achievement's concept")."""
    return [
        f"{concept['via']} → {concept['name']}" if concept.get("via") else concept["name"]
        for concept in data.get("concepts", [])
    ]


@dataclass(frozen=True)
class ExplanationWording:
    """The sentences that differ between what an explanation is about (an achievement, a
    person): gettext msgids marked with `gettext_noop` and translated when the text is made.

    `related` and `same_concept` name the other side's words `%(<their_words>)s`; `landing`
    (with `%(division)s`) is left out where there is no intended landing town."""

    related: str
    same_concept: str
    their_words: str
    landing: str | None = None


ACHIEVEMENT_WORDING = ExplanationWording(
    related=gettext_noop(
        "需求中的“%(demand)s”（%(via)s）与成果中的“%(achievement)s”（%(name)s）相关联"
    ),
    same_concept=gettext_noop("需求中的“%(demand)s”与成果中的“%(achievement)s”同属“%(name)s”"),
    their_words="achievement",
    landing=gettext_noop("拟落地%(division)s，与企业同在一地"),
)


def explanation_text(data: dict, wording: ExplanationWording = ACHIEVEMENT_WORDING) -> str:
    """One readable sentence from a stored explanation (an achievement match's by default; a
    person's with `people.PERSON_WORDING`)."""
    parts = []
    if data.get("terms"):
        parts.append(_("共同关键词：%(terms)s") % {"terms": join_names(data["terms"])})
    for concept in data.get("concepts", []):
        words = {
            "demand": join_names(concept["demand"]),
            wording.their_words: join_names(concept["achievement"]),
            "name": concept["name"],
        }
        if concept.get("via"):
            parts.append(_(wording.related) % {**words, "via": concept["via"]})
        else:
            parts.append(_(wording.same_concept) % words)
    if data.get("field"):
        parts.append(_("同属%(field)s领域") % {"field": data["field"]})
    if wording.landing and data.get("division"):
        parts.append(_(wording.landing) % {"division": data["division"]})
    return _("；").join(parts) + (_("。") if parts else "")
