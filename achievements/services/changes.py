"""Achievements changed: one background task per transaction brings everything that follows
the library up to date — the match index, the showcase, the demands' suggestions — and tells
the staff following a demand which new achievements fit it.

Every write path that creates or changes achievements reports them here
(`achievements_changed`): a `save()` through the post_save receiver, bulk inserts (the Excel
import) and bulk updates explicitly. However many records one transaction writes (an import of
320 rows, a merge moving several records, a batch confirming its selection), it queues ONE task
through the transactional outbox, published after the commit with every id.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.wording import list_separator
from towns.models import OutboxMessage, User
from towns.outbox import outbox_enqueue
from towns.services import notification_send

from ..choices import DEMAND_ACTIVE_STATUSES, MATCH_REVIEWED_STATUSES
from ..models import Achievement, Demand, Match
from .demands import matches_refresh_for_achievements
from .showcase import showcase_sync_achievement

TASK_KWARG = "achievement_ids"
NOTIFICATION_KIND = "demand_new_matches"
TITLES_LISTED = 3


@dataclass
class _Pending:
    """The outbox message of the current transaction, and the ids it carries so far."""

    message_id: int
    ids: set[int] = field(default_factory=set)
    marker: object = None


def _pending(connection) -> _Pending | None:
    """This transaction's message, if it has one. Its marker is an on-commit callback: Django
    drops it when the transaction (or the savepoint that wrote the message) rolls back, and it
    clears the state when the transaction commits."""
    state = getattr(connection, "_achievements_changed", None)
    if state is None or not connection.in_atomic_block:
        return None
    if not any(func is state.marker for _, func, _ in connection.run_on_commit):
        return None
    return state


def achievements_changed(achievement_ids: Iterable[int]) -> None:
    """Queue the refresh of these achievements: one task for the whole transaction."""
    from ..tasks.demands import task_achievements_changed

    ids = {int(pk) for pk in achievement_ids}
    if not ids:
        return
    connection = transaction.get_connection()
    state = _pending(connection)
    if state is not None:
        if ids <= state.ids:
            return
        state.ids |= ids
        if OutboxMessage.objects.filter(pk=state.message_id, sent_at__isnull=True).update(
            kwargs={TASK_KWARG: sorted(state.ids)}
        ):
            return
        # Already published (a relay run inside the transaction): a message of its own.
    message = outbox_enqueue(task_achievements_changed, **{TASK_KWARG: sorted(ids)})
    if not connection.in_atomic_block:
        return  # autocommit: already published
    state = _Pending(message_id=message.pk, ids=set(ids))

    def forget():
        if getattr(connection, "_achievements_changed", None) is state:
            connection._achievements_changed = None

    state.marker = forget
    connection._achievements_changed = state
    transaction.on_commit(forget)


def achievements_changed_apply(*, achievement_ids: Iterable[int]) -> int:
    """What the task does, idempotently: showcase, index and suggestions of these achievements,
    then one notification per demand to its follower about the achievements newly suggested.
    Returns how many suggestions it touched. Running it again creates nothing twice: the
    suggestions already made are only re-scored, and only new ones are announced."""
    ids = sorted(set(achievement_ids))
    for pk in ids:
        showcase_sync_achievement(achievement_id=pk)
    # The notifications are written in the transaction that makes the suggestions: a run that
    # fails between the two leaves neither, and the next run announces what it makes.
    refreshed = matches_refresh_for_achievements(achievement_ids=ids, on_new=_notify_followers)
    return refreshed.touched


def demand_followers(demand_ids: Iterable[int]) -> dict[int, User]:
    """Who follows each demand: the staff member set as its follower, else the one who last
    reviewed (proposed or set aside) one of its matches."""
    demand_ids = list(demand_ids)
    followers = {
        demand.pk: demand.followed_by
        for demand in Demand.objects.filter(
            pk__in=demand_ids, followed_by__isnull=False, followed_by__is_active=True
        ).select_related("followed_by")
    }
    rest = [pk for pk in demand_ids if pk not in followers]
    if rest:
        last = (
            Match.objects.filter(
                demand_id__in=rest,
                status__in=MATCH_REVIEWED_STATUSES,
                reviewed_by__isnull=False,
                reviewed_by__is_active=True,
            )
            .values("demand_id")
            .annotate(at=Max("reviewed_at"))
        )
        latest = {row["demand_id"]: row["at"] for row in last}
        for match in Match.objects.filter(
            demand_id__in=list(latest), status__in=MATCH_REVIEWED_STATUSES
        ).select_related("reviewed_by"):
            if match.reviewed_at == latest[match.demand_id] and match.reviewed_by:
                followers.setdefault(match.demand_id, match.reviewed_by)
    return followers


def _notify_followers(new: dict[int, list[int]]) -> None:
    if not new:
        return
    # A demand already in docking (已对接) still takes suggestions, so its follower hears too.
    demands = Demand.objects.filter(pk__in=list(new), status__in=DEMAND_ACTIVE_STATUSES).in_bulk()
    followers = demand_followers(demands)
    titles = dict(
        Achievement.objects.filter(pk__in={pk for ids in new.values() for pk in ids}).values_list(
            "pk", "title"
        )
    )
    for demand_id, demand in sorted(demands.items()):
        follower = followers.get(demand_id)
        if follower is None:
            continue
        listed = [titles[pk] for pk in new[demand_id] if pk in titles]
        count = len(new[demand_id])
        shown = list_separator().join(listed[:TITLES_LISTED])
        if count > TITLES_LISTED:
            shown = _("%(titles)s 等") % {"titles": shown}
        notification_send(
            recipients=[follower],
            kind=NOTIFICATION_KIND,
            title=_("您跟进的需求“%(demand)s”有 %(n)d 项新的匹配成果")
            % {"demand": demand.title, "n": count},
            body=_("成果库新增或更新的成果与该需求相符：%(titles)s。请审核系统推荐。")
            % {"titles": shown},
            url=reverse("achievements:demand_detail", args=[demand_id]),
        )
