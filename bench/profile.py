"""Where a page's time goes when nothing has it cached: `manage.py bench --parts profile`.

Each page of the web part is rendered in-process (Django's test client, the whole middleware but
the page cache) a few times after a first visit, and split into its SQL (queries and their time),
its template rendering (top-level templates; what they query lazily is counted in both) and the
rest of Python, with the process's own CPU time (which the waits of a loaded machine do not
inflate). `--pyinstrument DIR` also writes each page's call tree there."""

import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.template.backends.django import Template as BackendTemplate
from django.test import Client, override_settings

from .figures import Figure
from .web import web_targets


class _Clock:
    def __init__(self):
        self.template_s = 0.0
        self.depth = 0


@contextmanager
def _template_clock():
    clock = _Clock()
    render = BackendTemplate.render

    def timed(self, *args, **kwargs):
        clock.depth += 1
        started = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            clock.depth -= 1
            if clock.depth == 0:
                clock.template_s += time.perf_counter() - started

    BackendTemplate.render = timed
    try:
        yield clock
    finally:
        BackendTemplate.render = render


class _SqlClock:
    def __init__(self):
        self.seconds = 0.0
        self.queries = 0
        self.slowest: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            self.queries += 1
            self.slowest = sorted([*self.slowest, (elapsed * 1000, sql[:300])], reverse=True)[:3]


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def bench_profile(log, *, repeat: int = 5, pyinstrument_dir: str | None = None) -> list[Figure]:
    middleware = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    figures = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(MIDDLEWARE=middleware, ALLOWED_HOSTS=hosts):
        for page in web_targets():
            client = _client(page.user)
            for path in page.paths:  # first visits fill the caches that outlive writes
                client.get(path)
            sql, total, cpu = _SqlClock(), 0.0, 0.0
            with _template_clock() as clock, connection.execute_wrapper(sql):
                for n in range(repeat):
                    path = page.paths[n % len(page.paths)]
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    total += time.perf_counter() - started
                    cpu += time.process_time() - started_cpu
                    assert response.status_code == 200, (path, response.status_code)
            per = 1000 / repeat
            row = {
                "total_ms": total * per,
                "queries": sql.queries / repeat,
                "sql_ms": sql.seconds * per,
                "template_ms": clock.template_s * per,
                "python_ms": (total - sql.seconds) * per,
                # This process's CPU alone: what a loaded machine's waits do not inflate.
                "cpu_ms": cpu * per,
                "slowest_queries": [(round(ms, 1), text) for ms, text in sql.slowest],
            }
            log(
                f"  {page.label}：{row['total_ms']:.1f} ms，{row['queries']:.0f} 条查询 "
                f"{row['sql_ms']:.1f} ms，模板 {row['template_ms']:.1f} ms，"
                f"Python {row['python_ms']:.1f} ms（CPU {row['cpu_ms']:.1f} ms）"
            )
            for ms, text in row["slowest_queries"]:
                log(f"    {ms:.1f} ms  {text[:160]}")
            figures.append(
                Figure(
                    "剖析",
                    f"{page.label}：单次渲染（无整页缓存）",
                    row["total_ms"],
                    "ms",
                    extra={**row, "page": page.key},
                )
            )
            if pyinstrument_dir:
                _call_tree(client, page, Path(pyinstrument_dir))
    return figures


def _call_tree(client, page, folder: Path) -> None:
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for n in range(20):
            client.get(page.paths[n % len(page.paths)])
    (folder / f"{page.key}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
