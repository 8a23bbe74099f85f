"""The measured parts of `manage.py bench`; each returns its figures and leaves the data as it
found it (writes run in a transaction that is rolled back)."""

import resource
import tempfile
import time
import tracemalloc
from datetime import date

from django.db import connection, transaction
from django.test import override_settings

from achievements import matching
from achievements.choices import DISCOVERED_STATUSES, AchievementStatus
from achievements.excel.discovery import export_sheet
from achievements.management.commands.bench_discovery import bench_sheet, timed_import
from achievements.management.commands.bench_matching import CANDIDATE_DEPTH
from achievements.management.commands.bench_matching import Command as MatchingBench
from achievements.matching.evaluation import load_labelled_set, percentile
from achievements.models import Achievement, MatchDocument
from achievements.selectors.discovery import library_for
from achievements.services.landing import landing_check_all
from kernel.excel import write_workbook
from quotas.choices import ReportKind
from quotas.services import periods_due, report_generate
from towns.choices import Role
from towns.models import Division, Industry, Unit, User

from .figures import Figure

# Targets of issue 8.
WEB_RATIO_PAGES = 0.50
WEB_RATIO_DASHBOARD = 0.25
MATCH_P95_MS = 50.0
IMPORT_ROWS_PER_S = 2000.0
REPORT_SECONDS = 5.0
# Streaming: ten times the rows may not take more than twice the memory.
EXPORT_MEMORY_GROWTH = 2.0
# The nightly check must finish well inside its night (02:15 → the 07:30 escalation run).
LANDING_CHECK_SECONDS = 600.0
# Quality of the labelled set (tests/achievements/demands/test_matching_quality.py).
TARGET_NDCG = 0.80

WRK = "/usr/bin/wrk"
SHOWCASE_QUERIES = [
    "传感器",
    "复合材料",
    "锂电池",
    "机器人",
    "芯片",
    "催化剂",
    "检测装置",
    "控制系统",
    "新能源",
    "医疗器械",
]


class _Rollback(Exception):
    pass


def staff_user() -> User:
    return User.objects.filter(role=Role.CENTER_STAFF, username="staff").first() or (
        User.objects.filter(role=Role.CENTER_STAFF).order_by("pk").first()
    )


def leader_user() -> User:
    return User.objects.filter(role=Role.LEADER).order_by("pk").first()


# --- matching -------------------------------------------------------------------------------


def ensure_index(log) -> float:
    """Index the library for matching unless every indexable achievement is; returns seconds."""
    total = Achievement.objects.filter(status__in=DISCOVERED_STATUSES).count()
    # Counted, not read from the cache (another data set's count may sit there).
    if MatchDocument.objects.count() >= total:
        return 0.0
    started = time.perf_counter()
    matching.rebuild_index(
        matching.vocabulary(), progress=lambda n: log(f"  索引 {n:,}/{total:,}", ending="\r")
    )
    settle()
    return time.perf_counter() - started


