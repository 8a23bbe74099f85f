"""`make bench`: the portal measured at province scale on PostgreSQL.

    manage.py bench                                   # everything, 100,000 achievements
    manage.py bench --scale 0.01 --parts web,import   # a quick smoke run
    manage.py bench --fresh                           # regenerate the data set
    manage.py bench --parts web --write-rate 4        # the pages, with twice the writes

The web part measures every page three ways (idle, under writes, page cache off) and, on a
second data set of 1,000 achievements (`bench_<name>_small`, kept like the first), the scale
ratio; bench/web.py.

Runs in its own database, `bench_<name of the DATABASE_URL database>`: created, migrated and
filled with the generated data set on first use and kept for the next run (the portal's own
database is never touched). Writes are rolled back, so runs can be repeated. Prints a table and
writes the same figures as JSON (bench/results/latest.json).
"""

import sys
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from achievements.models import Achievement
from bench import parts as bench
from bench import web
from bench.data import BASE, Generator, counts
from bench.figures import Figure, table, write_json
from bench.profile import bench_profile

PARTS = ("web", "profile", "matching", "import", "export", "report", "landing")
DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "bench" / "results" / "latest.json"


class Command(BaseCommand):
    help = "Benchmarks at scale on PostgreSQL: web throughput, matching, import/export, reports."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 achievements")
        parser.add_argument(
            "--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}"
        )
        parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
        parser.add_argument("--connections", type=int, default=8, help="wrk connections")
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="JSON file")
        parser.add_argument(
            "--write-rate", type=float, default=2.0, help="writes per second beside the pages"
        )
        parser.add_argument(
            "--web-modes",
            default=",".join(web.MODES),
            help=f"comma-separated, of: {', '.join(web.MODES)}",
        )
        parser.add_argument(
            "--pyinstrument", default=None, help="folder for each page's call tree (profile)"
        )
        parser.add_argument(
            "--no-scale-ratio",
            action="store_true",
            help="skip the small data set (the scale ratio)",
        )
        parser.add_argument(
            "--fresh", action="store_true", help="drop the bench database and generate again"
        )
        parser.add_argument(
            "--in-current-database",
            action="store_true",
            help="measure the current database as it is (the tests use it on their own "
            "database); nothing is generated and nothing is dropped",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "manage.py bench 只在 PostgreSQL 上运行（SQLite 的数字对生产部署没有意义）："
                "请设置 DATABASE_URL=postgres://用户@主机:5432/库名。"
            )
        parts = [p.strip() for p in options["parts"].split(",") if p.strip()]
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise CommandError(
                f"未知的部分：{', '.join(sorted(unknown))}（可选：{', '.join(PARTS)}）"
            )
        if options["scale"] <= 0:
            raise CommandError("--scale 应大于 0。")
        if options["in_current_database"]:
            figures = self.measure(parts, options)
            self.finish(figures, parts, options)
            return
        database = settings.DATABASES["default"]
        database.setdefault("TEST", {})["NAME"] = f"bench_{database['NAME']}"
        self.stdout.write(f"基准数据库：{database['TEST']['NAME']}")
        old = setup_databases(
            verbosity=0,
            interactive=False,
            aliases={"default"},
            # Serialising the contents (for TransactionTestCase) would read the whole data set.
            serialized_aliases=set(),
            keepdb=not options["fresh"],
        )
        try:
            figures = self.prepare(options["scale"]) + self.measure(parts, options)
            self.finish(figures, parts, options)
        finally:
            teardown_databases(old, verbosity=0, keepdb=True)

    def log(self, message: str, ending: str = "\n") -> None:
        self.stdout.write(message, ending=ending)
        self.stdout.flush()

    def prepare(self, scale: float) -> list[Figure]:
        expected = counts(scale)["achievements"]
        existing = Achievement.objects.count()
        if existing:
            if not expected <= existing <= expected + 1000:
                raise CommandError(
                    f"基准数据库中有 {existing:,} 项成果，与 --scale {scale} 不符：加 --fresh 重新生成。"
                )
            self.log(f"沿用已生成的数据（{existing:,} 项成果）。")
            return []
        call_command("load_reference", verbosity=0, stdout=StringIO())
        self.log(f"生成基准数据（规模 {scale}）…")
        generated = Generator(scale, log=self.log).run()
        bench.settle()
        return [
            Figure(
                "数据",
                f"生成数据集（{generated.counts['achievements']:,} 项成果等）",
                generated.seconds,
                "s",
                extra=generated.counts,
            )
        ]

    def measure(self, parts: list[str], options) -> list[Figure]:
        scale = options["scale"]
        figures: list[Figure] = []
        steps = {
            "matching": lambda: bench.bench_matching(self.log),
            "import": lambda: bench.bench_import(max(100, round(10_000 * scale)), self.log),
            "export": lambda: bench.bench_export(
                max(100, round(BASE["achievements"] * scale)), self.log
            ),
            "report": lambda: bench.bench_report(timezone.localdate(), self.log),
            "landing": lambda: bench.bench_landing_check(self.log),
            "web": lambda: self.web(options),
            "profile": lambda: bench_profile(self.log, pyinstrument_dir=options["pyinstrument"]),
        }
        for part in PARTS:
            if part in parts:
                self.log(f"[{part}]")
                if part in ("web", "profile"):
                    bench.ensure_index(self.log)
                measured = steps[part]()
                # Shown as soon as measured, so a long run reports as it goes.
                self.log(table(measured))
                if part == "web":
                    self.log(web.page_table(measured))
                figures += measured
        return figures

    def web(self, options) -> list[Figure]:
        modes = [m.strip() for m in options["web_modes"].split(",") if m.strip()]
        if set(modes) - set(web.MODES) or not modes:
            raise CommandError(f"--web-modes 可选：{', '.join(web.MODES)}")
        result = web.measure_pages(
            self.log,
            modes=modes,
            seconds=options["seconds"],
            connections=options["connections"],
            write_rate=options["write_rate"],
        )
        small = None
        if (
            "uncached" in modes
            and options["scale"] > web.SMALL_SCALE
            and not options["no_scale_ratio"]
            and not options["in_current_database"]
        ):
            small = web.measure_small(
                self.log, seconds=options["seconds"], connections=options["connections"]
            )
        return web.figures_of(result, small)

    def finish(self, figures: list[Figure], parts, options) -> None:
        self.stdout.write("")
        self.stdout.write(table(figures))
        path = Path(options["output"])
        write_json(
            path,
            figures,
            scale=options["scale"],
            counts=counts(options["scale"]),
            parts=parts,
        )
        missed = [f for f in figures if f.met is False]
        self.stdout.write(f"\n{len(figures)} 项指标，{len(missed)} 项未达标；结果已写入 {path}")
        sys.stdout.flush()
