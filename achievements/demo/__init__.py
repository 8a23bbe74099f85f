"""The achievements part of `seed_demo`: one module per part of the life, run in this order."""

from importlib import import_module

PARTS: list[str] = ["showcase", "demands", "events"]


def seed(ctx) -> None:
    for part in PARTS:
        import_module(f"{__name__}.{part}").seed(ctx)
