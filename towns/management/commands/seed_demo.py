from random import Random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kernel.hooks import portal_modules
from towns.demo import DEMO_PASSWORD, DemoContext

DEMO_SEED = 20240101


class Command(BaseCommand):
    help = "Build the deterministic demo data set (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print logins")

    def handle(self, *args, **options):
        call_command("load_reference", stdout=self.stdout)
        ctx = DemoContext(rng=Random(DEMO_SEED), stdout=self.stdout)
        with transaction.atomic():
            for module in portal_modules("demo"):
                module.seed(ctx)
            # A second pass for work that needs every app's records (e.g. service-library cases).
            for module in portal_modules("demo"):
                if hasattr(module, "finish"):
                    module.finish(ctx)
        # After the commit, when the tasks it queued have run (eagerly without Redis).
        for module in portal_modules("demo"):
            if hasattr(module, "settle"):
                module.settle(ctx)
        if not options["quiet_logins"]:
            self.print_logins(ctx)

    def print_logins(self, ctx: DemoContext) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {DEMO_PASSWORD}）："))
        width = max(len(username) for username, _, _ in ctx.logins)
        for username, name, label in ctx.logins:
            self.stdout.write(f"  {username.ljust(width)}  {name}  {label}")
