"""Write at a steady rate through the portal's services until stopped (`manage.py bench` runs it
beside the web load; bench/writer.py).

    manage.py bench_writer --rate 2              # until Ctrl-C / SIGTERM
    manage.py bench_writer --rate 4 --seconds 30
"""

from django.core.management.base import BaseCommand, CommandError

from bench.writer import Writer, report


class Command(BaseCommand):
    help = "Edit achievements, follow-ups, landing evidence and demands at a steady rate."

    def add_arguments(self, parser):
        parser.add_argument("--rate", type=float, default=2.0, help="writes per second")
        parser.add_argument(
            "--seconds", type=float, default=None, help="stop after (default: never)"
        )

    def handle(self, *args, rate, seconds, **options):
        if rate <= 0:
            raise CommandError("--rate 应大于 0。")
        tally = Writer(rate).run(seconds)
        self.stdout.write(report(tally))
