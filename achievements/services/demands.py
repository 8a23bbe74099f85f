"""Every write of the demand window: demands, matches, the matching vocabulary, inquiries."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.cache import rows_of
from kernel.exceptions import Refused
from kernel.transitions import transition
from towns.bulk import BulkOutcome, bulk_apply
from towns.choices import EnterpriseStatus, Role
from towns.models import Enterprise, User
from towns.outbox import outbox_enqueue
from towns.selectors import center_staff, enterprise_users
from towns.services import notification_send

from .. import matching
from ..choices import (
    DEMAND_ACTIVE_STATUSES,
    MATCH_REVIEWED_STATUSES,
    DemandKind,
    DemandStatus,
    InquiryStatus,
    MatchStatus,
)
from ..models import (
    Achievement,
    ContactExchange,
    Demand,
    Inquiry,
    Match,
    ShowcaseEntry,
    SynonymGroup,
)
from ..models.demands import split_terms

# How many unreviewed suggestions each demand keeps; the least score worth a person's look is
# the ranking's own.
MATCHES_KEPT = 20
MIN_SCORE = matching.ranking.MIN_SCORE
DEMAND_FIELDS = (
    "kind",
    "title",
    "description",
    "field",
    "division",
    "budget_min",
    "budget_max",
    "deadline",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _queue(task, **kwargs) -> None:
    outbox_enqueue(task, **kwargs)


def require_approved_enterprise(enterprise: Enterprise | None) -> None:
    if enterprise is None or enterprise.status != EnterpriseStatus.APPROVED:
        raise PermissionDenied(_("企业注册审核通过后才能办理此业务。"))


# --- Demands ------------------------------------------------------------------------------------


@transaction.atomic
def demand_create(*, acting_user: User, enterprise: Enterprise, **fields) -> Demand:
    """An enterprise posts a demand; staff are told and matching runs."""
    from ..tasks.demands import task_match_demand

    require_approved_enterprise(enterprise)
    demand = Demand(enterprise=enterprise, created_by=acting_user, **_demand_fields(fields))
    demand.full_clean()
    demand.save()
    _queue(task_match_demand, demand_id=demand.pk)
    notification_send(
        recipients=center_staff(),
        kind="demand_new",
        title=_("新的企业需求：%(title)s") % {"title": demand.title},
        body=_("%(enterprise)s 发布了%(kind)s，请查看系统推荐的成果并审核。")
        % {"enterprise": enterprise.name, "kind": demand.get_kind_display()},
        url=reverse("achievements:demand_detail", args=[demand.pk]),
    )
    return demand


def _demand_fields(fields: dict) -> dict:
    unknown = set(fields) - set(DEMAND_FIELDS)
    if unknown:
        raise TypeError(f"not demand fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def demand_update(demand: Demand, *, acting_user: User, **changes) -> Demand:
    """Change a demand that is still active; its matches are recomputed."""
    from ..tasks.demands import task_match_demand

    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if locked.status not in DEMAND_ACTIVE_STATUSES:
        raise Refused(_("需求已关闭，不能再修改。"))
    for name, value in _demand_fields(changes).items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = acting_user
    locked.save()
    _queue(task_match_demand, demand_id=locked.pk)
    return locked


def demand_change_status(
    demand: Demand, *, to: str, allowed_from: Iterable[str], acting_user: User, reason: str = ""
) -> Demand:
    """A demand's step through `kernel.transitions.transition` (and its DemandTransition log)."""
    return transition(
        demand, to=to, allowed_from=allowed_from, acting_user=acting_user, reason=reason
    )


def demand_close(demand: Demand, *, acting_user: User, reason: str = "") -> Demand:
    return demand_change_status(
        demand,
        to=DemandStatus.CLOSED,
        allowed_from=DEMAND_ACTIVE_STATUSES,
        acting_user=acting_user,
        reason=reason,
    )


