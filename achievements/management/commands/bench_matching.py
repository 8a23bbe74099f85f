"""Benchmark of demand ↔ achievement matching: quality on the labelled set, latency at scale.

Runs in a scratch database (created, migrated and dropped by the command), never in the portal's
own data:

1. the labelled achievements alone → nDCG@10 and recall@10 of the labelled demands (dev and
   holdout), once with the concept vocabulary and once without it (what the bridge adds);
   then the independent set (demands written blind, judged afterwards, over the labelled corpus
   plus a corpus written blind) → nDCG@10 overall and per style of demand (vocabulary gap, cross
   field, no field …), the figure nothing was tuned on;
2. plus N generated achievements (deterministic; 100,000 by default) → nDCG@10 and recall@10
   again, and the latency of ranking each demand (analysis + ranking, best 10), p50/p95/max.

    manage.py bench_matching                       # 100,000 achievements
    manage.py bench_matching --achievements 20000  # quicker
"""

import json
import time
from io import StringIO
from random import Random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from achievements import matching
from achievements.choices import AchievementKind, AchievementStatus
from achievements.matching import learning, scoring
from achievements.matching.concepts import graph_rows
from achievements.matching.evaluation import (
    Quality,
    load_dev_set,
    load_independent_set,
    load_labelled_set,
    percentile,
)
from achievements.matching.ranking import CANDIDATES, judged_features
from achievements.models import Achievement, MatchLearning, SynonymGroup
from kernel.wording import clause_separator
from towns.choices import Role
from towns.models import Division, Industry, Unit, User

SEED = 20260101
HOLDER = "基准测试"
BATCH = 5000
# Condensed lists are cut from the ranking as a run submits it: its first 1,000 results. The
# candidate search orders every achievement it finds by the full score, so the first 10 of a
# deeper ranking are the top 10 a demand gets (the same for 46 of the 48 labelled demands among
# 100,000 achievements; the other two differ by the exact re-scoring of more candidates).
CONDENSED_DEPTH = 1000
# The stricter cut: the results drawn from the same CANDIDATES as the top 10 (`rank` widens its
# candidate pool only for limits above a third of it).
CANDIDATE_DEPTH = CANDIDATES // 3

# Generated achievements are written the way achievement summaries are: a method or material,
# an object, what the work was about, and the figures it reached. Words come from the
# vocabulary staff curate, with the common words of claims around them, so the index has the
# term distribution of a real library.
METHODS = [
    "基于深度学习的",
    "一种新型",
    "高效",
    "低成本",
    "智能化",
    "绿色",
    "面向中小企业的",
    "高可靠",
    "模块化",
    "低功耗",
    "高精度",
    "柔性",
    "可回收",
    "国产化",
    "数字化",
    "在线",
]
OBJECTS = [
    "控制系统",
    "检测装置",
    "制备工艺",
    "复合材料",
    "传感器",
    "成套装备",
    "软件平台",
    "处理技术",
    "驱动模块",
    "涂层",
    "电源",
    "机器人",
    "试剂盒",
    "薄膜",
    "催化剂",
    "生产线",
    "算法",
    "芯片",
]
# A summary sentence: what the work is about (a word of its topic, which may name a technique,
# a product or a defect alike), then what it achieved.
SENTENCES = [
    "针对{w}，{claim}",
    "围绕{w}开展攻关，{claim}",
    "在{w}方面，{claim}",
    "实现{w}的在线监测，{claim}",
    "兼顾{w}与{v}，{claim}",
]
CLAIMS = [
    "良品率提高{n}%",
    "生产成本降低{n}%",
    "能耗降低{n}%",
    "生产效率提升{n}%",
    "检测时间缩短{n}%",
    "使用寿命延长{n}%",
    "不良率下降{n}%",
    "关键指标达到国际先进水平",
    "性能优于进口同类产品",
    "已在{n}家企业应用",
    "满足行业标准要求",
]
# A generated demand: an enterprise's problem in a word of one topic.
DEMAND_PROBLEMS = [
    "我司生产中遇到{w}方面的难题",
    "现有产线在{w}上存在瓶颈",
    "客户反馈{w}问题较多",
    "公司计划在{w}方面升级改造",
]
DEMAND_TITLES = ["寻求{w}解决方案", "{w}方面的技术合作需求", "寻求{w}相关技术"]


