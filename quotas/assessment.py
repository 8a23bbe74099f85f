"""Assessment by 发现数 · 落地数 · 服务数 (seed 004 四(二)): a yearly scorecard for each level the
plan names — 部门, 镇街（园区）, 科技成果转化服务中心, 成果专员, 共建类新型研发机构 — its quarterly
通报 (leading and lagging units), and the division map. Read-only; every unit figure comes from
the selectors the dashboard, the quota pages and the reports use (README glossary), so that the
scorecard's totals are the dashboard's:

- 发现数 = `selectors.discovered_counts` (merged records keep their credit),
- 落地数 = `selectors.credited_counts` (each landing credited to one unit by the credit rule),
- 服务数 = `selectors.service_entries_between`, by the discovering unit.

A 成果专员 (liaison officer or service-center staff member) is assessed on the records that are
theirs: achievements they registered (发现数), landings of the cases they were responsible for on
the landing date (落地数), and the cases they were responsible for during the year (服务数), with
the monthly follow-ups they recorded and the months flagged as missed (按时跟踪率).
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from achievements.choices import Landmark
from achievements.models import (
    Achievement,
    AchievementCredit,
    Assignment,
    FollowUp,
    FollowUpFlag,
    Landing,
)
from achievements.selectors.service import start_of_day
from kernel.wording import join_names
from towns.choices import Role, UnitKind
from towns.models import Division, Unit, User

from . import selectors

FIGURES = ("discovered", "landed", "served")


class Level(models.TextChoices):
    BUREAU = "bureau", _("部门")
    DIVISION = "division", _("镇街（园区）")
    SERVICE_CENTER = "service_center", _("科技成果转化服务中心")
    PERSON = "person", _("成果专员")
    RND_INSTITUTE = "rnd_institute", _("共建类新型研发机构")


# The unit kinds assessed at each unit level. 部门 are the city bureaus and the state-owned
# groups that have a liaison officer and a discovery target of their own (seed 004 三.一机制.1).
LEVEL_UNIT_KINDS = {
    Level.BUREAU: (UnitKind.BUREAU, UnitKind.GROUP),
    Level.DIVISION: (UnitKind.DIVISION,),
    Level.SERVICE_CENTER: (UnitKind.SERVICE_CENTER,),
    Level.RND_INSTITUTE: (UnitKind.RND_INSTITUTE,),
}
PERSON_ROLES = (Role.LIAISON, Role.CENTER_STAFF)

# How the scorecard may be ranked: the figure first, then the other two (no invented weights).
RANK_ORDER = {
    "landed": ("landed", "discovered", "served"),
    "discovered": ("discovered", "landed", "served"),
    "served": ("served", "landed", "discovered"),
}


@dataclass
class ScoreRow:
    key: str  # unit code or username: the drill-down's address
    name: str
    discovered: int
    landed: int
    served: int
    unit: Unit | None = None
    user: User | None = None
    follow_ups: int | None = None  # persons only
    missed: int | None = None  # persons only
    rank: int = 0

    @property
    def on_time_percent(self) -> int | None:
        """按时跟踪率 = 按月记录的跟踪 ÷ (跟踪 + 逾期未跟踪的月份), whole percent."""
        if self.follow_ups is None:
            return None
        return round(100 * self.follow_ups / self.due) if self.due else None

    @property
    def due(self) -> int:
        """The months a follow-up was due: those recorded and those flagged as missed."""
        return (self.follow_ups or 0) + (self.missed or 0)

    def figure(self, name: str) -> int:
        return getattr(self, name)


@dataclass
class Scorecard:
    level: str
    year: int
    start: date
    end: date
    rows: list[ScoreRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(row.figure(name) for row in self.rows) for name in FIGURES}


def _served_counts(start: date, end: date) -> dict[int, int]:
    rows = (
        selectors.service_entries_between(start, end)
        .order_by()
        .values("discovering_unit")
        .annotate(n=Count("pk"))
        .values_list("discovering_unit", "n")
    )
    return dict(rows)


def rank(rows: list[ScoreRow], by: str = "landed") -> list[ScoreRow]:
    """Ranked by one figure (ties broken by the other two, then name); equal figures share a
    rank (1, 2, 2, 4)."""
    order = RANK_ORDER.get(by, RANK_ORDER["landed"])
    rows = sorted(rows, key=lambda r: (*(-r.figure(f) for f in order), r.key))
    previous = None
    for position, row in enumerate(rows, start=1):
        values = tuple(row.figure(f) for f in order)
        row.rank = position if values != previous else rows[position - 2].rank
        previous = values
    return rows


def unit_scorecard(level: str, start: date, end: date) -> list[ScoreRow]:
    """The units of a level with their three figures over [start, end] (unranked)."""
    discovered = selectors.discovered_counts_of(selectors.discoveries_between(start, end))
    landed = selectors.credited_counts(start, end)
    served = _served_counts(start, end)
    units = Unit.objects.filter(is_active=True, kind__in=LEVEL_UNIT_KINDS[level]).select_related(
        "division"
    )
    return [
        ScoreRow(
            key=unit.code,
            name=str(unit),
            unit=unit,
            discovered=discovered.get(unit.pk, 0),
            landed=landed.get(unit.pk, 0),
            served=served.get(unit.pk, 0),
        )
        for unit in units.order_by("code")
    ]


def person_landings(user: User, start: date, end: date) -> QuerySet[Landing]:
    """Verified landings in [start, end] of the cases the person was responsible for on the
    landing date (the assignment covering that day)."""
    landed = _landed_by_person(start, end).get(user.pk, set())
    return selectors.landings_between(start, end).filter(achievement_id__in=landed)


def _assignments_overlapping(start: date, end: date) -> QuerySet[Assignment]:
    """Responsibilities held at some time within [start, end]: the 服务数 of a person counts
    their cases, and its drill-down lists them, from this one rule."""
    return Assignment.objects.filter(started_at__lt=selectors.before_day_after(end)).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=start_of_day(start))
    )


def person_cases(user: User, start: date, end: date) -> QuerySet[Achievement]:
    """The cases the person was responsible for at some time within [start, end]."""
    overlapping = _assignments_overlapping(start, end).filter(assignee=user)
    return Achievement.objects.filter(pk__in=overlapping.values("achievement_id"))


def person_discoveries(user: User, start: date, end: date) -> QuerySet[Achievement]:
    return selectors.discoveries_between(start, end).filter(created_by=user)


def person_scorecard(start: date, end: date) -> list[ScoreRow]:
    """Each active liaison officer and staff member with their figures over [start, end]."""
    people = list(
        User.objects.filter(is_active=True, role__in=PERSON_ROLES)
        .select_related("unit")
        .order_by("username")
    )
    discovered = dict(
        selectors.discoveries_between(start, end)
        .order_by()
        .values_list("created_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    follow_ups = dict(
        FollowUp.objects.filter(period__gte=start, period__lte=end)
        .order_by()
        .values_list("recorded_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    missed = dict(
        FollowUpFlag.objects.filter(period__gte=start, period__lte=end, responsible__isnull=False)
        .order_by()
        .values_list("responsible")
        .annotate(n=Count("pk"))
        .order_by()
    )
    landed = _person_landed_counts(start, end)
    served = _person_case_counts(start, end)
    return [
        ScoreRow(
            key=person.username,
            name=f"{person.display_name}（{person.unit or person.get_role_display()}）",
            user=person,
            discovered=discovered.get(person.pk, 0),
            landed=landed.get(person.pk, 0),
            served=served.get(person.pk, 0),
            follow_ups=follow_ups.get(person.pk, 0),
            missed=missed.get(person.pk, 0),
        )
        for person in people
    ]


def _landed_by_person(start: date, end: date) -> dict[int, set[int]]:
    """user id -> achievements landed in [start, end] whose case was assigned to that user on
    the landing date."""
    landings = dict(
        selectors.landings_between(start, end).values_list("achievement_id", "landed_on")
    )
    people: dict[int, set[int]] = {}
    assignments = Assignment.objects.filter(achievement_id__in=list(landings)).values_list(
        "achievement_id", "assignee_id", "started_at", "ended_at"
    )
    for achievement_id, assignee_id, started_at, ended_at in assignments:
        landed_on = landings[achievement_id]
        if started_at >= selectors.before_day_after(landed_on):
            continue
        if ended_at is not None and ended_at < start_of_day(landed_on):
            continue
        people.setdefault(assignee_id, set()).add(achievement_id)
    return people


def _person_landed_counts(start: date, end: date) -> dict[int, int]:
    return {user_id: len(ids) for user_id, ids in _landed_by_person(start, end).items()}


def _person_case_counts(start: date, end: date) -> dict[int, int]:
    rows = (
        _assignments_overlapping(start, end)
        .order_by()
        .values_list("assignee")
        .annotate(n=Count("achievement", distinct=True))
        .order_by()
    )
    return dict(rows)


def scorecard(level: str, year: int, *, by: str = "landed") -> Scorecard:
    start, end = selectors.year_bounds(year)
    return scorecard_between(level, start, end, by=by, year=year)


def scorecard_between(level: str, start: date, end: date, *, by: str = "landed", year=None):
    if level == Level.PERSON:
        rows = person_scorecard(start, end)
    else:
        rows = unit_scorecard(level, start, end)
    return Scorecard(
        level=level, year=year or start.year, start=start, end=end, rows=rank(rows, by)
    )


# --- Drill-down: the records behind one number ----------------------------------------------------


def unit_records(unit: Unit, figure: str, start: date, end: date) -> QuerySet:
    """The records a unit's figure counts: achievements (发现数, 服务数) or landings (落地数)."""
    if figure == "landed":
        return selectors.landings_between(start, end).filter(credited_unit=unit)
    if figure == "served":
        return selectors.service_entries_between(start, end).filter(discovering_unit=unit)
    credited = AchievementCredit.objects.filter(unit=unit).values("achievement_id")
    return selectors.discoveries_between(start, end).filter(
        Q(discovering_unit=unit) | Q(pk__in=credited)
    )


