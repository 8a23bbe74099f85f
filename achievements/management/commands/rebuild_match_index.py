from django.core.management.base import BaseCommand

from achievements.services.demands import match_index_rebuild
from achievements.services.showcase import showcase_rebuild


class Command(BaseCommand):
    help = "Re-index every achievement for matching, re-rank active demands, rebuild the showcase."

    def handle(self, *args, **options):
        indexed, demands = match_index_rebuild(
            progress=lambda n: self.stdout.write(f"  已索引 {n} 项成果…")
        )
        public = showcase_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"匹配索引已重建：成果 {indexed} 项，重新匹配需求 {demands} 项；展示区公开 {public} 项。"
            )
        )