@transaction.atomic
def demand_follow(demand: Demand, *, acting_user: User, follow: bool = True) -> Demand:
    """A staff member follows a demand (told when new achievements fit it), or stops."""
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if locked.status not in DEMAND_ACTIVE_STATUSES:
        raise Refused(_("需求已关闭，无需跟进。"))
    if follow:
        locked.followed_by = acting_user
    elif locked.followed_by_id == acting_user.pk:
        locked.followed_by = None
    else:
        return locked
    locked._history_user = acting_user
    locked._change_reason = _("跟进需求") if follow else _("取消跟进")
    locked.save(update_fields=["followed_by", "updated_at"])
    return locked


# --- Matching -----------------------------------------------------------------------------------


@transaction.atomic
def demand_request_rematch(demand: Demand) -> None:
    """Queue the demand's matches to be computed again (the rematch button)."""
    from ..tasks.demands import task_match_demand

    _queue(task_match_demand, demand_id=demand.pk)


def matches_recompute(*, demand_id: int) -> int:
    """Rank the achievements for one demand and keep the best MATCHES_KEPT as suggestions.

    Matches a person already decided about stay as they are. Running it twice changes nothing.
    """
    demand = Demand.objects.select_related("field", "division").filter(pk=demand_id).first()
    if demand is None or demand.status not in DEMAND_ACTIVE_STATUSES:
        return 0
    vocabulary = matching.vocabulary()
    query = matching.DemandQuery.build(
        vocabulary,
        title=demand.title,
        description=demand.description,
        field=demand.field,
        division=demand.division,
    )
    if demand.kind == DemandKind.TALENT:
        # People, not achievements, answer a talent demand (selectors/people.py): only its
        # profile is kept, and unreviewed achievement suggestions go.
        with transaction.atomic(), rows_of("demand", demand_id):
            Demand.objects.filter(pk=demand_id).update(
                match_profile=query.as_json(), matched_at=timezone.now()
            )
            demand.matches.filter(status=MatchStatus.SUGGESTED).delete()
        return 0
    reviewed = frozenset(
        demand.matches.filter(status__in=MATCH_REVIEWED_STATUSES).values_list(
            "achievement_id", flat=True
        )
    )
    ranked = [
        r
        for r in matching.rank(vocabulary, query, limit=MATCHES_KEPT, exclude=reviewed)
        if r.score >= MIN_SCORE
    ]
    now = timezone.now()
    with transaction.atomic(), rows_of("demand", demand_id):
        Demand.objects.filter(pk=demand_id).update(match_profile=query.as_json(), matched_at=now)
        suggested = {
            m.achievement_id: m for m in demand.matches.filter(status=MatchStatus.SUGGESTED)
        }
        keep = {r.achievement_id: r for r in ranked}
        Match.objects.filter(
            demand_id=demand_id,
            status=MatchStatus.SUGGESTED,
            achievement_id__in=suggested.keys() - keep.keys(),
        ).delete()
        changed = []
        for achievement_id, match in suggested.items():
            if achievement_id in keep:
                match.score = keep[achievement_id].score
                match.explanation = keep[achievement_id].explanation
                match.computed_at = now
                changed.append(match)
        Match.objects.bulk_update(changed, ["score", "explanation", "computed_at"])
        Match.objects.bulk_create(
            [
                Match(
                    demand_id=demand_id,
                    achievement_id=r.achievement_id,
                    score=r.score,
                    explanation=r.explanation,
                    computed_at=now,
                )
                for r in ranked
                if r.achievement_id not in suggested
            ],
            ignore_conflicts=True,
        )
    return len(ranked)


@dataclass
class Refreshed:
    """What refreshing the suggestions for some achievements did."""

    touched: int = 0
    # demand → the achievements newly suggested to it
    new: dict[int, list[int]] = field(default_factory=dict)
    demand_ids: set[int] = field(default_factory=set)


