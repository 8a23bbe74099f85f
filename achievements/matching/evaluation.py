"""Measuring matching quality: graded relevance, nDCG@k and recall@k, and the labelled set."""

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings

LABELLED_DIR = Path(settings.BASE_DIR) / "tests" / "achievements" / "demands"


@dataclass
class LabelledAchievement:
    key: str
    title: str
    summary: str
    field: str
    division: str = ""


@dataclass
class LabelledDemand:
    id: str
    split: str
    kind: str
    field: str
    title: str
    description: str
    relevant: dict[str, int]
    division: str = ""
    style: str = ""
    judge_note: str = ""


@dataclass
class LabelledSet:
    achievements: list[LabelledAchievement]
    demands: list[LabelledDemand]


def load_labelled_set(directory: Path = LABELLED_DIR) -> LabelledSet:
    """The portal's own labelled set: dev demands (tuned on) and holdout ones (never)."""
    return _load(directory, ["labelled_achievements.yaml"], "labelled_demands.yaml")


def load_independent_set(directory: Path = LABELLED_DIR) -> LabelledSet:
    """The independent set: demands written blind and judged afterwards against the labelled
    corpus plus a corpus written blind too. Demands nobody could answer are left out of it."""
    found = _load(
        directory,
        ["labelled_achievements.yaml", "independent_achievements.yaml"],
        "independent_demands.yaml",
    )
    found.demands = [d for d in found.demands if d.relevant]
    return found


def load_dev_set(directory: Path = LABELLED_DIR) -> LabelledSet:
    """The development set of the concept graph (`dev_demands.yaml`): demands in factory-floor
    language for every industry, judged against the labelled corpus. Tuned on, like the labelled
    set's dev part."""
    return _load(directory, ["labelled_achievements.yaml"], "dev_demands.yaml")


def _load(directory: Path, achievement_files: list[str], demand_file: str) -> LabelledSet:
    def read(name):
        return yaml.safe_load((directory / name).read_text(encoding="utf-8"))

    achievements = [LabelledAchievement(**row) for name in achievement_files for row in read(name)]
    if len({a.key for a in achievements}) != len(achievements):
        raise ValueError("achievement keys repeat across the corpus files")
    demands = []
    for row in read(demand_file):
        row["relevant"] = {key: grade for key, grade in row["relevant"].items() if grade > 0}
        demands.append(LabelledDemand(**row))
    keys = {a.key for a in achievements}
    unknown = {k for d in demands for k in d.relevant} - keys
    if unknown:
        raise ValueError(f"labelled demands name unknown achievements: {sorted(unknown)}")
    return LabelledSet(achievements=achievements, demands=demands)


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(key, 0) for key in ranked[:k]]) / ideal


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant.keys()) / len(relevant)


@dataclass
class Quality:
    ndcg: dict[str, float] = field(default_factory=dict)
    recall: dict[str, float] = field(default_factory=dict)

    def add(self, demand_id: str, ranked: list[str], relevant: dict[str, int], k: int = 10):
        self.ndcg[demand_id] = ndcg_at(ranked, relevant, k)
        self.recall[demand_id] = recall_at(ranked, relevant, k)

    def mean_ndcg(self, ids=None) -> float:
        return _mean(self.ndcg, ids)

    def mean_recall(self, ids=None) -> float:
        return _mean(self.recall, ids)


def _mean(values: dict[str, float], ids=None) -> float:
    chosen = [values[i] for i in (ids if ids is not None else values)]
    return sum(chosen) / len(chosen) if chosen else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]
