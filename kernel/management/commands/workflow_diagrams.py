"""Print the README's workflow diagrams, drawn from the models' TRANSITIONS declarations."""

from django.core.management.base import BaseCommand
from django.utils import translation

from kernel.transitions import workflows_markdown


class Command(BaseCommand):
    help = "Print the workflow diagrams (Mermaid) that the README shows, from the declarations."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            self.stdout.write(workflows_markdown())