def matches_refresh_for_achievements(
    *, achievement_ids: Iterable[int], on_new: Callable[[dict[int, list[int]]], None] | None = None
) -> Refreshed:
    """Re-index changed achievements and update the suggestions of every active demand.

    Scores each achievement against each demand (no re-ranking of whole demands), so an
    import of thousands of achievements stays cheap. The features are read back from the index,
    so a run repeated after a crash (the index already current) still matches; the suggestions
    it finds already there are only re-scored. The demands whose suggestions changed get their
    `matched_at`: the time their list was last computed. `on_new(demand → achievements newly
    suggested)` runs in the same transaction as the suggestions it reports.
    """
    ids = sorted(set(achievement_ids))
    vocabulary = matching.vocabulary()
    for pk in ids:
        matching.index_achievement(vocabulary, pk)
    indexed = matching.index.indexed_features(ids)
    gone = set(ids) - {item.achievement_id for item in indexed}
    result = Refreshed()
    with transaction.atomic():
        if gone:
            # No longer offered to enterprises: unreviewed suggestions of them go.
            withdrawn = Match.objects.filter(achievement_id__in=gone, status=MatchStatus.SUGGESTED)
            losing = set(withdrawn.values_list("demand_id", flat=True))
            result.demand_ids |= losing
            with rows_of("demand", *losing):
                result.touched += withdrawn.delete()[0]
        demands = list(
            Demand.objects.active()
            .exclude(match_profile={})
            .exclude(kind=DemandKind.TALENT)
            .values_list("pk", "match_profile")
            .order_by("pk")
        )
        if indexed and demands:
            queries = {pk: matching.DemandQuery.from_json(profile) for pk, profile in demands}
            # Every feature of the demands, not only the shared ones: the score is a share of
            # what an ideal achievement would get, exactly as in a full ranking.
            frequencies = matching.document_frequencies(
                {f for q in queries.values() for f in q.weights}
            )
            documents = matching.index.document_count()
            learned = matching.learning.current()
            created = []
            for item in indexed:
                scored = {}
                for pk, query in queries.items():
                    ranked = matching.score_indexed(
                        vocabulary, query, item, frequencies, documents, learned
                    )
                    if ranked is not None and ranked.score >= MIN_SCORE:
                        scored[pk] = ranked
                touched, demand_ids, new = _merge_suggestions(
                    item.achievement_id, scored, active=queries.keys()
                )
                result.touched += touched
                result.demand_ids |= demand_ids
                created += new
            # A suggestion made for one achievement of the batch may have made room for a
            # better one of the same batch: only those still suggested are new.
            kept = set(
                Match.objects.filter(
                    achievement_id__in=[pk for _, pk in created], status=MatchStatus.SUGGESTED
                ).values_list("demand_id", "achievement_id")
            )
            for demand_id, achievement_id in created:
                if (demand_id, achievement_id) in kept:
                    result.new.setdefault(demand_id, []).append(achievement_id)
        if result.demand_ids:
            with rows_of("demand", *result.demand_ids):
                Demand.objects.filter(pk__in=result.demand_ids).update(matched_at=timezone.now())
        if on_new is not None and result.new:
            on_new(result.new)
    return result


