"""Reads of the service library: cases with their responsible person, follow-up dates, progress
and escalation tier — each list in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from towns.choices import Role
from towns.models import User
from towns.policy import policy_value

from ..choices import AchievementStatus, EscalationTier
from ..models import (
    Achievement,
    Assignment,
    Escalation,
    EscalationInstruction,
    EscalationSettings,
    FollowUp,
    FollowUpFlag,
    FollowUpReminder,
    Milestone,
    MilestoneTemplate,
)

# Roles that may open a service-library case page (liaisons only their unit's cases).
CASE_READER_ROLES = frozenset({Role.CENTER_STAFF, Role.ADMIN, Role.LEADER, Role.LIAISON})


# --- Calendar helpers -------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return first_of_month(first_of_month(day) - timedelta(days=1))


def next_month(day: date) -> date:
    return first_of_month(first_of_month(day) + timedelta(days=32))


def month_end(day: date) -> date:
    return next_month(day) - timedelta(days=1)


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def stalled_cutoff(today: date) -> date:
    """A case whose last progress is on or before this date is stalled (久推不动)."""
    return today - timedelta(days=settings.SERVICE_STALLED_AFTER_DAYS)


# --- Escalation tiers ---------------------------------------------------------------------------


def tier_thresholds(year: int) -> tuple[Decimal, Decimal]:
    return (
        policy_value("escalation.city_leader_min", year=year),
        policy_value("escalation.bureau_leaders_min", year=year),
    )


def escalation_tier(expected_contribution: Decimal | None, *, year: int) -> str:
    """≥ 5亿元 → city leader in charge; 1–5亿元 → 市科技局 and unit leaders; else responsible."""
    city_min, bureau_min = tier_thresholds(year)
    if expected_contribution is not None and expected_contribution >= city_min:
        return EscalationTier.CITY_LEADER
    if expected_contribution is not None and expected_contribution >= bureau_min:
        return EscalationTier.BUREAU_LEADERS
    return EscalationTier.RESPONSIBLE


def tier_expression(year: int) -> Case:
    """The same rule as `escalation_tier`, as SQL (for filters and annotations)."""
    city_min, bureau_min = tier_thresholds(year)
    return Case(
        When(expected_contribution__gte=city_min, then=Value(EscalationTier.CITY_LEADER.value)),
        When(
            expected_contribution__gte=bureau_min,
            then=Value(EscalationTier.BUREAU_LEADERS.value),
        ),
        default=Value(EscalationTier.RESPONSIBLE.value),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class EscalationRouting:
    """Who a stalled case goes to; `unrouted` when its tier calls for a city leader and none is
    named for its industry nor set as the default (a problem staff and admins must see)."""

    recipients: list[User]
    unrouted: bool = False


def default_city_leader() -> User | None:
    """The admin-set city leader for industries without one of their own (if active)."""
    setting = EscalationSettings.objects.select_related("default_city_leader").first()
    leader = setting.default_city_leader if setting else None
    if leader is None or not leader.is_active or leader.role != Role.LEADER:
        return None
    return leader


def city_leaders_for(achievement: Achievement) -> list[User]:
    """分管市领导 of the case's industry; else the default city leader; else nobody."""
    leaders = list(
        User.objects.filter(
            role=Role.LEADER,
            is_active=True,
            industries_in_charge__industry_id=achievement.field_id,
        ).order_by("username")
    )
    if not leaders and (default := default_city_leader()) is not None:
        leaders = [default]
    return leaders


def escalation_routing(achievement: Achievement, tier: str) -> EscalationRouting:
    """Who a stalled case is reported to; the responsible person always hears of it."""
    recipients: list[User] = []
    unrouted = False
    if tier == EscalationTier.CITY_LEADER:
        recipients = city_leaders_for(achievement)
        unrouted = not recipients
    elif tier == EscalationTier.BUREAU_LEADERS:
        recipients = list(
            User.objects.filter(role=Role.LEADER, is_active=True)
            .filter(
                Q(unit__code=settings.ESCALATION_BUREAU_UNIT_CODE)
                | Q(unit_id=achievement.discovering_unit_id)
            )
            .order_by("username")
        )
    assignment = current_assignment(achievement)
    if assignment is not None and assignment.assignee not in recipients:
        recipients.append(assignment.assignee)
    return EscalationRouting(recipients=recipients, unrouted=unrouted)


# --- Cases --------------------------------------------------------------------------------------


