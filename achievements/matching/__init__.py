"""Demand ↔ achievement matching: Chinese text analysis, the match index and ranking."""

from . import learning
from .index import document_frequencies, index_achievement, rebuild_index, unindex_achievement
from .ranking import DemandQuery, Ranked, rank, score_indexed, with_feedback
from .scoring import concepts_fired, explanation_text
from .text import normalize, vocabulary

__all__ = [
    "DemandQuery",
    "concepts_fired",
    "learning",
    "Ranked",
    "document_frequencies",
    "explanation_text",
    "index_achievement",
    "normalize",
    "rank",
    "rebuild_index",
    "score_indexed",
    "unindex_achievement",
    "vocabulary",
    "with_feedback",
]
