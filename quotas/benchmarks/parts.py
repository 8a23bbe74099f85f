"""The measured parts of `manage.py bench`; each returns its figures and leaves the data as it
found it (writes run in a transaction that is rolled back)."""

import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from achievements import matching
from achievements.choices import DISCOVERED_STATUSES, AchievementStatus, DemandStatus
from achievements.excel.discovery import export_sheet
from achievements.management.commands.bench_discovery import bench_sheet, timed_import
from achievements.management.commands.bench_matching import CANDIDATE_DEPTH
from achievements.management.commands.bench_matching import Command as MatchingBench
from achievements.matching.evaluation import load_labelled_set, percentile
from achievements.matching.index import document_count
from achievements.models import Achievement, Demand
from achievements.selectors.discovery import library_for
from achievements.services.demands import matches_recompute
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
    if document_count() >= total:
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


# --- web throughput -------------------------------------------------------------------------

LUA = r"""
local paths = {}
local n = 0
init = function(args)
  for i, p in ipairs(args) do paths[i] = p end
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n - 1) % #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %.0f %.0f %.0f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Server:
    """gunicorn with two sync workers, serving the bench database and a bare view."""

    def __init__(self, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.process = None

    def __enter__(self):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            DEBUG="0",
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(settings.BASE_DIR),
        )
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "quotas.benchmarks.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn 未能启动：" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def drain(server: Server, limit: float = 30.0) -> None:
    """Wait until the workers have finished the requests a previous run left queued (wrk stops
    sending, not the server working), so that they do not slow the next run down."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urlopen(server.url("/bench/bare/"), timeout=limit) as response:
            response.read()
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.5)


def wrk(server: Server, paths: list[str], *, cookie: str, seconds: int, connections: int) -> dict:
    drain(server)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        command = [
            WRK,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        command += [server.url(paths[0]), "--", *paths]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk 没有输出结果：{out[-500:]}")
    req, duration_us, *errors, p50, p95, p99 = (float(x) for x in line.split()[1:])
    return {
        "requests": int(req),
        "rps": req / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": int(sum(errors)),
    }


def web_targets() -> list[tuple[str, list[str], str, float | None]]:
    """(label, paths, who, target ratio) of the pages measured."""
    staff, leader = staff_user(), leader_user()
    field = Industry.objects.order_by("code").first()
    detail = list(
        Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)[:: max(1, Achievement.objects.count() // 50)][:50]
    )
    demands = list(
        Demand.objects.filter(status=DemandStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    for pk in demands:
        matches_recompute(demand_id=pk)
    # The second page where there is one (a small data set may have a single page).
    page = 2 if Achievement.objects.filter(field=field, trl=7).count() > 20 else 1
    year = (
        Achievement.objects.order_by("-discovered_on")
        .values_list("discovered_on", flat=True)
        .first()
        or date.today()
    ).year
    return [
        (
            "展示区搜索",
            [f"/showcase/?q={quote(q)}" for q in SHOWCASE_QUERIES],
            None,
            WEB_RATIO_PAGES,
        ),
        (
            "发现库列表（筛选）",
            [
                f"/achievements/?status=submitted&field={field.code}&sort=contribution",
                "/achievements/?status=service&kind=project",
                f"/achievements/?field={field.code}&trl=7&page={page}",
            ],
            staff,
            WEB_RATIO_PAGES,
        ),
        ("成果详情页", [f"/achievements/{pk}/" for pk in detail], staff, WEB_RATIO_PAGES),
        ("领导驾驶舱", [f"/dashboard/?year={year}"], leader, WEB_RATIO_DASHBOARD),
        (
            "需求匹配 API",
            [f"/api/v1/demands/{pk}/matches/" for pk in demands],
            staff,
            WEB_RATIO_PAGES,
        ),
    ]


def _first_visit(server: Server, path: str, cookie: str) -> str:
    """The cookies a browser holds after its first page: what it had, plus what the page set (the
    CSRF cookie of a page with forms). wrk keeps no cookie jar, so it is given them."""
    jar = SimpleCookie()
    for header in _get(server, path, cookie).get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(filter(None, [cookie, *(f"{k}={m.value}" for k, m in jar.items())]))


def _get(server: Server, path: str, cookie: str):
    """GET a page as a browser holding `cookie` would; returns the response's headers."""
    request = Request(server.url(path), headers={"Cookie": cookie} if cookie else {})
    with urlopen(request, timeout=60) as response:
        response.read()
        return response.headers


def bench_web(log, *, seconds: int = 10, connections: int = 8) -> list[Figure]:
    targets = web_targets()
    sessions = {}
    for _label, _paths, user, _target in targets:
        if user is not None and user.pk not in sessions:
            sessions[user.pk] = _session_cookie(user)
    figures, raw = [], {}
    with Server() as server:
        cookies = {}
        for _label, paths, user, _target in targets:
            who = getattr(user, "pk", None)
            if who not in cookies:
                cookies[who] = _first_visit(server, paths[0], sessions.get(who, ""))
        # Every URL once, so that the runs measure the steady state (a page's first visit fills
        # the caches: a new showcase search costs about a second, a record's duplicate scan
        # 80 ms), then both workers warmed (imports, template loading).
        for _label, paths, user, _target in targets:
            cookie = cookies[getattr(user, "pk", None)]
            for path in paths:
                _get(server, path, cookie)
        for _label, paths, user, _target in targets:
            wrk(
                server,
                paths,
                cookie=cookies[getattr(user, "pk", None)],
                seconds=1,
                connections=2,
            )
        bare_runs = [
            wrk(server, ["/bench/bare/"], cookie="", seconds=seconds, connections=connections)
        ]
        for label, paths, user, _target in targets:
            log(f"  {label}…")
            raw[label] = wrk(
                server,
                paths,
                cookie=cookies[getattr(user, "pk", None)],
                seconds=seconds,
                connections=connections,
            )
        bare_runs.append(
            wrk(server, ["/bench/bare/"], cookie="", seconds=seconds, connections=connections)
        )
    bare = sum(r["rps"] for r in bare_runs) / len(bare_runs)
    figures.append(
        Figure(
            "网页",
            "空视图（无数据库）基准",
            bare,
            "次/秒",
            extra={"runs": bare_runs},
        )
    )
    for label, _paths, _user, target in targets:
        r = raw[label]
        note = f"{r['errors']} 个错误响应" if r["errors"] else ""
        figures.append(
            Figure(
                "网页",
                f"{label}：吞吐（空视图的比例）",
                r["rps"] / bare,
                "",
                target,
                note=note,
                extra=r,
            )
        )
        figures.append(Figure("网页", f"{label}：吞吐", r["rps"], "次/秒"))
        figures.append(Figure("网页", f"{label}：p95 延迟", r["p95_ms"], "ms"))
    return figures
