"""The achievements part of `seed_demo`: one module per part of the life, run in this order."""

from importlib import import_module

from .service import seed_cases

PARTS: list[str] = ["discovery", "showcase", "demands", "events", "landing"]


def seed(ctx) -> None:
    for part in PARTS:
        module = import_module(f"{__name__}.{part}")
        if hasattr(module, "seed"):
            module.seed(ctx)


def finish(ctx) -> None:
    """After every app seeded: the parts that need every app's records (landings of the
    achievements other apps brought into the service library), then the service-library cases
    that any of them produced get their responsible person, milestones and follow-ups, so a
    second run finds nothing to add."""
    for part in PARTS:
        module = import_module(f"{__name__}.{part}")
        if hasattr(module, "finish"):
            module.finish(ctx)
    seed_cases(ctx)


def settle(ctx) -> None:
    """After the commit, once the matching tasks it queued have run: every open demand's
    suggestions are its full ranking again, so that a second run of the demo ends in the same
    state (the tasks score changed achievements one by one and may keep one the full ranking's
    candidate search leaves out)."""
    from achievements.choices import DemandKind
    from achievements.models import Demand
    from achievements.services.demands import matches_recompute

    for pk in Demand.objects.active().exclude(kind=DemandKind.TALENT).values_list("pk", flat=True):
        matches_recompute(demand_id=pk)
