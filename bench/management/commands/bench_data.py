"""Write the deterministic province-scale data set into the current (empty) database.

    manage.py bench_data                 # 100,000 achievements, 20,000 demands, …
    manage.py bench_data --scale 0.01    # a hundredth of it

It refuses a database that already holds achievements: it adds, never replaces. `manage.py bench`
runs it itself in its own scratch database.
"""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from achievements.models import Achievement
from bench.data import Generator


class Command(BaseCommand):
    help = "Generate the benchmark data set (bulk inserts) into an empty portal database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 achievements")

    def handle(self, *args, scale, **options):
        if scale <= 0:
            raise CommandError("--scale 应大于 0。")
        if Achievement.all_objects.exists():
            raise CommandError(
                "数据库中已有科技成果：基准数据只写入空数据库（manage.py bench 会自建临时库）。"
            )
        call_command("load_reference", verbosity=0, stdout=StringIO())
        generated = Generator(scale, log=self.stdout.write).run()
        self.stdout.write(
            "生成完毕："
            + "，".join(f"{key} {value:,}" for key, value in generated.counts.items())
            + f"；{generated.seconds:.0f} 秒"
        )
