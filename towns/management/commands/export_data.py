from pathlib import Path

from django.core.management.base import BaseCommand

from kernel.export import export_all


class Command(BaseCommand):
    help = (
        "Export all business data: one JSON-lines file per model (deleted achievements "
        "included) and manifest.json with the row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="folder to write into (created if missing)")
        parser.add_argument(
            "--history", action="store_true", help="also export the audit history tables"
        )

    def handle(self, *args, output, history, verbosity, **options):
        def progress(label, count):
            if verbosity > 1:
                self.stdout.write(f"{label}: {count}")

        counts = export_all(Path(output), history=history, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {len(counts)} 类数据、共 {sum(counts.values())} 条记录到 {output}。"
            )
        )