def settle() -> None:
    """Bring freshly bulk-loaded tables to the state autovacuum keeps a live database in: planner
    statistics, and the visibility map without which PostgreSQL cannot answer from an index alone
    (the matching's posting scans took three times as long before it)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (the tests measure inside one).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def bench_matching(log, repeat: int = 3) -> list[Figure]:
    seconds = ensure_index(log)
    labelled = load_labelled_set()
    fields = {i.code: i for i in Industry.objects.all()}
    divisions = {d.code: d for d in Division.objects.all()}
    fallback = Division.objects.order_by("code").first()
    demands = [
        (d, fields[d.field], divisions.get(d.division) or fallback) for d in labelled.demands
    ]
    titles = {a.title: a.key for a in labelled.achievements}
    keys = {
        pk: titles[title]
        for pk, title in Achievement.objects.filter(title__in=titles).values_list("pk", "title")
    }
    bench = MatchingBench()
    quality, latencies = bench._evaluate(demands, keys, repeat)
    judged = bench._evaluate_condensed(demands, keys)
    judged_near = bench._evaluate_condensed(demands, keys, CANDIDATE_DEPTH)
    holdout = [d.id for d in labelled.demands if d.split == "holdout"]
    corpus = Achievement.objects.count()
    figures = [
        Figure(
            "匹配",
            f"单个需求排序 p95（{corpus:,} 项成果）",
            percentile(latencies, 0.95),
            "ms",
            MATCH_P95_MS,
            "max",
            extra={
                "p50_ms": percentile(latencies, 0.5),
                "max_ms": max(latencies),
                "runs": len(latencies),
            },
        ),
        # Judged achievements only: the first CONDENSED_DEPTH results, the unjudged generated
        # ones taken out.
        Figure(
            "匹配", "标注集 nDCG@10（全部成果中，只计已标注）", judged.mean_ndcg(), "", TARGET_NDCG
        ),
        Figure(
            "匹配",
            "标注集 nDCG@10 留出集（全部成果中，只计已标注）",
            judged.mean_ndcg(holdout),
            "",
            TARGET_NDCG,
        ),
        Figure("匹配", "标注集 recall@10（全部成果中，只计已标注）", judged.mean_recall(), ""),
        # The same, cut at the results drawn from the top 10's own candidates: stricter.
        Figure(
            "匹配",
            f"标注集 nDCG@10（只计已标注，限前 {CANDIDATE_DEPTH} 名）",
            judged_near.mean_ndcg(),
            "",
        ),
        Figure(
            "匹配",
            f"标注集 nDCG@10 留出集（只计已标注，限前 {CANDIDATE_DEPTH} 名）",
            judged_near.mean_ndcg(holdout),
            "",
        ),
        # Every unjudged generated achievement counted as irrelevant: a lower bound.
        Figure(
            "匹配",
            "标注集 nDCG@10（全部成果中，未标注计为不相关，下限）",
            quality.mean_ndcg(),
            "",
        ),
        Figure(
            "匹配",
            "标注集 nDCG@10 留出集（未标注计为不相关，下限）",
            quality.mean_ndcg(holdout),
            "",
        ),
        Figure("匹配", "标注集 recall@10（未标注计为不相关，下限）", quality.mean_recall(), ""),
    ]
    if seconds:
        figures.append(Figure("匹配", "建立匹配索引（全部成果）", seconds, "s"))
    return figures


# --- bulk work ------------------------------------------------------------------------------


def bench_import(rows: int, log) -> list[Figure]:
    unit = Unit.objects.get(code="dgut") if Unit.objects.filter(code="dgut").exists() else None
    unit = unit or Unit.objects.order_by("pk").first()
    liaison = User.objects.filter(role=Role.LIAISON, unit=unit).first()
    sheet = bench_sheet(rows)
    figures = []
    try:
        with transaction.atomic():
            timed = timed_import(unit, liaison, sheet, rows)
            figures.append(
                Figure(
                    "批量",
                    f"Excel 导入 {rows:,} 行（含校验与查重）",
                    rows / timed.total_s,
                    "行/秒",
                    IMPORT_ROWS_PER_S,
                    extra={
                        "parse_and_validate_s": timed.parse_s,
                        "save_s": timed.save_s,
                        "rows": rows,
                    },
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return figures


def _export_queryset(user, rows: int):
    queryset = library_for(user).exclude(status=AchievementStatus.MERGED).order_by("pk")
    return queryset.filter(pk__in=queryset.values("pk")[:rows])


def _export_peak(user, rows: int) -> float:
    """Peak Python memory (MiB) of writing `rows` rows, traced (which slows it several times)."""
    with tempfile.TemporaryFile() as handle:
        tracemalloc.start()
        write_workbook([export_sheet(_export_queryset(user, rows), user)], handle)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 2**20


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_export(rows: int, log) -> list[Figure]:
    """The export streams in chunks: ten times the rows must not take much more memory. Traced
    at a hundredth and a tenth of the rows; the full export is timed untraced, with the growth
    of the process's peak resident memory while it runs."""
    user = staff_user()
    small, mid = max(10, rows // 100), max(100, rows // 10)
    small_peak = _export_peak(user, small)
    mid_peak = _export_peak(user, mid)
    before = _max_rss_mib()
    with tempfile.TemporaryFile() as handle:
        started = time.perf_counter()
        write_workbook([export_sheet(_export_queryset(user, rows), user)], handle)
        seconds = time.perf_counter() - started
        size = handle.tell() / 2**20
    growth = _max_rss_mib() - before
    return [
        Figure("批量", f"Excel 导出 {small:,} 行：峰值内存（tracemalloc）", small_peak, "MiB"),
        Figure(
            "批量",
            f"Excel 导出 {mid:,} 行：峰值内存（{small:,} 行的倍数）",
            mid_peak / small_peak if small_peak else 0.0,
            "×",
            EXPORT_MEMORY_GROWTH,
            "max",
            extra={"peak_mib": mid_peak},
        ),
        Figure(
            "批量",
            f"Excel 导出 {rows:,} 行：耗时",
            seconds,
            "s",
            extra={"rows_per_s": rows / seconds, "file_mib": size},
        ),
        Figure("批量", f"Excel 导出 {rows:,} 行：进程常驻内存峰值增长", growth, "MiB"),
    ]


def bench_report(today: date, log) -> list[Figure]:
    start, end = periods_due(ReportKind.BIWEEKLY, today=today)[-1]
    figures = []
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        for label, kind, first, last, target in (
            (
                f"每两周一报（{start:%m-%d}至{end:%m-%d}）",
                ReportKind.BIWEEKLY,
                start,
                end,
                REPORT_SECONDS,
            ),
            ("全部数据的专项报告（2024-01-01 起）", ReportKind.CUSTOM, date(2024, 1, 1), end, None),
        ):
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    report_generate(kind=kind, start=first, end=last)
                    elapsed = time.perf_counter() - started
                    raise _Rollback
            except _Rollback:
                pass
            figures.append(Figure("批量", label, elapsed, "s", target, "max"))
    return figures


def bench_landing_check(log) -> list[Figure]:
    figures = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            checked = landing_check_all()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    service = Achievement.objects.in_service_library().count()
    figures.append(
        Figure(
            "批量",
            f"夜间落地核查（服务库 {service:,} 项，核查 {checked:,} 项）",
            elapsed,
            "s",
            LANDING_CHECK_SECONDS,
            "max",
            extra={"checked": checked, "per_achievement_ms": elapsed * 1000 / max(1, checked)},
        )
    )
    return figures