def _merge_suggestions(
    achievement_id: int, scored: dict, *, active
) -> tuple[int, set[int], list[tuple[int, int]]]:
    """Put one achievement's scores into the demands' suggestions: (suggestions touched, the
    demands whose suggestions changed, the (demand, achievement) suggestions created)."""
    now = timezone.now()
    existing = dict(
        Match.objects.filter(achievement_id=achievement_id).values_list("demand_id", "status")
    )
    dropped = [
        pk
        for pk, status in existing.items()
        if status == MatchStatus.SUGGESTED and pk in active and pk not in scored
    ]
    # Each write names the demands whose matches it touches (their pages end, no other's).
    with rows_of("demand", *dropped):
        touched = Match.objects.filter(
            achievement_id=achievement_id, status=MatchStatus.SUGGESTED, demand_id__in=dropped
        ).delete()[0]
    demand_ids = set(dropped)
    created = []
    stats = {
        row["demand_id"]: (row["n"], row["low"])
        for row in Match.objects.filter(demand_id__in=list(scored), status=MatchStatus.SUGGESTED)
        .values("demand_id")
        .annotate(n=Count("pk"), low=Min("score"))
    }
    for demand_id, ranked in scored.items():
        status = existing.get(demand_id)
        if status is not None and status != MatchStatus.SUGGESTED:
            continue  # decided by a person: left alone
        if status == MatchStatus.SUGGESTED:
            with rows_of("demand", demand_id):
                Match.objects.filter(
                    demand_id=demand_id, achievement_id=achievement_id, status=MatchStatus.SUGGESTED
                ).update(score=ranked.score, explanation=ranked.explanation, computed_at=now)
            touched += 1
            demand_ids.add(demand_id)
            continue
        count, lowest = stats.get(demand_id, (0, None))
        if count >= MATCHES_KEPT and ranked.score <= lowest:
            continue
        _, made = Match.objects.get_or_create(
            demand_id=demand_id,
            achievement_id=achievement_id,
            defaults={
                "score": ranked.score,
                "explanation": ranked.explanation,
                "computed_at": now,
            },
        )
        touched += 1
        demand_ids.add(demand_id)
        if made:
            created.append((demand_id, achievement_id))
        if count >= MATCHES_KEPT:
            weakest = (
                Match.objects.filter(demand_id=demand_id, status=MatchStatus.SUGGESTED)
                .order_by("score", "-achievement_id")
                .values_list("pk", flat=True)[: count + 1 - MATCHES_KEPT]
            )
            with rows_of("demand", demand_id):
                Match.objects.filter(pk__in=list(weakest)).delete()
    return touched, demand_ids, created


def match_index_rebuild(*, progress=None) -> tuple[int, int]:
    """Index every achievement again and re-rank every active demand (after bulk changes)."""
    indexed = matching.rebuild_index(matching.vocabulary(), progress=progress)
    demands = list(Demand.objects.active().values_list("pk", flat=True))
    for pk in demands:
        matches_recompute(demand_id=pk)
    return indexed, len(demands)


def match_change_status(
    match: Match,
    *,
    to: str,
    allowed_from: Iterable[str],
    acting_user: User,
    learn: bool = True,
    **changes,
) -> Match:
    """A match's step through `kernel.transitions.transition`; the demand must still be open."""

    def demand_open(locked: Match) -> None:
        if locked.demand.status not in DEMAND_ACTIVE_STATUSES:
            raise Refused(_("需求已关闭，不能再处理推荐。"))

    from ..tasks.demands import task_recompute_match_learning

    with transaction.atomic():
        match = transition(
            match,
            to=to,
            allowed_from=allowed_from,
            acting_user=acting_user,
            queryset=Match.objects.select_related("demand"),
            check=demand_open,
            clean=["demand", "achievement"],
            **changes,
        )
        # Every decision is a judgment matching learns from (services/learning.py); a bulk
        # decision queues the relearning once, after its rows.
        if learn:
            _queue(task_recompute_match_learning)
    return match


def _require_live_achievement(match: Match) -> None:
    # A deleted achievement is offered to no one, and its contacts are handed to no one.
    if Achievement.all_objects.filter(pk=match.achievement_id, deleted_at__isnull=False).exists():
        raise ValidationError(_("该成果已被删除。"))


def match_propose(match: Match, *, acting_user: User, note: str = "", learn: bool = True) -> Match:
    """Staff recommend a suggested achievement to the enterprise."""
    _require_live_achievement(match)
    match = match_change_status(
        match,
        learn=learn,
        to=MatchStatus.PROPOSED,
        allowed_from=[MatchStatus.SUGGESTED],
        acting_user=acting_user,
        note=note.strip(),
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
    )
    demand = match.demand
    notification_send(
        recipients=enterprise_users(demand.enterprise),
        kind="match_proposed",
        title=_("服务中心为您的需求推荐了成果"),
        body=_("需求“%(demand)s”有新的推荐成果：%(achievement)s。请查看并答复。")
        % {"demand": demand.title, "achievement": match.achievement.title},
        url=reverse("achievements:demand_detail", args=[demand.pk]),
    )
    return match


