from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kernel.hooks import portal_modules


class Command(BaseCommand):
    help = "Load divisions, units, industries, targets, quotas and policy numbers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.REFERENCE_DIR), help="folder of the reference files"
        )

    def handle(self, *args, **options):
        reference_dir = Path(options["dir"])
        for module in portal_modules("reference"):
            counts = module.load_reference(reference_dir)
            summary = "，".join(f"{label} {count}" for label, count in counts.items())
            self.stdout.write(f"{module.__name__.split('.')[0]}：{summary}")
        self.stdout.write(self.style.SUCCESS("参考数据已加载。"))