def current_assignment(achievement: Achievement) -> Assignment | None:
    return (
        Assignment.objects.current()
        .filter(achievement=achievement)
        .select_related("assignee__unit")
        .first()
    )


def eligible_assignees(achievement: Achievement) -> QuerySet[User]:
    """包干制: service-center staff, or a liaison of the discovering unit."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.CENTER_STAFF)
            | Q(role=Role.LIAISON, unit_id=achievement.discovering_unit_id)
        )
        .select_related("unit")
        .order_by("role", "username")
    )


def service_cases_visible_to(user) -> QuerySet[Achievement]:
    """Service-library achievements whose case this user may open (404 for everyone else)."""
    if user is None or not user.is_authenticated or user.role not in CASE_READER_ROLES:
        return Achievement.objects.none()
    return Achievement.objects.visible_to(user).in_service_library()


def with_case_facts(queryset: QuerySet[Achievement], *, today: date) -> QuerySet[Achievement]:
    """Annotate cases with their current assignment, follow-up and progress dates and tier."""
    cases = OuterRef("pk")
    entered_on = Coalesce(
        TruncDate("service_entered_at"), TruncDate("created_at"), output_field=DateField()
    )
    last_progress_follow_up = (
        FollowUp.objects.filter(achievement=cases, has_progress=True)
        .order_by("-followed_on")
        .values("followed_on")[:1]
    )
    last_milestone = (
        Milestone.objects.filter(achievement=cases, done_on__isnull=False)
        .order_by("-done_on")
        .values("done_on")[:1]
    )
    return (
        queryset.annotate(entered_on=entered_on)
        .annotate(
            last_follow_up_period=Subquery(
                FollowUp.objects.filter(achievement=cases).order_by("-period").values("period")[:1]
            ),
            last_followed_on=Subquery(
                FollowUp.objects.filter(achievement=cases)
                .order_by("-followed_on")
                .values("followed_on")[:1]
            ),
            next_milestone_due=Subquery(
                Milestone.objects.filter(achievement=cases, done_on__isnull=True)
                .order_by("due_on")
                .values("due_on")[:1]
            ),
            last_progress_on=Greatest(
                "entered_on",
                Coalesce(Subquery(last_progress_follow_up), "entered_on"),
                Coalesce(Subquery(last_milestone), "entered_on"),
                output_field=DateField(),
            ),
            tier=tier_expression(today.year),
            open_flag_count=Subquery(
                FollowUpFlag.objects.filter(achievement=cases, resolved_at__isnull=True)
                .values("achievement")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            is_escalated=Exists(Escalation.objects.open().filter(achievement=cases)),
        )
        .select_related("field", "discovering_unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.current().select_related("assignee__unit"),
                to_attr="current_assignments",
            )
        )
    )


def service_case_list(user, *, today: date | None = None) -> QuerySet[Achievement]:
    return with_case_facts(service_cases_visible_to(user), today=today or timezone.localdate())


def my_cases(user, *, today: date | None = None) -> QuerySet[Achievement]:
    """The cases this person is responsible for now; a landed case needs no more work."""
    return service_case_list(user, today=today).filter(
        status=AchievementStatus.SERVICE,
        assignments__assignee=user,
        assignments__ended_at__isnull=True,
    )


@dataclass(frozen=True)
class FollowUpDue:
    due_on: date
    period: date
    overdue_months: int

    @property
    def is_overdue(self) -> bool:
        return self.overdue_months > 0


def next_follow_up_due(case: Achievement, *, today: date) -> FollowUpDue | None:
    """The follow-up record a case needs next: this month's, or next month's if it is done."""
    if case.status != AchievementStatus.SERVICE:
        return None
    this_month = first_of_month(today)
    period = this_month
    if case.last_follow_up_period is not None and case.last_follow_up_period >= this_month:
        period = next_month(this_month)
    return FollowUpDue(
        due_on=month_end(period), period=period, overdue_months=case.open_flag_count or 0
    )


def case_assignee(case: Achievement) -> User | None:
    """The current responsible person of a case annotated by `with_case_facts`."""
    assignments = getattr(case, "current_assignments", None)
    if assignments is None:
        assignment = current_assignment(case)
        return assignment.assignee if assignment else None
    return assignments[0].assignee if assignments else None


def is_stalled(case: Achievement, *, today: date) -> bool:
    return case.status == AchievementStatus.SERVICE and case.last_progress_on <= stalled_cutoff(
        today
    )


# --- One case -----------------------------------------------------------------------------------


def case_assignments(achievement: Achievement) -> QuerySet[Assignment]:
    return achievement.assignments.select_related("assignee__unit", "assigned_by").order_by(
        "-started_at", "-id"
    )


def case_follow_ups(achievement: Achievement) -> QuerySet[FollowUp]:
    return achievement.follow_ups.select_related("recorded_by").order_by("-period", "-id")


def case_reminders(achievement: Achievement, *, limit: int = 5) -> list[FollowUpReminder]:
    """The latest 催办 of a case, newest first."""
    return list(
        achievement.follow_up_reminders.select_related("sent_by").order_by("-sent_at", "-id")[
            :limit
        ]
    )


def case_milestones(achievement: Achievement) -> QuerySet[Milestone]:
    return achievement.milestones.select_related("done_by").order_by("order")


def case_escalations(achievement: Achievement) -> QuerySet[Escalation]:
    return achievement.escalations.prefetch_related("recipients").order_by("-escalated_at")


def case_open_flags(achievement: Achievement) -> QuerySet[FollowUpFlag]:
    return achievement.follow_up_flags.filter(resolved_at__isnull=True).order_by("period")


def milestone_templates() -> QuerySet[MilestoneTemplate]:
    return MilestoneTemplate.objects.filter(is_active=True).prefetch_related("steps")


# --- Escalations --------------------------------------------------------------------------------


def escalations_visible_to(user) -> QuerySet[Escalation]:
    """Staff and leaders read the escalation list; a responsible person sees their own cases'."""
    if user is None or not user.is_authenticated:
        return Escalation.objects.none()
    latest = FollowUp.objects.filter(achievement=OuterRef("achievement")).order_by("-period")
    rows = (
        Escalation.objects.filter(achievement__deleted_at__isnull=True)
        .select_related("achievement__field", "achievement__discovering_unit")
        # The history a leader reads first: the latest follow-up, its progress and blockers.
        .annotate(
            last_follow_up_period=Subquery(latest.values("period")[:1]),
            last_follow_up_progress=Subquery(latest.values("progress")[:1]),
            last_follow_up_blockers=Subquery(latest.values("blockers")[:1]),
        )
        .prefetch_related(
            "recipients",
            Prefetch(
                "achievement__assignments",
                queryset=Assignment.objects.current().select_related("assignee"),
                to_attr="current_assignments",
            ),
        )
    )
    if user.role in (Role.CENTER_STAFF, Role.ADMIN, Role.LEADER):
        return rows
    if user.role == Role.LIAISON:
        return rows.filter(achievement__discovering_unit_id=user.unit_id)
    return Escalation.objects.none()


