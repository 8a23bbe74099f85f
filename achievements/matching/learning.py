"""Learning from the center's decisions: weight adjustments from accepted vs rejected matches.

A judgment is a match someone decided about: staff proposed it or the enterprise accepted it
(relevant), staff rejected it or the enterprise declined it (not relevant). Each judged match
has the features the ranking used: the demand's concepts it shared, the share of its text score
that came from concepts and from words, and whether it was in the demand's field.

From them, multipliers of the ranking's weights:

    rate(g)  = (accepted(g) + PRIOR · base) / (judged(g) + PRIOR)      (shrunk towards base)
    m(g)     = clamp(rate(g) / base, LOWER, UPPER)

where base is the acceptance rate of all judgments and g a concept (the judgments that shared
it), the concept or word share (judgments weighted by that share) or the field (judgments in the
demand's field against those outside it). PRIOR is a number of imagined judgments at the base
rate: a few real ones move a multiplier little. With no judgments every multiplier is 1 and the
ranking is exactly as without learning (`Adjustments.neutral`).

PRIOR and the bounds were chosen on the development demands only (`bench_matching --dev`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

# Chosen on the dev sets (`bench_matching --learning --dev`, each dev set learning from the
# other's simulated judgments): every PRIOR tried (2 … 50) lowered nDCG@10 a little; 50 the least
# (labelled dev 0.938 → 0.934, own dev 0.882 → 0.882).
PRIOR = 50.0
LOWER = 0.5
UPPER = 1.5
# Fewer judgments than this and nothing is learned (the base rate itself is noise).
MIN_JUDGMENTS = 5


@dataclass(frozen=True)
class Judged:
    """One judgment and the ranking features of its match."""

    positive: bool
    concepts: frozenset[str]  # the concept features ("#<id>") the demand and achievement shared
    concept_share: float  # of the text score, from concepts (0..1); the rest from words
    same_field: bool
    has_text: bool = True


@dataclass
class Adjustments:
    """Multipliers of the ranking's weights (1.0 = unchanged)."""

    concepts: dict[str, float] = field(default_factory=dict)  # per concept feature
    concept_hits: float = 1.0  # every concept feature
    word_overlap: float = 1.0  # every word feature
    field_bonus: float = 1.0  # the same-field bonus
    judgments: int = 0

    @property
    def neutral(self) -> bool:
        return (
            not self.concepts
            and self.concept_hits == 1.0
            and self.word_overlap == 1.0
            and self.field_bonus == 1.0
        )

    def feature(self, feature: str, *, concept: bool) -> float:
        if concept:
            return self.concept_hits * self.concepts.get(feature, 1.0)
        return self.word_overlap

    def apply(self, weighted: dict[str, float], *, is_concept) -> dict[str, float]:
        """The demand's idf-weighted features with the learned multipliers."""
        if self.neutral:
            return weighted
        return {
            feature: weight * self.feature(feature, concept=is_concept(feature))
            for feature, weight in weighted.items()
        }

    def as_json(self) -> dict:
        return {
            "concepts": self.concepts,
            "concept_hits": self.concept_hits,
            "word_overlap": self.word_overlap,
            "field_bonus": self.field_bonus,
            "judgments": self.judgments,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "Adjustments":
        data = data or {}
        return cls(
            concepts={k: float(v) for k, v in (data.get("concepts") or {}).items()},
            concept_hits=float(data.get("concept_hits", 1.0)),
            word_overlap=float(data.get("word_overlap", 1.0)),
            field_bonus=float(data.get("field_bonus", 1.0)),
            judgments=int(data.get("judgments", 0)),
        )


def _multiplier(
    accepted: float, judged: float, base: float, prior: float, lower: float, upper: float
) -> float:
    rate = (accepted + prior * base) / (judged + prior)
    return round(min(upper, max(lower, rate / base)), 4)


def learn(
    judgments: Iterable[Judged],
    *,
    prior: float = PRIOR,
    lower: float = LOWER,
    upper: float = UPPER,
) -> Adjustments:
    """The multipliers the judgments support, shrunk towards 1 and bounded (module docstring)."""
    judged = [j for j in judgments if j.has_text]
    if len(judged) < MIN_JUDGMENTS:
        return Adjustments(judgments=len(judged))
    accepted = sum(j.positive for j in judged)
    # The base rate, itself shrunk towards one half, never 0 or 1.
    base = (accepted + 1) / (len(judged) + 2)

    def multiplier(pairs: Iterable[tuple[float, bool]]) -> float:
        weights = list(pairs)
        return _multiplier(
            sum(w for w, positive in weights if positive),
            sum(w for w, _ in weights),
            base,
            prior,
            lower,
            upper,
        )

    seen: dict[str, list[bool]] = {}
    for judgment in judged:
        for concept in judgment.concepts:
            seen.setdefault(concept, []).append(judgment.positive)
    concepts = {
        concept: m
        for concept, labels in sorted(seen.items())
        if (m := multiplier((1.0, label) for label in labels)) != 1.0
    }
    same = multiplier((1.0, j.positive) for j in judged if j.same_field)
    other = multiplier((1.0, j.positive) for j in judged if not j.same_field)
    return Adjustments(
        concepts=concepts,
        concept_hits=multiplier((j.concept_share, j.positive) for j in judged),
        word_overlap=multiplier((1 - j.concept_share, j.positive) for j in judged),
        field_bonus=round(min(upper, max(lower, same / other)), 4),
        judgments=len(judged),
    )


def current() -> Adjustments:
    """The adjustments stored by the last recompute (one query); neutral before any."""
    from ..models import MatchLearning

    stored = MatchLearning.objects.filter(key="matching").values_list("weights", flat=True).first()
    return Adjustments.from_json(stored)
