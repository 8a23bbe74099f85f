"""Chinese text → weighted words and concepts.

jieba segments the text with its own dictionary, our domain dictionary (`userdict.txt`) and every
term of the staff-edited vocabulary (`SynonymGroup`), so that 注塑件, 模流分析 or 电池鼓包 stay
whole. Each vocabulary term found in a text also evokes its concept; the concept is what lets a
problem ("缩痕") meet a technology ("模流分析") that shares no word with it.
"""

import logging
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jieba
from django.db.models import Count, Max

from kernel.validators import to_halfwidth

from ..models import SynonymGroup
from ..models.demands import split_terms

jieba.setLogLevel(logging.WARNING)

HERE = Path(__file__).resolve().parent
CONCEPT_PREFIX = "#"  # concept features are "#<id>"; no word starts with it
MAX_TERM_LENGTH = 40
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"^[a-z0-9][a-z0-9.+\-]*$")
_HAS_LETTER = re.compile(r"[a-z\u4e00-\u9fff]")


def normalize(text: str) -> str:
    return to_halfwidth(text or "").lower()


def _read_words(name: str) -> list[str]:
    words = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.extend(line.split())
    return words


STOPWORDS = frozenset(_read_words("stopwords.txt"))

_lock = threading.Lock()
_base: jieba.Tokenizer | None = None


def _base_tokenizer() -> jieba.Tokenizer:
    """jieba's dictionary plus ours, loaded once per process (about a second)."""
    global _base
    with _lock:
        if _base is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            tokenizer.load_userdict(str(HERE / "userdict.txt"))
            _base = tokenizer
        return _base


def _tokenizer_with(words) -> jieba.Tokenizer:
    """A copy of the base tokenizer that also keeps `words` whole (the base stays untouched)."""
    base = _base_tokenizer()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.user_word_tag_tab = dict(base.user_word_tag_tab)
    tokenizer.initialized = True
    for word in words:
        if _CJK.search(word) and len(word) <= MAX_TERM_LENGTH:
            tokenizer.add_word(word)
    return tokenizer


@dataclass
class Analysis:
    """What one text is about: words and concepts with their (boosted) counts."""

    words: Counter = field(default_factory=Counter)
    # concept id → {the words of this text that evoked it: count}
    concepts: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def length(self) -> float:
        return float(sum(self.words.values()))

    def features(self) -> dict[str, float]:
        """Words and concepts as one feature → count mapping."""
        found = dict(self.words)
        for concept_id, surfaces in self.concepts.items():
            found[f"{CONCEPT_PREFIX}{concept_id}"] = float(sum(surfaces.values()))
        return found

    def concept_surfaces(self) -> dict[str, list[str]]:
        return {
            str(concept_id): [word for word, _ in surfaces.most_common()]
            for concept_id, surfaces in self.concepts.items()
        }


class Vocabulary:
    """The tokenizer and the concept table at one state of `SynonymGroup`."""

    def __init__(
        self,
        signature,
        groups: list[tuple[int, str, str]],
        links: list[tuple[int, int]] = (),
    ):
        self.signature = signature
        self.concept_names: dict[int, str] = {}
        # The concept graph's edges among active concepts: concept id → related concept ids.
        self.related: dict[int, list[int]] = defaultdict(list)
        self.term_concepts: dict[str, list[int]] = defaultdict(list)
        for group_id, name, terms in groups:
            self.concept_names[group_id] = name
            for term in split_terms(terms):
                self.term_concepts[term].append(group_id)
        for source, target in links:
            if source in self.concept_names and target in self.concept_names:
                self.related[source].append(target)
        cjk_terms = [t for t in self.term_concepts if _CJK.search(t)]
        ascii_terms = sorted(
            (t for t in self.term_concepts if not _CJK.search(t)), key=len, reverse=True
        )
        self._cjk_terms = cjk_terms
        # ASCII terms (PCB, AOI, 5G) must stand alone: "ic" is not a term inside "plastic".
        self._ascii_pattern = (
            re.compile(
                r"(?<![a-z0-9])(" + "|".join(re.escape(t) for t in ascii_terms) + r")(?![a-z0-9])"
            )
            if ascii_terms
            else None
        )
        self.tokenizer = _tokenizer_with(cjk_terms)

    def words(self, text: str) -> list[str]:
        """The meaningful words of a normalised text (search-mode segmentation)."""
        kept = []
        # No HMM guessing of unknown words: in colloquial text it invents tokens like 段时间.
        for token in self.tokenizer.cut_for_search(text, HMM=False):
            token = token.strip()
            if len(token) < 2 or len(token) > MAX_TERM_LENGTH or token in STOPWORDS:
                continue
            if not _HAS_LETTER.search(token):
                continue
            if not _CJK.search(token) and not _ASCII_WORD.match(token):
                continue
            kept.append(token)
        return kept

    def concept_terms_in(self, text: str) -> Counter:
        """Vocabulary terms occurring in a normalised text, with their counts. A term counts only
        where it stands outside a longer term found (胶件 inside 塑胶件 is not counted again)."""
        raw: Counter = Counter()
        for term in self._cjk_terms:
            if term in text:
                raw[term] = text.count(term)
        if self._ascii_pattern is not None:
            raw.update(self._ascii_pattern.findall(text))
        found: Counter = Counter()
        for term, count in raw.items():
            inside = sum(
                raw[longer] * longer.count(term)
                for longer in raw
                if len(longer) > len(term) and term in longer
            )
            if count > inside:
                found[term] = count - inside
        return found

    def analyse(self, *parts: tuple[str, float]) -> Analysis:
        """Analyse texts with a boost each, e.g. (title, 3), (summary, 1)."""
        analysis = Analysis()
        for text, boost in parts:
            text = normalize(text)
            for word in self.words(text):
                analysis.words[word] += boost
            for term, count in self.concept_terms_in(text).items():
                for concept_id in self.term_concepts[term]:
                    analysis.concepts[concept_id][term] += boost * count
        return analysis

    def concept_name(self, feature: str) -> str:
        return self.concept_names.get(int(feature.removeprefix(CONCEPT_PREFIX)), "")


_current: Vocabulary | None = None


def vocabulary() -> Vocabulary:
    """The vocabulary as the database holds it now (one small query to check for edits)."""
    global _current
    state = SynonymGroup.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    signature = (state["n"], state["changed"].isoformat() if state["changed"] else "")
    current = _current
    if current is None or current.signature != signature:
        active = SynonymGroup.objects.filter(is_active=True).order_by("id")
        groups = list(active.values_list("id", "name", "terms"))
        links = list(
            SynonymGroup.related.through.objects.order_by("pk").values_list(
                "from_synonymgroup_id", "to_synonymgroup_id"
            )
        )
        current = Vocabulary(signature, groups, links)
        _current = current
    return current