def person_records(user: User, figure: str, start: date, end: date) -> QuerySet:
    if figure == "landed":
        return person_landings(user, start, end)
    if figure == "served":
        return person_cases(user, start, end)
    return person_discoveries(user, start, end)


# --- The quarterly 通报 (宣扬优秀、督促后进) ---------------------------------------------------------

BULLETIN_NAMED = 3  # how many leading units each level's 通报 names (every idle one is named)


@dataclass
class BulletinLevel:
    level: str
    label: str
    leading: list[ScoreRow]
    lagging: list[ScoreRow]
    behind_quota: list  # QuotaProgress rows behind the year's pace at the quarter's end

    @property
    def lagging_names(self) -> str:
        return join_names(row.name for row in self.lagging)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first, last = 3 * (quarter - 1) + 1, 3 * quarter
    return date(year, first, 1), date(year, last, monthrange(year, last)[1])


def quarterly_bulletin(year: int, quarter: int) -> list[BulletinLevel]:
    """Per level, over the quarter: the units leading on the quarter's figures (落地数, then
    发现数, 服务数) with at least one of them, and every unit with none of the three (lagging:
    naming only some of them would let the others pass unmentioned);
    for units holding a landing quota, also those behind the year's pace at the quarter's end
    (`selectors.quota_behind`, as the biweekly brief names them)."""
    start, end = quarter_bounds(year, quarter)
    behind = selectors.quota_behind(selectors.quota_progress(year, until=end), until=end)
    levels = []
    for level in Level:
        card = scorecard_between(level, start, end, year=year)
        active = [row for row in card.rows if row.discovered or row.landed or row.served]
        idle = [row for row in card.rows if not (row.discovered or row.landed or row.served)]
        kinds = LEVEL_UNIT_KINDS.get(level, ())
        levels.append(
            BulletinLevel(
                level=level.value,
                label=str(level.label),
                leading=active[:BULLETIN_NAMED],
                lagging=idle,
                behind_quota=[row for row in behind if row.unit.kind in kinds],
            )
        )
    return levels


