"""Other users at work while the pages are measured: real writes through the service functions,
at a steady rate, spread over achievements, follow-ups, landings and demands.

Each write is an edit of an existing row (a record's summary, a follow-up's progress note, a
landing evidence's note, a demand's description), so the data set keeps its size and a run can be
repeated; every edit goes through the same service a user's form calls (locks, history, the
outbox's tasks, the cache invalidation)."""

import json
import random
import signal
import time
from dataclasses import dataclass, field

from django.db import transaction

from achievements.choices import (
    DEMAND_ACTIVE_STATUSES,
    DISCOVERED_STATUSES,
    AchievementStatus,
)
from achievements.models import Achievement, Demand, FollowUp, LandingEvidence
from achievements.services.demands import demand_update
from achievements.services.discovery import achievement_update
from achievements.services.landing import landing_evidence_update
from achievements.services.service import follow_up_update
from towns.choices import Role
from towns.models import User

KINDS = ("achievement", "follow_up", "landing", "demand")
SAMPLE = 500  # rows of each kind the writer edits, drawn once


@dataclass
class Tally:
    writes: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    failed: int = 0
    refusals: list = field(default_factory=list)
    seconds: float = 0.0
    latencies_ms: list = field(default_factory=list)

    def as_json(self) -> dict:
        done = sum(self.writes.values())
        ordered = sorted(self.latencies_ms)
        return {
            "writes": self.writes,
            "total": done,
            "failed": self.failed,
            "refusals": self.refusals[:5],
            "seconds": round(self.seconds, 2),
            "rate": round(done / self.seconds, 3) if self.seconds else 0.0,
            "p95_write_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        }


def _sample(queryset, rng: random.Random) -> list[int]:
    """Up to SAMPLE primary keys spread over the whole table (not only its first rows)."""
    total = queryset.count()
    step = max(1, total // SAMPLE)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True)[::step][:SAMPLE])
    rng.shuffle(pks)
    return pks


class Writer:
    def __init__(self, rate: float, seed: int = 19):
        self.rate = rate
        self.rng = random.Random(seed)
        self.staff = (
            User.objects.filter(role=Role.CENTER_STAFF, is_active=True).order_by("pk").first()
        )
        self.rows = {
            "achievement": _sample(
                Achievement.objects.filter(status__in=DISCOVERED_STATUSES), self.rng
            ),
            "follow_up": _sample(
                FollowUp.objects.filter(achievement__status=AchievementStatus.SERVICE), self.rng
            ),
            "landing": _sample(
                LandingEvidence.objects.filter(achievement__status=AchievementStatus.SERVICE),
                self.rng,
            ),
            "demand": _sample(Demand.objects.filter(status__in=DEMAND_ACTIVE_STATUSES), self.rng),
        }
        self.stopped = False

    def stop(self, *args) -> None:
        self.stopped = True

    def write(self, kind: str, n: int) -> None:
        rows = self.rows[kind]
        if not rows:
            raise LookupError(kind)
        pk = rows[n % len(rows)]
        stamp = f"（{time.strftime('%H:%M:%S')} 更新）"
        with transaction.atomic():
            if kind == "achievement":
                achievement = Achievement.objects.get(pk=pk)
                summary = achievement.summary.split("（", 1)[0] + stamp
                achievement_update(achievement, acting_user=self.staff, data={"summary": summary})
            elif kind == "follow_up":
                record = FollowUp.objects.select_related("achievement").get(pk=pk)
                follow_up_update(
                    follow_up=record,
                    acting_user=self.staff,
                    progress=record.progress.split("（", 1)[0] + stamp,
                    next_step=record.next_step,
                    route_status=record.route_status,
                    has_progress=record.has_progress,
                    blockers=record.blockers,
                )
            elif kind == "landing":
                evidence = LandingEvidence.objects.select_related("achievement").get(pk=pk)
                landing_evidence_update(
                    evidence=evidence, data={"note": "核实" + stamp}, acting_user=self.staff
                )
            else:
                demand = Demand.objects.get(pk=pk)
                demand_update(
                    demand,
                    acting_user=self.staff,
                    description=demand.description.split("（", 1)[0] + stamp,
                )

    def run(self, seconds: float | None = None) -> Tally:
        """Write at `rate` per second, round-robin over the kinds, until `seconds` have passed or
        SIGTERM/SIGINT; returns what was done."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        tally = Tally()
        kinds = [k for k in KINDS if self.rows[k]]
        started = time.monotonic()
        n = 0
        while not self.stopped and (seconds is None or time.monotonic() - started < seconds):
            due = started + n / self.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
                continue
            kind = kinds[n % len(kinds)]
            began = time.perf_counter()
            try:
                self.write(kind, n // len(kinds))
                tally.writes[kind] += 1
            except Exception as error:  # a refused edit (a closed case …) is not a write
                tally.failed += 1
                tally.refusals.append(f"{kind}: {type(error).__name__}: {error}"[:200])
            tally.latencies_ms.append((time.perf_counter() - began) * 1000)
            n += 1
        tally.seconds = time.monotonic() - started
        return tally


def report(tally: Tally) -> str:
    return "WRITER " + json.dumps(tally.as_json(), ensure_ascii=False)
