"""The achievements part of `seed_demo`: one module per part of the life, run in this order."""

from importlib import import_module

from .service import seed_cases

PARTS: list[str] = ["discovery", "showcase", "demands", "events"]


def seed(ctx) -> None:
    for part in PARTS:
        import_module(f"{__name__}.{part}").seed(ctx)


def finish(ctx) -> None:
    """After every app seeded: the service-library cases that any of them produced get their
    responsible person, milestones and follow-ups, so a second run finds nothing to add."""
    seed_cases(ctx)
