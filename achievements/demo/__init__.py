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
    """After the commit: the match index, the learned weights and every open demand's
    suggestions are rebuilt from the whole data set, so that a second run of the demo ends in
    the same state whether or not the tasks the commit queued have run (the tasks index and
    score changed achievements one by one, against the corpus as it was at that moment)."""
    from achievements.services.demands import match_index_rebuild
    from achievements.services.learning import match_learning_recompute

    match_learning_recompute()
    match_index_rebuild()