def match_reject(match: Match, *, acting_user: User, reason: str, learn: bool = True) -> Match:
    """Staff set a suggestion (or a proposal not yet answered) aside, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写否决原因。")})
    return match_change_status(
        match,
        learn=learn,
        to=MatchStatus.REJECTED,
        allowed_from=[MatchStatus.SUGGESTED, MatchStatus.PROPOSED],
        acting_user=acting_user,
        reject_reason=reason,
        reviewed_by=acting_user,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def match_accept(match: Match, *, acting_user: User) -> Match:
    """The enterprise accepts a proposal: contacts are exchanged and the demand is matched."""
    _require_live_achievement(match)
    match = match_change_status(
        match,
        to=MatchStatus.ACCEPTED,
        allowed_from=[MatchStatus.PROPOSED],
        acting_user=acting_user,
        responded_by=acting_user,
        responded_at=timezone.now(),
    )
    demand, achievement = match.demand, match.achievement
    ContactExchange.objects.create(
        match=match,
        enterprise_contact_name=demand.contact_name,
        enterprise_contact_phone=demand.contact_phone,
        enterprise_contact_email=demand.contact_email,
        holder=achievement.holder,
        holder_contact_name=achievement.contact_name,
        holder_contact_phone=achievement.contact_phone,
        holder_contact_email=achievement.contact_email,
        created_by=acting_user,
    )
    if demand.status == DemandStatus.OPEN:
        demand_change_status(
            demand,
            to=DemandStatus.MATCHED,
            allowed_from=[DemandStatus.OPEN],
            acting_user=acting_user,
            reason=_("接受推荐成果：%(title)s") % {"title": achievement.title},
        )
    owners = [achievement.liaison] if achievement.liaison else []
    notification_send(
        recipients=[*owners, match.reviewed_by],
        kind="match_accepted",
        title=_("企业接受了成果对接：%(title)s") % {"title": achievement.title},
        body=_("%(enterprise)s 接受了对接。企业联系人：%(name)s，电话：%(phone)s。")
        % {
            "enterprise": demand.enterprise.name,
            "name": demand.contact_name,
            "phone": demand.contact_phone,
        },
        url=reverse("achievements:demand_detail", args=[demand.pk]),
    )
    return match


def match_decline(match: Match, *, acting_user: User, reason: str = "") -> Match:
    match = match_change_status(
        match,
        to=MatchStatus.DECLINED,
        allowed_from=[MatchStatus.PROPOSED],
        acting_user=acting_user,
        decline_reason=(reason or "").strip(),
        responded_by=acting_user,
        responded_at=timezone.now(),
    )
    notification_send(
        recipients=[match.reviewed_by],
        kind="match_declined",
        title=_("企业婉拒了推荐成果：%(title)s") % {"title": match.achievement.title},
        body=match.decline_reason,
        url=reverse("achievements:demand_detail", args=[match.demand_id]),
    )
    return match


# --- The matching vocabulary --------------------------------------------------------------------


@transaction.atomic
def synonym_group_save(
    group: SynonymGroup | None,
    *,
    acting_user: User,
    name: str,
    terms: str,
    note: str = "",
    is_active: bool = True,
) -> SynonymGroup:
    """Create or change a concept; the achievements using its words are re-indexed."""
    from ..tasks.demands import task_vocabulary_changed

    if group is None:
        group, before = SynonymGroup(), []
    else:
        group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
        before = group.term_list
    group.name, group.terms, group.note, group.is_active = name, terms, note, is_active
    group.updated_by = acting_user
    group._history_user = acting_user
    group.full_clean()
    if not group.term_list:
        raise ValidationError({"terms": _("请至少填写一个词条。")})
    group.save()
    changed = sorted(set(before) | set(group.term_list))
    _queue(task_vocabulary_changed, terms=changed)
    return group


def vocabulary_apply(*, terms: list[str]) -> int:
    """Re-index achievements whose text holds any of `terms`, then re-rank active demands."""
    terms = split_terms("、".join(terms))
    if terms:
        condition = Q()
        for term in terms:
            condition |= Q(title__icontains=term) | Q(summary__icontains=term)
        for pk in Achievement.objects.filter(condition).values_list("pk", flat=True).iterator():
            matching.index_achievement(matching.vocabulary(), pk)
    demands = list(Demand.objects.active().values_list("pk", flat=True))
    for pk in demands:
        matches_recompute(demand_id=pk)
    return len(demands)


# --- Inquiries ("我有意向") -----------------------------------------------------------------------


@transaction.atomic
def inquiry_create(
    *,
    acting_user: User,
    entry: ShowcaseEntry,
    contact_name: str,
    contact_phone: str,
    message: str = "",
) -> tuple[Inquiry, bool]:
    """An enterprise is interested in a showcase item. Pressing twice keeps one open inquiry."""
    enterprise = acting_user.enterprise if acting_user.role == Role.ENTERPRISE else None
    require_approved_enterprise(enterprise)
    subject = (
        {"achievement_id": entry.achievement_id}
        if entry.achievement_id
        else {"external_id": entry.external_id}
    )
    open_inquiry = (
        Inquiry.objects.select_for_update()
        .filter(enterprise=enterprise, **subject)
        .exclude(status=InquiryStatus.CLOSED)
        .first()
    )
    if open_inquiry is not None:
        return open_inquiry, False
    inquiry = Inquiry(
        enterprise=enterprise,
        title=entry.title,
        message=message.strip(),
        contact_name=contact_name,
        contact_phone=contact_phone,
        created_by=acting_user,
        **subject,
    )
    inquiry.full_clean()
    inquiry.save()
    notification_send(
        recipients=center_staff(),
        kind="inquiry_new",
        title=_("新的合作意向：%(title)s") % {"title": entry.title},
        body=_("%(enterprise)s 对该成果有合作意向，请跟进。") % {"enterprise": enterprise.name},
        url=reverse("achievements:inquiry_detail", args=[inquiry.pk]),
    )
    return inquiry, True


@transaction.atomic
def inquiry_follow_up(inquiry: Inquiry, *, acting_user: User, status: str, note: str) -> Inquiry:
    """Staff record how they followed an inquiry up (following, or done)."""
    note = (note or "").strip()

    def add_note(locked: Inquiry) -> None:
        if not note:
            raise ValidationError({"note": _("请填写跟进情况。")})
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        entry = f"[{stamp} {acting_user.display_name}] {note}"
        locked.follow_up_note = f"{locked.follow_up_note}\n{entry}".strip()

    locked = transition(
        inquiry,
        to=status,
        acting_user=acting_user,
        check=add_note,
        handled_by=acting_user,
        followed_up_at=timezone.now(),
    )
    notification_send(
        recipients=[locked.created_by],
        kind="inquiry_followed",
        title=_("您的合作意向有新进展：%(title)s") % {"title": locked.title},
        body=note,
        url=reverse("achievements:inquiry_detail", args=[locked.pk]),
    )
    return locked


def matches_decide_bulk(
    matches: Iterable[Match], *, acting_user: User, propose: bool, note: str = "", reason: str = ""
) -> list[BulkOutcome]:
    """Staff propose (or reject) several suggestions at once. Each row goes through the same
    transition as one click (`match_propose` / `match_reject`) in its own transaction: a row
    that cannot move is left as it was and says why; the others are done."""
    from ..tasks.demands import task_recompute_match_learning

    if propose:
        outcomes = bulk_apply(
            matches, lambda m: match_propose(m, acting_user=acting_user, note=note, learn=False)
        )
    else:
        outcomes = bulk_apply(
            matches, lambda m: match_reject(m, acting_user=acting_user, reason=reason, learn=False)
        )
    if any(outcome.ok for outcome in outcomes):
        with transaction.atomic():
            _queue(task_recompute_match_learning)
    return outcomes
