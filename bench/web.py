"""The web part of `make bench`: what users feel.

Each page is measured three ways against a bare view (no database, same middleware) served by the
same gunicorn in the same run:
- as deployed, idle: nobody writes;
- as deployed, under writes: a writer process (bench/writer.py) edits achievements, follow-ups,
  landing evidence and demands through the services at `--write-rate` per second meanwhile;
- page cache off: the whole-page cache taken out of the middleware (rendering itself);
and, on a second data set a hundredth the size (1,000 achievements), the scale ratio: what a page
costs (per request, relative to the bare view, page cache off) at 100,000 achievements over what
it costs at 1,000.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import connection
from django.test import Client

from achievements.choices import AchievementStatus, DemandStatus
from achievements.models import Achievement, Demand
from achievements.services.demands import matches_recompute
from towns.choices import Role
from towns.models import Industry, User

from .figures import Figure

# Targets of issue 19 (ratios to the bare view of the same run).
UNDER_WRITES = {"showcase": 0.25, "list": 0.25, "detail": 0.25, "matches": 0.25, "dashboard": 0.15}
UNCACHED = {"showcase": 0.25, "list": 0.10, "detail": 0.10, "matches": 0.10, "dashboard": 0.05}
P95_MS = 50.0
SCALE_RATIO = 1.5
SMALL_SCALE = 0.01  # 1,000 achievements

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
MODES = ("idle", "writes", "uncached")
MODE_LABELS = {"idle": "部署（空闲）", "writes": "部署（同时写入）", "uncached": "关闭整页缓存"}


def staff_user() -> User:
    return User.objects.filter(role=Role.CENTER_STAFF, username="staff").first() or (
        User.objects.filter(role=Role.CENTER_STAFF).order_by("pk").first()
    )


def leader_user() -> User:
    return User.objects.filter(role=Role.LEADER).order_by("pk").first()


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


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name or db['NAME']}"


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _child_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    env.update(extra)
    return env


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Server:
    """gunicorn with two sync workers, serving the bench database and a bare view; with
    `page_cache=False` the whole-page cache is taken out (bench/wsgi.py)."""

    def __init__(self, workers: int = 2, *, page_cache: bool = True):
        self.port = _free_port()
        self.workers = workers
        self.page_cache = page_cache
        self.process = None

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=_child_env(BENCH_PAGE_CACHE="1" if self.page_cache else "0"),
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
        if self.process:
            _stop(self.process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class WriterProcess:
    """`manage.py bench_writer` beside the load, on the same database; its tally on exit."""

    def __init__(self, rate: float):
        self.rate = rate
        self.tally: dict = {}

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "bench_writer", "--rate", str(self.rate)],
            cwd=settings.BASE_DIR,
            env=_child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(2)  # its imports and its sample of rows, before the load starts
        return self

    def __exit__(self, *exc):
        _stop(self.process)
        out = self.process.stdout.read()
        line = next((ln for ln in out.splitlines() if ln.startswith("WRITER ")), None)
        self.tally = json.loads(line[len("WRITER ") :]) if line else {"error": out[-1000:]}


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


@dataclass
class Page:
    key: str
    label: str
    paths: list[str]
    user: User | None


def web_targets() -> list[Page]:
    """The pages measured, with the URLs each run rotates over and who reads them."""
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
        Page(
            "showcase", "展示区搜索", [f"/showcase/?q={quote(q)}" for q in SHOWCASE_QUERIES], None
        ),
        Page(
            "list",
            "发现库列表（筛选）",
            [
                f"/achievements/?status=submitted&field={field.code}&sort=contribution",
                "/achievements/?status=service&kind=project",
                f"/achievements/?field={field.code}&trl=7&page={page}",
            ],
            staff,
        ),
        Page("detail", "成果详情页", [f"/achievements/{pk}/" for pk in detail], staff),
        Page("dashboard", "领导驾驶舱", [f"/dashboard/?year={year}"], leader),
        Page(
            "matches", "需求匹配 API", [f"/api/v1/demands/{pk}/matches/" for pk in demands], staff
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
    with urlopen(request, timeout=120) as response:
        response.read()
        return response.headers


def _cookies(server: Server, pages: list[Page], sessions: dict) -> dict:
    cookies = {}
    for page in pages:
        who = getattr(page.user, "pk", None)
        if who not in cookies:
            cookies[who] = _first_visit(server, page.paths[0], sessions.get(who, ""))
    return cookies


def _warm(server: Server, pages: list[Page], cookies: dict) -> None:
    """Every URL once, so that the runs measure the steady state (a page's first visit fills the
    caches: a new showcase search costs about a second), then both workers warmed."""
    for page in pages:
        for path in page.paths:
            _get(server, path, cookies[getattr(page.user, "pk", None)])
    for page in pages:
        wrk(
            server,
            page.paths,
            cookie=cookies[getattr(page.user, "pk", None)],
            seconds=1,
            connections=2,
        )


def measure_pages(
    log, *, modes=MODES, seconds: int = 10, connections: int = 8, write_rate: float = 2.0
) -> dict:
    """{"bare": {mode: [runs]}, "pages": {key: {mode: run}}, "writer": tally, "labels": …}."""
    pages = web_targets()
    sessions = {page.user.pk: _session_cookie(page.user) for page in pages if page.user is not None}
    result = {
        "bare": {},
        "pages": {p.key: {} for p in pages},
        "labels": {p.key: p.label for p in pages},
    }

    def bare(server):
        return wrk(server, ["/bench/bare/"], cookie="", seconds=seconds, connections=connections)

    def run_pages(server, cookies, mode):
        for page in pages:
            log(f"  {page.label}（{MODE_LABELS[mode]}）…")
            result["pages"][page.key][mode] = wrk(
                server,
                page.paths,
                cookie=cookies[getattr(page.user, "pk", None)],
                seconds=seconds,
                connections=connections,
            )

    if {"idle", "writes"} & set(modes):
        with Server() as server:
            cookies = _cookies(server, pages, sessions)
            _warm(server, pages, cookies)
            runs = [bare(server)]
            if "idle" in modes:
                run_pages(server, cookies, "idle")
            if "writes" in modes:
                with WriterProcess(write_rate) as writer:
                    run_pages(server, cookies, "writes")
                result["writer"] = writer.tally
            runs.append(bare(server))
            for mode in ("idle", "writes"):
                if mode in modes:
                    result["bare"][mode] = runs
    if "uncached" in modes:
        with Server(page_cache=False) as server:
            cookies = _cookies(server, pages, sessions)
            _warm(server, pages, cookies)
            runs = [bare(server)]
            run_pages(server, cookies, "uncached")
            runs.append(bare(server))
            result["bare"]["uncached"] = runs
    return result


def measure_small(log, *, seconds: int, connections: int) -> dict | None:
    """The uncached pages on the small data set (`bench_<name>_small`, generated on first use),
    measured by `manage.py bench` in a child process."""
    # The bench works in bench_<name>; the small set in bench_<name>_small.
    name = f"{connection.settings_dict['NAME'].removeprefix('bench_')}_small"
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = handle.name
    log(f"  小数据集（规模 {SMALL_SCALE}，库 bench_{name}）…")
    # Its own cache keys: the two data sets share the Redis database, not what is cached.
    env = _child_env(DATABASE_URL=database_url(name), CACHE_KEY_PREFIX=f"portal-{name}")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench",
                "--scale",
                str(SMALL_SCALE),
                "--parts",
                "web",
                "--web-modes",
                "uncached",
                "--seconds",
                str(seconds),
                "--connections",
                str(connections),
                "--output",
                output,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            log(f"  小数据集失败：{(done.stdout + done.stderr)[-1500:]}")
            return None
        return json.loads(Path(output).read_text())
    finally:
        Path(output).unlink(missing_ok=True)


def _mean_rps(runs: list[dict]) -> float:
    return sum(r["rps"] for r in runs) / len(runs)


def figures_of(result: dict, small: dict | None = None) -> list[Figure]:
    figures = []
    bare = {mode: _mean_rps(runs) for mode, runs in result["bare"].items()}
    for mode, value in bare.items():
        figures.append(
            Figure(
                "网页",
                f"空视图（无数据库）基准（{MODE_LABELS[mode]}）",
                value,
                "次/秒",
                extra={"runs": result["bare"][mode], "mode": mode},
            )
        )
    small_ratios, small_runs = {}, {}
    if small:
        for f in small["figures"]:
            if f["unit"] == "" and f["extra"].get("mode") == "uncached" and "page" in f["extra"]:
                small_ratios[f["extra"]["page"]] = f["value"]
                small_runs[f["extra"]["page"]] = f["extra"]
    for key, runs in result["pages"].items():
        label = result["labels"][key]
        for mode, r in runs.items():
            target = {"writes": UNDER_WRITES, "uncached": UNCACHED}.get(mode, {}).get(key)
            note = f"{r['errors']} 个错误响应" if r["errors"] else ""
            figures.append(
                Figure(
                    "网页",
                    f"{label}：{MODE_LABELS[mode]}（空视图的比例）",
                    r["rps"] / bare[mode],
                    "",
                    target,
                    note=note,
                    extra={**r, "page": key, "mode": mode},
                )
            )
            figures.append(
                Figure(
                    "网页",
                    f"{label}：{MODE_LABELS[mode]} p95 延迟",
                    r["p95_ms"],
                    "ms",
                    P95_MS if mode == "writes" else None,
                    "max",
                    extra={"page": key, "mode": mode, "rps": r["rps"]},
                )
            )
        if key in small_ratios and "uncached" in runs:
            large = runs["uncached"]["rps"] / bare["uncached"]
            figures.append(
                Figure(
                    "网页",
                    f"{label}：规模比（10 万项成果 / 1,000 项的单次成本，关闭整页缓存）",
                    small_ratios[key] / large,
                    "×",
                    SCALE_RATIO,
                    "max",
                    extra={
                        "page": key,
                        "ratio_large": large,
                        "ratio_small": small_ratios[key],
                        "small": small_runs.get(key),
                    },
                )
            )
    if "writer" in result:
        tally = result["writer"]
        figures.append(
            Figure(
                "网页",
                "同时写入：写入速率（成果、跟踪、落地、需求轮流）",
                tally.get("rate", 0.0),
                "次/秒",
                extra=tally,
            )
        )
    return figures


def page_table(figures: list[Figure]) -> str:
    """The web figures as one row per page: the three columns, p95 under writes, scale ratio."""
    rows: dict[str, dict] = {}
    labels = {}
    for f in figures:
        key = f.extra.get("page")
        if not key:
            continue
        row = rows.setdefault(key, {})
        labels[key] = f.name.split("：", 1)[0]
        if f.unit == "" and f.extra.get("mode"):
            row[f.extra["mode"]] = f
        elif f.unit == "ms" and f.extra.get("mode") == "writes":
            row["p95"] = f
        elif f.unit == "×":
            row["scale"] = f

    def cell(f):
        if f is None:
            return "—"
        mark = {True: "", False: "（未达标）", None: ""}[f.met]
        value = f"{f.value:.2f}" if f.unit != "ms" else f"{f.value:.0f} ms"
        if f.unit == "×":
            value = f"{f.value:.2f} ×"
        return value + mark

    header = ["页面", "部署·空闲", "部署·同时写入", "写入时 p95", "关闭整页缓存", "规模比"]
    lines = [" | ".join(header)]
    for key, row in rows.items():
        lines.append(
            " | ".join(
                [
                    labels[key],
                    cell(row.get("idle")),
                    cell(row.get("writes")),
                    cell(row.get("p95")),
                    cell(row.get("uncached")),
                    cell(row.get("scale")),
                ]
            )
        )
    return "\n".join(lines)
