"""Reads of investor docking: the achievements open to investors and their evaluation summary.

The summary is what an investor may know of an evaluation: the batch's conclusion (criteria
results averaged over the evaluators, the "3有" held by the majority, the decision) and the
valuation when the achievement is public. Never an evaluator's own scores, comments or name,
never the valuation report itself, and the contact only through `achievements.view_contact`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from evaluation.choices import Criterion, Decision, ThreeHave, ValuationStatus
from evaluation.models import BatchItem, Recommendation, Valuation
from towns.choices import EnterpriseStatus, Role

from .choices import DOCKING_OPEN_STATUSES, DockingStatus
from .models import Docking, InvestorInterest

# A mean over one evaluator would be that evaluator's own score: criteria results are shown
# only when at least this many evaluators scored.
MIN_SCORERS_FOR_RESULTS = 2

CRITERION_FIELDS = [c.value for c in Criterion]
TENTH = Decimal("0.1")


def is_approved_investor(user) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.INVESTOR
        and user.enterprise_id
        and user.enterprise.status == EnterpriseStatus.APPROVED
    )


def opportunities_for(user):
    """The achievements an investor may browse: in the service library, not landed yet (待落地).
    Staff and leaders see the same list (to follow what investors see)."""
    if not (is_approved_investor(user) or (user.is_authenticated and user.reads_everything)):
        return Achievement.objects.none()
    return Achievement.objects.filter(status=AchievementStatus.SERVICE).select_related(
        "field", "landing_division"
    )


@dataclass
class EvaluationSummary:
    route: str = ""  # how it entered the service library
    batch: str = ""
    decision: str = ""
    scorer_count: int = 0
    mean_total: Decimal | None = None
    criteria: list[tuple[str, Decimal]] = field(default_factory=list)
    three_have: list[tuple[str, bool]] = field(default_factory=list)
    recommender_kind: str = ""
    valuation: Decimal | None = None
    valued_on: object = None
    valuation_agency: str = ""
    valuation_hidden: bool = False  # a valuation exists but the achievement is not public

    @property
    def results_shown(self) -> bool:
        return self.scorer_count >= MIN_SCORERS_FOR_RESULTS

    @property
    def meets_three_have(self) -> bool | None:
        return all(v for _, v in self.three_have) if self.three_have else None


def evaluation_summaries(achievements) -> dict[int, EvaluationSummary]:
    """Summary per achievement for a page of achievements, in three queries whatever its size."""
    achievements = list(achievements)
    ids = [a.pk for a in achievements]
    summaries = {a.pk: EvaluationSummary(route=a.get_service_route_display()) for a in achievements}
    if not ids:
        return summaries
    # The latest decided batch item of each achievement (selected or not: its conclusion).
    items = {}
    for item in (
        BatchItem.objects.filter(achievement_id__in=ids)
        .exclude(decision=Decision.PENDING)
        .select_related("batch")
        .annotate(
            **{f"avg_{c}": Avg(f"scores__{c}") for c in CRITERION_FIELDS},
        )
        .order_by("achievement_id", "-batch__year", "-decided_at", "-id")
    ):
        items.setdefault(item.achievement_id, item)
    for achievement_id, item in items.items():
        summary = summaries[achievement_id]
        summary.batch = f"{item.batch.year} · {item.batch.name}"
        summary.decision = item.get_decision_display()
        summary.scorer_count = item.scorer_count
        summary.three_have = [
            (ThreeHave.MARKET_DEMAND.label, item.has_market_demand),
            (ThreeHave.INNOVATION_VALUE.label, item.has_innovation_value),
            (ThreeHave.ECONOMIC_CONTRIBUTION.label, item.has_economic_contribution),
        ]
        if summary.results_shown:
            summary.mean_total = item.mean_total
            summary.criteria = [
                (Criterion(c).label, Decimal(str(getattr(item, f"avg_{c}"))).quantize(TENTH))
                for c in CRITERION_FIELDS
                if getattr(item, f"avg_{c}") is not None
            ]
    for achievement_id, kind in Recommendation.objects.filter(achievement_id__in=ids).values_list(
        "achievement_id", "recommender_kind"
    ):
        summaries[achievement_id].recommender_kind = str(
            Recommendation(recommender_kind=kind).get_recommender_kind_display()
        )
    public = {a.pk for a in achievements if a.is_public}
    for valuation in Valuation.objects.filter(
        achievement_id__in=ids, status=ValuationStatus.COMPLETED
    ).order_by("achievement_id", "valued_on", "id"):
        summary = summaries[valuation.achievement_id]  # the latest wins
        if valuation.achievement_id in public:
            summary.valuation = valuation.value
            summary.valued_on = valuation.valued_on
            summary.valuation_agency = valuation.agency
        else:
            summary.valuation_hidden = True
    return summaries


def interests_with_details(queryset):
    return queryset.select_related(
        "institution", "achievement", "achievement__field", "expressed_by", "docking"
    )


def institution_interest_ids(user, achievement_ids) -> set[int]:
    """Which of these achievements the investor's institution already expressed interest in."""
    if not is_approved_investor(user):
        return set()
    return set(
        InvestorInterest.objects.filter(
            institution_id=user.enterprise_id, achievement_id__in=list(achievement_ids)
        ).values_list("achievement_id", flat=True)
    )


def interest_counts(achievement_ids) -> dict[int, int]:
    rows = (
        InvestorInterest.objects.filter(achievement_id__in=list(achievement_ids))
        .values("achievement_id")
        .annotate(n=Count("id"))
    )
    return {row["achievement_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class DockingFigures:
    interests: int
    awaiting_docking: int
    open_dockings: int
    invested: int
    invested_amount: Decimal


def docking_figures(interests) -> DockingFigures:
    """Counts over a scope of interests (an investor's own, or all for staff and leaders)."""
    row = interests.aggregate(
        n=Count("id"),
        waiting=Count("id", filter=Q(docking__isnull=True)),
        open=Count("id", filter=Q(docking__status__in=DOCKING_OPEN_STATUSES)),
        invested=Count("id", filter=Q(docking__status=DockingStatus.INVESTED)),
        amount=Sum("docking__venture_round__amount"),
    )
    return DockingFigures(
        interests=row["n"],
        awaiting_docking=row["waiting"],
        open_dockings=row["open"],
        invested=row["invested"],
        invested_amount=row["amount"] or Decimal("0.00"),
    )


def docking_with_details(queryset):
    return queryset.select_related(
        "interest__institution",
        "interest__achievement",
        "interest__achievement__field",
        "venture_round",
        "venture_round__fund",
        "arranged_by",
    )


def docking_history(docking: Docking):
    return docking.transitions.select_related("actor").order_by("at", "id")


RECENT_ON_HOME = 6


def investor_overview(user) -> dict:
    """The investor's home: the institution's review status, its interests and dockings."""
    interests = InvestorInterest.objects.visible_to(user)
    approved = is_approved_investor(user)
    return {
        "approved": approved,
        "figures": docking_figures(interests),
        "recent_interests": list(
            interests_with_details(interests).order_by("-created_at", "-id")[:RECENT_ON_HOME]
        ),
        "upcoming_dockings": list(
            docking_with_details(
                Docking.objects.visible_to(user).filter(status=DockingStatus.ARRANGED)
            ).order_by("meeting_on", "id")[:RECENT_ON_HOME]
        ),
        "opportunity_count": opportunities_for(user).count() if approved else 0,
    }
