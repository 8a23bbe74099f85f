"""Writes of matchmaking events (成果转化对接会): events, registrations, outcomes."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.exceptions import Refused
from kernel.transitions import transition
from towns.models import Enterprise, User
from towns.selectors import enterprise_users
from towns.services import notification_send

from ..choices import EventStatus
from ..models import EventOutcome, EventRegistration, MatchmakingEvent
from .demands import require_approved_enterprise

EVENT_FIELDS = (
    "title",
    "held_on",
    "place",
    "division",
    "organizer",
    "description",
    "registration_deadline",
    "total_spend",
)


@transaction.atomic
def event_save(
    event: MatchmakingEvent | None,
    *,
    acting_user: User,
    fields: Iterable = (),
    achievements: Iterable = (),
    **values,
) -> MatchmakingEvent:
    """Create an event, or change one that is not cancelled."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"not event fields: {sorted(unknown)}")
    if event is None:
        event = MatchmakingEvent(created_by=acting_user)
    else:
        event = MatchmakingEvent.objects.select_for_update().get(pk=event.pk)
        if event.status == EventStatus.CANCELLED:
            raise Refused(_("活动已取消，不能再修改。"))
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean(exclude=["created_by"])
    event._history_user = acting_user
    event.save()
    event.fields.set(fields)
    event.achievements.set(achievements)
    return event


def _open_for_registration(event: MatchmakingEvent) -> None:
    today = timezone.localdate()
    if event.status != EventStatus.PLANNED:
        raise Refused(_("活动%(status)s，不再接受报名。") % {"status": event.get_status_display()})
    last_day = event.registration_deadline or event.held_on
    if today > last_day:
        raise Refused(_("报名已于 %(day)s 截止。") % {"day": last_day.isoformat()})


@transaction.atomic
def event_register(
    event: MatchmakingEvent,
    *,
    acting_user: User,
    enterprise: Enterprise,
    attendee_name: str,
    attendee_phone: str,
    attendees: int = 1,
    interests: str = "",
) -> EventRegistration:
    """An enterprise registers for an event (once); the organising staff are told."""
    require_approved_enterprise(enterprise)
    event = MatchmakingEvent.objects.select_for_update().get(pk=event.pk)
    _open_for_registration(event)
    if EventRegistration.objects.filter(event=event, enterprise=enterprise).exists():
        raise ValidationError(_("贵企业已报名该活动，无需重复报名。"))
    registration = EventRegistration(
        event=event,
        enterprise=enterprise,
        attendee_name=attendee_name,
        attendee_phone=attendee_phone,
        attendees=attendees,
        interests=interests,
        registered_by=acting_user,
    )
    registration.full_clean()
    registration.save()
    notification_send(
        recipients=[event.created_by],
        kind="event_registered",
        title=_("%(enterprise)s 报名了 %(event)s")
        % {"enterprise": enterprise.name, "event": event.title},
        body=_("参会人：%(name)s，%(n)d 人。") % {"name": attendee_name, "n": attendees},
        url=reverse("achievements:event_detail", args=[event.pk]),
    )
    return registration


@transaction.atomic
def event_registration_cancel(registration: EventRegistration, *, acting_user: User) -> None:
    event = MatchmakingEvent.objects.select_for_update().get(pk=registration.event_id)
    _open_for_registration(event)
    registration.delete()


def event_change_status(
    event: MatchmakingEvent,
    *,
    to: str,
    allowed_from: Iterable[str],
    acting_user: User,
    **changes,
) -> MatchmakingEvent:
    """An event's step through `kernel.transitions.transition`; the event keeps who and when."""
    return transition(
        event,
        to=to,
        allowed_from=allowed_from,
        acting_user=acting_user,
        status_changed_by=acting_user,
        status_changed_at=timezone.now(),
        **changes,
    )


def event_mark_held(event: MatchmakingEvent, *, acting_user: User) -> MatchmakingEvent:
    """Confirm the event took place: it now counts toward the year's event target."""
    if event.held_on > timezone.localdate():
        raise Refused(_("活动日期尚未到，不能确认已举办。"))
    return event_change_status(
        event, to=EventStatus.HELD, allowed_from=[EventStatus.PLANNED], acting_user=acting_user
    )


def event_cancel(event: MatchmakingEvent, *, acting_user: User, reason: str) -> MatchmakingEvent:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写取消原因。")})
    event = event_change_status(
        event,
        to=EventStatus.CANCELLED,
        allowed_from=[EventStatus.PLANNED],
        acting_user=acting_user,
        cancel_reason=reason,
    )
    recipients = [
        user
        for registration in event.registrations.select_related("enterprise")
        for user in enterprise_users(registration.enterprise)
    ]
    notification_send(
        recipients=recipients,
        kind="event_cancelled",
        title=_("活动已取消：%(event)s") % {"event": event.title},
        body=reason,
        url=reverse("achievements:event_detail", args=[event.pk]),
    )
    return event


@transaction.atomic
def event_outcome_record(
    event: MatchmakingEvent,
    *,
    acting_user: User,
    kind: str,
    enterprise: Enterprise | None = None,
    enterprise_name: str = "",
    achievement=None,
    amount=None,
    note: str = "",
) -> EventOutcome:
    """Record an intention or a signed contract that came out of a held event."""
    event = MatchmakingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.HELD:
        raise Refused(_("活动确认已举办后才能登记成效。"))
    outcome = EventOutcome(
        event=event,
        kind=kind,
        enterprise=enterprise,
        enterprise_name=enterprise.name if enterprise else enterprise_name.strip(),
        achievement=achievement,
        amount=amount,
        note=note.strip(),
        recorded_by=acting_user,
    )
    outcome.full_clean()
    outcome._history_user = acting_user
    outcome.save()
    return outcome


@transaction.atomic
def event_outcome_delete(outcome: EventOutcome, *, acting_user: User) -> None:
    outcome._history_user = acting_user
    outcome.delete()