# --- The division map: quota completion per division ----------------------------------------------


@dataclass(frozen=True)
class DivisionTile:
    division: Division
    unit_code: str | None
    row: int
    col: int
    quota: int | None
    completed: int
    percent: int | None  # None: no quota this year


def division_map(year: int) -> list[DivisionTile]:
    """Every division at its tile (`quotas/division_tiles.py`), coloured by its quota
    completion (完成率) from the same rows as the dashboard's ranking."""
    from .division_tiles import TILES

    rows = {row.unit.division_id: row for row in selectors.city_overview(year).quota_rows}
    units = dict(
        Unit.objects.filter(kind=UnitKind.DIVISION, division__isnull=False).values_list(
            "division_id", "code"
        )
    )
    tiles = []
    for division in Division.objects.order_by("code"):
        row = rows.get(division.pk)
        position = TILES.get(division.code)
        if position is None:
            continue
        quota = row.quota if row else None
        tiles.append(
            DivisionTile(
                division=division,
                unit_code=units.get(division.pk),
                row=position[0],
                col=position[1],
                quota=quota,
                completed=row.completed if row else 0,
                percent=row.percent if row and quota else None,
            )
        )
    return tiles


# --- Targets of section 二 the dashboard did not track --------------------------------------------


def landmark_landings(year: int, *, major: bool) -> QuerySet[Landing]:
    """The landed landmarks up to the end of `year` that `selectors.landmark_counts` counts:
    ≥ 5亿元 (`major`) or ≥ 1亿元 (the ≥ 5亿元 ones included), newest first."""
    end = selectors.year_bounds(year)[1]
    kinds = [Landmark.MAJOR] if major else [Landmark.SIGNIFICANT, Landmark.MAJOR]
    return (
        Landing.objects.landed()
        .filter(landed_on__lte=end, landmark__in=kinds)
        .select_related("achievement", "credited_unit", "division")
        .order_by("-economic_contribution", "-landed_on", "pk")
    )
