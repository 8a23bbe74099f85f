"""Demo: matchmaking events of 2025 and 2026 — held ones with registrations and outcomes, and
upcoming ones open for online registration."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kernel.money import WAN
from towns.choices import EnterpriseStatus
from towns.models import Division, Enterprise, Industry

from ..choices import EventOutcomeKind, EventStatus
from ..models import Achievement, EventRegistration, MatchmakingEvent
from ..services.events import event_change_status, event_outcome_record, event_save
from .market_data import EVENTS


def seed(ctx) -> None:
    staff = ctx.users["center_chen"]
    today = timezone.localdate()
    divisions = {division.code: division for division in Division.objects.all()}
    industries = {industry.code: industry for industry in Industry.objects.all()}
    enterprises = list(
        Enterprise.objects.filter(status=EnterpriseStatus.APPROVED).order_by("credit_code")
    )
    created = 0
    for title, when, place, division, organizer, fields in EVENTS:
        if MatchmakingEvent.objects.filter(title=title).exists():
            continue
        held_on = (
            today + timedelta(days=int(when[1:]))
            if when.startswith("+")
            else date.fromisoformat(when)
        )
        shown = Achievement.objects.discovered().filter(field__code__in=fields).order_by("pk")[:5]
        event = event_save(
            None,
            acting_user=staff,
            fields=[industries[code] for code in fields],
            achievements=list(shown),
            title=title,
            held_on=held_on,
            place=place,
            division=divisions[division],
            organizer=organizer,
            description=f"围绕{'、'.join(industries[c].name for c in fields)}领域，组织高校院所发布成果、企业现场对接。",
            registration_deadline=held_on - timedelta(days=3),
            total_spend=Decimal(ctx.rng.randrange(8, 40)) * WAN,
        )
        created += 1
        guests = ctx.rng.sample(enterprises, k=min(len(enterprises), ctx.rng.randrange(2, 5)))
        if held_on > today:
            continue  # upcoming: enterprises register online
        # Past events: the registrations as they were recorded then, the event confirmed held,
        # and what came out of it.
        for number, enterprise in enumerate(guests):
            registration = EventRegistration.objects.create(
                event=event,
                enterprise=enterprise,
                attendee_name=enterprise.contact_name or "企业代表",
                attendee_phone=enterprise.contact_phone or "0769-22881234",
                attendees=ctx.rng.randrange(1, 4),
                registered_by=staff,
            )
            # Signed up before the registration deadline, not on the day the demo was built.
            deadline = event.registration_deadline or event.held_on
            signed_up = datetime.combine(deadline - timedelta(days=2 * number), time(10, 30))
            EventRegistration.objects.filter(pk=registration.pk).update(
                created_at=timezone.make_aware(signed_up)
            )
        event_change_status(
            event, to=EventStatus.HELD, allowed_from=[EventStatus.PLANNED], acting_user=staff
        )
        for number, enterprise in enumerate(guests):
            achievement = shown[number % len(shown)] if shown else None
            signed = number == 0 and ctx.rng.random() < 0.6
            event_outcome_record(
                event,
                acting_user=staff,
                kind=EventOutcomeKind.CONTRACT if signed else EventOutcomeKind.INTENTION,
                enterprise=enterprise,
                achievement=achievement,
                amount=Decimal(ctx.rng.randrange(20, 300)) * WAN if signed else None,
                note="现场签署技术开发合同" if signed else "有合作意向，约定后续技术交流",
            )
    ctx.say(f"成果转化对接会：新增 {created} 场")