def escalation_counts(user) -> dict[str, int]:
    counts = dict(
        escalations_visible_to(user)
        .open()
        .order_by()
        .values("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {tier: counts.get(tier, 0) for tier in EscalationTier.values}


def escalations_for_leader(user) -> QuerySet[Escalation]:
    """Open escalations reported to this leader."""
    return escalations_visible_to(user).open().filter(recipients=user)


def leader_escalation_counts(user) -> dict[str, int]:
    """Per tier, the open escalations reported to this leader: the same rows as their list."""
    counts = dict(
        escalations_for_leader(user)
        .order_by()
        .values("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {tier: counts.get(tier, 0) for tier in EscalationTier.values}


def escalation_detail(user, pk: int) -> Escalation | None:
    """One escalation this user may read, with its instructions (None outside their scope)."""
    return (
        escalations_visible_to(user)
        .select_related("resolved_by")
        .prefetch_related(
            Prefetch(
                "instructions",
                queryset=EscalationInstruction.objects.select_related("author").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def unrouted_escalation_count(user) -> int:
    """Open ≥ 5亿元 escalations that reached no city leader: a setting is missing."""
    return escalations_visible_to(user).open().filter(unrouted=True).count()


# --- Staff dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAttention:
    unassigned: int
    missing_follow_ups: int
    escalations: dict[str, int]
    unrouted: int

    @property
    def open_escalations(self) -> int:
        return sum(self.escalations.values())


def service_attention(user) -> ServiceAttention:
    cases = service_cases_visible_to(user).filter(status=AchievementStatus.SERVICE)
    return ServiceAttention(
        unassigned=cases.filter(
            ~Exists(Assignment.objects.current().filter(achievement=OuterRef("pk")))
        ).count(),
        missing_follow_ups=FollowUpFlag.objects.filter(
            resolved_at__isnull=True, achievement__in=cases.values("pk")
        ).count(),
        escalations=escalation_counts(user),
        unrouted=unrouted_escalation_count(user),
    )