class Corpus:
    """Deterministic generator of plausible achievement texts.

    Each generated achievement is about one topic (a concept of the vocabulary, chosen with a
    Zipf-like skew: some topics are common, most rare) and mostly uses that topic's words, with
    a few from elsewhere — so the index gets the term distribution of a real library.
    """

    def __init__(self, seed: int):
        self.rng = Random(seed)
        self.topics = [
            [t.strip() for t in terms.replace("，", "、").split("、") if t.strip()]
            for terms in SynonymGroup.objects.order_by("pk").values_list("terms", flat=True)
        ]
        self.words = sorted({word for topic in self.topics for word in topic})
        self.fields = list(Industry.objects.order_by("code"))
        self.divisions = list(Division.objects.order_by("code"))

    def _skewed(self, items: list):
        return items[int(len(items) * self.rng.random() ** 2)]

    def _word(self, topic: list[str]) -> str:
        return self.rng.choice(topic) if self.rng.random() < 0.7 else self._skewed(self.words)

    def text(self) -> tuple[str, str]:
        """An achievement's title and summary."""
        rng = self.rng
        topic = self._skewed(self.topics)
        title = f"{rng.choice(METHODS)}{rng.choice(topic)}{rng.choice(OBJECTS)}"
        sentences = []
        for _ in range(rng.randint(2, 4)):
            claim = rng.choice(CLAIMS).format(n=rng.randint(5, 60))
            word, other = self._word(topic), self._word(topic)
            sentence = rng.choice(SENTENCES[:-1] if word == other else SENTENCES)
            sentences.append(sentence.format(w=word, v=other, claim=claim))
        return title, clause_separator().join(sentences) + "。"

    def demand_text(self) -> tuple[str, str]:
        """A demand's title and the problem it states."""
        rng = self.rng
        topic = self._skewed(self.topics)
        word = rng.choice(topic)
        problem = rng.choice(DEMAND_PROBLEMS).format(w=word)
        return (
            rng.choice(DEMAND_TITLES).format(w=word),
            f"{problem}，涉及{self._word(topic)}等环节。",
        )

    def achievement(self, **common) -> Achievement:
        title, summary = self.text()
        return Achievement(
            title=title[:200],
            summary=summary,
            field=self.rng.choice(self.fields),
            landing_division=self.rng.choice(self.divisions) if self.rng.random() < 0.3 else None,
            trl=self.rng.randint(3, 9),
            **common,
        )


# (column, which concepts are active, scoring choices): the plain jieba BM25 baseline, the
# matching before issue 17 (the 84 concepts written beside the labelled set, a flat field bonus)
# and after it (the concept graph of every industry followed one step, the field a soft signal).
# The shrinkage tried on the dev sets (`--learning --dev`); learning.PRIOR is the one chosen.
DEV_PRIORS = [2.0, 5.0, 10.0, 20.0, 50.0]

CONFIGURATIONS = [
    ("jieba BM25", "none", {"related_weight": 0.0, "field": "none"}),
    ("之前", "original", {"related_weight": 0.0, "field": "flat"}),
    ("之后", "all", {}),
    # Pseudo-relevance feedback, measured but off: on the dev sets every setting tried (2–5
    # achievements, 4–15 features, 0.15–0.6 of a word) moved nDCG@10 by less than ±0.01.
    ("之后+反馈", "all", {"feedback_docs": 3}),
]


class Command(BaseCommand):
    help = "Matching benchmark: nDCG@10 / recall@10 on the labelled set, latency at scale."

    def add_arguments(self, parser):
        parser.add_argument("--achievements", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=3, help="timed runs per demand")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="development only: the dev sets (labelled dev part and dev_demands.yaml) under "
            "each configuration; the held-out and independent sets are neither run nor printed",
        )
        parser.add_argument(
            "--variant",
            action="append",
            default=[],
            help='with --dev: another scoring to compare, as JSON, e.g. {"related_weight": 0.3}',
        )
        parser.add_argument(
            "--show", default="", help="with --dev: print the top 10 of these dev demands (ids)"
        )
        parser.add_argument(
            "--learning",
            action="store_true",
            help="only the gain of learning from judgments simulated on the dev demands; with "
            "--dev, the dev sets alone (each learns from the other), one row per PRIOR tried",
        )
        parser.add_argument(
            "--keepdb",
            action="store_true",
            help="keep the scratch database; a later run with the same size reuses it and only "
            "measures the full corpus",
        )

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if connection.vendor == "postgresql":
            database.setdefault("TEST", {})["NAME"] = f"bench_{database['NAME']}"
        keepdb = options["keepdb"]
        self.stdout.write(f"临时数据库（{connection.vendor}）准备中…")
        old = setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=keepdb)
        try:
            call_command("load_reference", verbosity=0, stdout=StringIO())
            if options["learning"]:
                self.learning_gain(dev_only=options["dev"])
            elif options["dev"]:
                self.variants = [
                    (f"之后 {spec}", "all", json.loads(spec)) for spec in options["variant"]
                ]
                self.show = set(options["show"].split(","))
                self.compare(dev_only=True)
            else:
                self.run(options["achievements"], options["repeat"])
        finally:
            teardown_databases(old, verbosity=0, keepdb=keepdb)

    # --- the benchmark ----------------------------------------------------------------------

    # --- quality: configurations compared on each set ------------------------------------------

    def compare(self, *, dev_only: bool) -> None:
        """nDCG@10 of each configuration (CONFIGURATIONS) on each set, one table.

        dev: the labelled set's dev part and dev_demands.yaml (both tuned on); holdout: the
        labelled set's held-out part; independent: demands written blind over the labelled corpus
        plus a blind corpus, overall and per style. With `dev_only` the last two are skipped, so
        tuning never sees them."""
        labelled, own_dev = load_labelled_set(), load_dev_set()
        independent = None if dev_only else load_independent_set()
        keys, blind, demands_of = self._corpus(labelled, independent)

        graph = {row["name"] for row in graph_rows()}
        every = set(SynonymGroup.objects.filter(is_active=True).values_list("pk", flat=True))
        original = set(
            SynonymGroup.objects.filter(pk__in=every)
            .exclude(name__in=graph)
            .values_list("pk", flat=True)
        )
        columns: dict[str, dict[str, float]] = {}
        configurations = CONFIGURATIONS + (self.variants if dev_only else [])
        for label, concepts, tuning in configurations:
            active = {"none": set(), "original": original, "all": every}[concepts]
            SynonymGroup.objects.filter(pk__in=every).update(
                is_active=False, updated_at=timezone.now()
            )
            SynonymGroup.objects.filter(pk__in=active).update(
                is_active=True, updated_at=timezone.now()
            )
            row = columns.setdefault(label, {})
            with scoring.tuned(**tuning):
                self._set_blind(blind, visible=False)
                for name, found in [("标注集 dev", labelled), ("自编 dev", own_dev)]:
                    ids = [d.id for d in found.demands if d.split == "dev"]
                    quality, _ = self._evaluate(demands_of(found), keys, 1)
                    row[name] = quality.mean_ndcg(ids)
                    if name == "自编 dev":
                        for style in sorted({d.style for d in found.demands}):
                            chosen = [d.id for d in found.demands if d.style == style]
                            row[f"自编 dev·{style}"] = quality.mean_ndcg(chosen)
                        if dev_only:
                            self.stdout.write(
                                f"{label}："
                                + " ".join(f"{k} {v:.2f}" for k, v in quality.ndcg.items())
                            )
                    elif not dev_only:
                        held = [d.id for d in found.demands if d.split == "holdout"]
                        row["标注集留出"] = quality.mean_ndcg(held)
                if independent is not None:
                    self._set_blind(blind, visible=True)
                    quality, _ = self._evaluate(demands_of(independent), keys, 1)
                    row["独立集"] = quality.mean_ndcg()
                    row["独立集 recall"] = quality.mean_recall()
                    for style in sorted({d.style for d in independent.demands}):
                        chosen = [d.id for d in independent.demands if d.style == style]
                        row[f"独立集·{style}"] = quality.mean_ndcg(chosen)
        SynonymGroup.objects.filter(pk__in=every).update(is_active=True, updated_at=timezone.now())
        Achievement.objects.filter(pk__in=keys).delete()
        names = list(next(iter(columns.values())))
        self.stdout.write("")
        self.stdout.write("nDCG@10（recall 另注）；dev 为调参所用，留出集与独立集从未用于调参：")
        self.stdout.write(f"{'':<44}" + "".join(f"{label:>14}" for label in columns))
        for name in names:
            self.stdout.write(
                f"{name:<44}" + "".join(f"{columns[label][name]:>14.3f}" for label in columns)
            )

    def _corpus(self, labelled, independent):
        """The labelled corpus (and the blind one, hidden, with the independent set) as
        achievements: their keys by pk, the blind ones' pks, and a demand → (demand, field,
        division) function."""
        fields = {i.code: i for i in Industry.objects.all()}
        divisions = {d.code: d for d in Division.objects.all()}
        common = self._common()
        created = Achievement.objects.bulk_create(
            [
                Achievement(
                    title=a.title,
                    summary=a.summary,
                    field=fields[a.field],
                    landing_division=divisions.get(a.division),
                    **common,
                )
                for a in labelled.achievements
            ]
        )
        keys = {obj.pk: a.key for obj, a in zip(created, labelled.achievements, strict=True)}
        blind = []
        if independent is not None:
            extra = [a for a in independent.achievements if a.key not in keys.values()]
            made = Achievement.objects.bulk_create(
                [
                    Achievement(title=a.title, summary=a.summary, field=fields[a.field], **common)
                    for a in extra
                ]
            )
            blind = [obj.pk for obj in made]
            keys |= {obj.pk: a.key for obj, a in zip(made, extra, strict=True)}

        def demands_of(found):
            return [
                (d, fields[d.field], divisions.get(d.division) or divisions["441900003"])
                for d in found.demands
            ]

        return keys, blind, demands_of

    # --- learning from the center's judgments ------------------------------------------------

    def learning_gain(self, *, dev_only: bool) -> None:
        """nDCG@10 before and after learning from simulated judgments (matching/learning.py).

        Judgments come from the dev demands only (the labelled set's dev part and
        dev_demands.yaml): among each one's top 10, the achievements judged relevant are
        accepted, the others rejected. The weights learned from them are stored as the
        recompute task stores them, and the held-out and independent sets are ranked before and
        after. With `dev_only` each dev set learns from the other's judgments (PRIOR is chosen
        on these figures) and the other sets are neither run nor printed."""
        labelled, own_dev = load_labelled_set(), load_dev_set()
        independent = None if dev_only else load_independent_set()
        keys, blind, demands_of = self._corpus(labelled, independent)
        self._set_blind(blind, visible=False)
        MatchLearning.objects.all().delete()
        vocabulary = matching.vocabulary()
        neutral = learning.Adjustments()
        field_of = dict(Achievement.objects.values_list("pk", "field_id"))
        judged: dict[str, list[learning.Judged]] = {}
        for name, found in [("标注集 dev", labelled), ("自编 dev", own_dev)]:
            rows = judged.setdefault(name, [])
            for demand, field, division in demands_of(found):
                if demand.split != "dev":
                    continue
                query = self._query(vocabulary, demand, field, division)
                top = matching.rank(vocabulary, query, limit=10, adjustments=neutral)
                rows += judged_features(
                    query,
                    [
                        (
                            r.achievement_id,
                            field_of[r.achievement_id],
                            keys.get(r.achievement_id) in demand.relevant,
                        )
                        for r in top
                    ],
                )
        every = [j for rows in judged.values() for j in rows]
        self.stdout.write(
            f"模拟判断（dev 需求前 10 名）：{len(every)} 条，其中接受 {sum(j.positive for j in every)} 条"
        )

        def store(adjustments: learning.Adjustments) -> None:
            MatchLearning.objects.update_or_create(
                key="matching",
                defaults={
                    "weights": adjustments.as_json(),
                    "judgments": adjustments.judgments,
                    "computed_at": timezone.now(),
                },
            )

        def measure(found, ids=None) -> float:
            quality, _ = self._evaluate(demands_of(found), keys, 1)
            return quality.mean_ndcg(ids)

        def dev_ids(found):
            return [d.id for d in found.demands if d.split == "dev"]

        if dev_only:
            self.stdout.write(
                f"{'PRIOR':>8}{'标注集 dev（学自编）':>22}{'自编 dev（学标注集）':>22}"
            )
            store(neutral)
            before = (measure(labelled, dev_ids(labelled)), measure(own_dev, dev_ids(own_dev)))
            self.stdout.write(f"{'学习前':>8}{before[0]:>22.3f}{before[1]:>22.3f}")
            for prior in DEV_PRIORS:
                store(learning.learn(judged["自编 dev"], prior=prior))
                first = measure(labelled, dev_ids(labelled))
                store(learning.learn(judged["标注集 dev"], prior=prior))
                second = measure(own_dev, dev_ids(own_dev))
                self.stdout.write(f"{prior:>8.0f}{first:>22.3f}{second:>22.3f}")
        else:
            learned = learning.learn(every)
            self.stdout.write(
                f"学得权重（PRIOR {learning.PRIOR:.0f}）：概念 {len(learned.concepts)} 个，"
                f"概念命中 ×{learned.concept_hits}，词语重合 ×{learned.word_overlap}，"
                f"同领域加分 ×{learned.field_bonus}"
            )
            holdout = [d.id for d in labelled.demands if d.split == "holdout"]
            figures = {}
            for label, adjustments in [("学习前", neutral), ("学习后", learned)]:
                store(adjustments)
                self._set_blind(blind, visible=False)
                row = figures.setdefault(label, {})
                row["标注集留出"] = measure(labelled, holdout)
                if independent is not None:
                    self._set_blind(blind, visible=True)
                    row["独立集"] = measure(independent)
            self.stdout.write(f"{'':<14}" + "".join(f"{label:>10}" for label in figures))
            for name in figures["学习前"]:
                self.stdout.write(
                    f"{name:<14}"
                    + "".join(f"{figures[label][name]:>10.3f}" for label in figures)
                    + f"  增益 {figures['学习后'][name] - figures['学习前'][name]:+.3f}"
                )
        MatchLearning.objects.all().delete()
        Achievement.objects.filter(pk__in=keys).delete()

    def _set_blind(self, pks: list[int], *, visible: bool) -> None:
        """Show or hide the blind corpus (it belongs to the independent set only), re-index."""
        if pks:
            status = AchievementStatus.SUBMITTED if visible else AchievementStatus.DRAFT
            Achievement.objects.filter(pk__in=pks).update(status=status)
        self._index("语料" + ("（含盲写语料）" if visible else ""), Achievement.objects.count())

    def run(self, count: int, repeat: int) -> None:
        self.compare(dev_only=False)
        self.learning_gain(dev_only=False)
        labelled = load_labelled_set()
        fields = {i.code: i for i in Industry.objects.all()}
        divisions = {d.code: d for d in Division.objects.all()}
        demands = [
            (d, fields[d.field], divisions.get(d.division) or divisions["441900003"])
            for d in labelled.demands
        ]
        rows = []
        total = len(labelled.achievements) + count
        if Achievement.objects.filter(holder=HOLDER).count() == total:
            self.stdout.write(f"沿用上次生成的 {total} 项成果及其索引。")
            titles = {a.title: a.key for a in labelled.achievements}
            keys = {
                pk: titles[title]
                for pk, title in Achievement.objects.filter(title__in=titles).values_list(
                    "pk", "title"
                )
            }
        else:
            Achievement.objects.all().delete()
            keys = self._labelled_only(labelled, demands, fields, divisions, rows)
            if count:
                self._generate(count)
                self._index("全部成果", total)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE achievements_matchposting")
                    cursor.execute("VACUUM ANALYZE achievements_matchterm")
                    cursor.execute("ANALYZE achievements_achievement")
        judged = []
        if count:
            rows.append((f"标注集 + {count} 项生成成果", *self._evaluate(demands, keys, repeat)))
            judged = [
                (depth, self._evaluate_condensed(demands, keys, depth))
                for depth in (CONDENSED_DEPTH, CANDIDATE_DEPTH)
            ]
        self._report(rows, labelled, judged)

    def _common(self) -> dict:
        unit = Unit.objects.get(code="dgut")
        author, _ = User.objects.get_or_create(
            username="bench", defaults={"role": Role.LIAISON, "unit": unit}
        )
        return {
            "kind": AchievementKind.PROJECT,
            "holder": HOLDER,
            "discovering_unit": unit,
            "created_by": author,
            "status": AchievementStatus.SUBMITTED,
            "discovered_on": timezone.localdate(),
        }

    def _labelled_only(self, labelled, demands, fields, divisions, rows) -> dict[int, str]:
        """Index the labelled achievements alone; measure with and without the concepts."""
        common = self._common()
        created = Achievement.objects.bulk_create(
            [
                Achievement(
                    title=a.title,
                    summary=a.summary,
                    field=fields[a.field],
                    landing_division=divisions.get(a.division),
                    **common,
                )
                for a in labelled.achievements
            ]
        )
        keys = {obj.pk: a.key for obj, a in zip(created, labelled.achievements, strict=True)}
        self._index("标注集成果", len(created))
        rows.append((f"标注集（{len(created)} 项成果）", *self._evaluate(demands, keys, 1)))

        groups = list(SynonymGroup.objects.filter(is_active=True).values_list("pk", flat=True))
        SynonymGroup.objects.filter(pk__in=groups).update(
            is_active=False, updated_at=timezone.now()
        )
        self._index("标注集成果（不用概念词库）", len(created))
        rows.append(("标注集，不用概念词库（对照）", *self._evaluate(demands, keys, 1)))
        SynonymGroup.objects.filter(pk__in=groups).update(is_active=True, updated_at=timezone.now())
        return keys

    def _generate(self, count: int) -> None:
        common = self._common()
        corpus = Corpus(SEED)
        started = time.perf_counter()
        for start in range(0, count, BATCH):
            Achievement.objects.bulk_create(
                [corpus.achievement(**common) for _ in range(min(BATCH, count - start))]
            )
        self.stdout.write(f"生成 {count} 项成果：{time.perf_counter() - started:.0f} 秒")

    def _index(self, label: str, total: int) -> None:
        started = time.perf_counter()
        matching.rebuild_index(
            matching.vocabulary(),
            progress=lambda n: self.stdout.write(f"  索引 {n}/{total}", ending="\r"),
        )
        self.stdout.write(
            f"建立索引（{label}，{total} 项）：{time.perf_counter() - started:.0f} 秒"
        )

    @staticmethod
    def _query(vocabulary, demand, field, division):
        query = matching.DemandQuery.build(
            vocabulary,
            title=demand.title,
            description=demand.description,
            field=field,
            division=division,
        )
        return matching.with_feedback(vocabulary, query)

    show: set[str] = set()

    def _evaluate(self, demands, keys, repeat: int):
        vocabulary = matching.vocabulary()
        quality = Quality()
        latencies = []
        for demand, field, division in demands:
            for _ in range(repeat):
                started = time.perf_counter()
                query = self._query(vocabulary, demand, field, division)
                ranked = matching.rank(vocabulary, query, limit=10)
                latencies.append((time.perf_counter() - started) * 1000)
            if demand.id in self.show:
                self.stdout.write(
                    f"  {demand.id}: "
                    + " ".join(
                        f"{keys.get(r.achievement_id)}{'*' if keys.get(r.achievement_id) in demand.relevant else ''}"
                        for r in ranked
                    )
                )
            quality.add(
                demand.id, [keys.get(r.achievement_id, "") for r in ranked], demand.relevant
            )
        return quality, latencies

    def _evaluate_condensed(self, demands, keys, depth: int = CONDENSED_DEPTH) -> Quality:
        """Quality over the judged achievements only ("condensed lists", Sakai 2007): the
        ranking's first `depth` results with the achievements nobody judged taken out.
        Among generated achievements on the same topics many would be relevant, so counting
        every unjudged one as a miss measures the judgements' gaps as much as the ranking."""
        vocabulary = matching.vocabulary()
        quality = Quality()
        for demand, field, division in demands:
            query = self._query(vocabulary, demand, field, division)
            ranked = matching.rank(vocabulary, query, limit=depth)
            judged = [keys[r.achievement_id] for r in ranked if r.achievement_id in keys]
            quality.add(demand.id, judged, demand.relevant)
        return quality

    def _report(self, rows, labelled, judged: list[tuple[int, Quality]]) -> None:
        dev = [d.id for d in labelled.demands if d.split == "dev"]
        holdout = [d.id for d in labelled.demands if d.split == "holdout"]
        self.stdout.write("")
        self.stdout.write(
            f"标注需求 {len(labelled.demands)} 项（调参用 {len(dev)} 项，留出 {len(holdout)} 项）"
        )
        header = f"{'语料':<34}{'nDCG@10':>9}{'留出集':>8}{'recall@10':>11}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        self.stdout.write(header)
        for label, quality, latencies in rows:
            self.stdout.write(
                f"{label:<34}{quality.mean_ndcg():>9.3f}{quality.mean_ndcg(holdout):>8.3f}"
                f"{quality.mean_recall():>11.3f}{percentile(latencies, 0.5):>9.1f}"
                f"{percentile(latencies, 0.95):>9.1f}{max(latencies):>9.1f}"
            )
        if not rows:
            return
        self.stdout.write(_weakest(rows[-1][1]))
        for depth, quality in judged:
            self.stdout.write(
                f"只计已标注的成果（前 {depth} 名中）：nDCG@10 {quality.mean_ndcg():.3f}，"
                f"留出集 {quality.mean_ndcg(holdout):.3f}，recall@10 {quality.mean_recall():.3f}；"
                + _weakest(quality)
            )


def _weakest(quality: Quality, count: int = 5) -> str:
    worst = sorted(quality.ndcg.items(), key=lambda item: item[1])[:count]
    return "最弱的需求：" + "，".join(f"{key} {value:.2f}" for key, value in worst)
