"""Matchmaking events: staff plan them, enterprises register online, staff confirm them held and
record intentions and contracts; the year's count feeds the leaders' dashboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.choices import EventStatus
from achievements.models import EventOutcome, EventRegistration, MatchmakingEvent
from achievements.selectors.events import events_held_count
from achievements.services.events import event_mark_held, event_save
from towns.choices import EnterpriseStatus, Role
from towns.models import Notification

from ...factories import AchievementFactory, division, industry
from ..demands.factories import EventRegistrationFactory, enterprise_account

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_event(staff, *, days: int = 20, title="2026年注塑与模具行业技术对接会", **values):
    held_on = TODAY + timedelta(days=days)
    return event_save(
        None,
        acting_user=staff,
        fields=[industry("T08")],
        achievements=[],
        title=title,
        held_on=held_on,
        place="长安镇模具城会议中心",
        division=division("441900119"),
        organizer="东莞市科技成果转化服务中心",
        registration_deadline=values.pop("deadline", held_on - timedelta(days=3)),
        **values,
    )


def test_staff_create_an_event_with_fields_and_achievements(client, center_staff):
    shown = AchievementFactory(title="随形冷却模具")
    client.force_login(center_staff)
    held_on = TODAY + timedelta(days=30)
    response = client.post(
        reverse("achievements:event_create"),
        {
            "title": "2026年注塑与模具行业技术对接会",
            "held_on": held_on.isoformat(),
            "place": "长安镇模具城会议中心",
            "division": division("441900119").pk,
            "organizer": "东莞市科技成果转化服务中心",
            "registration_deadline": (held_on - timedelta(days=3)).isoformat(),
            "fields": [industry("T08").pk, industry("S04").pk],
            "achievements": [shown.pk],
            "description": "高校成果路演与企业对接",
            "total_spend": "15",
        },
    )
    event = MatchmakingEvent.objects.get()
    assert response["Location"] == reverse("achievements:event_detail", args=[event.pk])
    assert set(event.fields.values_list("code", flat=True)) == {"T08", "S04"}
    assert list(event.achievements.all()) == [shown]
    assert (event.status, event.total_spend) == (EventStatus.PLANNED, Decimal("150000"))


def test_a_deadline_after_the_event_is_refused_beside_the_field(client, center_staff):
    client.force_login(center_staff)
    response = client.post(
        reverse("achievements:event_create"),
        {
            "title": "对接会",
            "held_on": TODAY.isoformat(),
            "place": "市民中心",
            "organizer": "市科技局",
            "registration_deadline": (TODAY + timedelta(days=1)).isoformat(),
        },
    )
    assert response.context["form"].errors["registration_deadline"] == [
        "报名截止日期不能晚于举办日期。"
    ]
    assert MatchmakingEvent.objects.count() == 0


def test_an_enterprise_registers_online_once(client, center_staff, enterprise_user):
    event = make_event(center_staff)
    client.force_login(enterprise_user)
    form = {"attendee_name": "赵经理", "attendee_phone": "13800138000", "attendees": 2}
    response = client.post(reverse("achievements:event_register", args=[event.pk]), form)
    assert response.status_code == 302
    registration = EventRegistration.objects.get()
    assert (registration.enterprise, registration.attendees) == (enterprise_user.enterprise, 2)
    assert Notification.objects.get(recipient=center_staff).kind == "event_registered"
    # Once only: the button is gone and a second post is refused.
    detail = client.get(reverse("achievements:event_detail", args=[event.pk]))
    assert detail.context["can_register"] is False
    assert "贵企业已报名" in detail.content.decode()
    again = client.post(reverse("achievements:event_register", args=[event.pk]), form)
    assert "贵企业已报名该活动，无需重复报名。" in again.content.decode()
    assert EventRegistration.objects.count() == 1

    client.post(reverse("achievements:event_registration_cancel", args=[event.pk]))
    assert EventRegistration.objects.count() == 0


def test_registration_closes_after_the_deadline(client, center_staff, enterprise_user):
    event = make_event(center_staff, days=2, deadline=TODAY - timedelta(days=1))
    client.force_login(enterprise_user)
    response = client.post(
        reverse("achievements:event_register", args=[event.pk]),
        {"attendee_name": "赵经理", "attendee_phone": "13800138000", "attendees": 1},
    )
    assert response.status_code == 200
    assert "报名已于" in response.content.decode()
    assert EventRegistration.objects.count() == 0


def test_a_pending_enterprise_cannot_register(client, center_staff):
    event = make_event(center_staff)
    client.force_login(enterprise_account("pending_co", status=EnterpriseStatus.PENDING))
    assert client.get(reverse("achievements:event_register", args=[event.pk])).status_code == 403


def test_an_event_is_confirmed_held_only_on_or_after_its_day(client, center_staff):
    upcoming = make_event(center_staff, days=5)
    client.force_login(center_staff)
    client.post(reverse("achievements:event_mark_held", args=[upcoming.pk]))
    upcoming.refresh_from_db()
    assert upcoming.status == EventStatus.PLANNED

    today = make_event(center_staff, days=0, title="今天的对接会", deadline=TODAY)
    client.post(reverse("achievements:event_mark_held", args=[today.pk]))
    today.refresh_from_db()
    assert (today.status, today.status_changed_by) == (EventStatus.HELD, center_staff)
    # Twice is refused.
    response = client.post(reverse("achievements:event_mark_held", args=[today.pk]), follow=True)
    assert "不能变更为“已举办”" in response.content.decode()


def test_outcomes_are_recorded_for_held_events(client, center_staff, enterprise_user):
    event = make_event(center_staff, days=0, deadline=TODAY)
    shown = AchievementFactory(title="随形冷却模具")
    event.achievements.add(shown)
    EventRegistrationFactory(
        event=event,
        enterprise=enterprise_user.enterprise,
        attendee_name="赵经理",
        attendee_phone="13800138000",
        registered_by=enterprise_user,
    )
    client.force_login(center_staff)
    contract = {
        "kind": "contract",
        "enterprise": enterprise_user.enterprise_id,
        "achievement": shown.pk,
        "amount": "120",
        "note": "现场签约",
    }
    client.post(reverse("achievements:event_outcome_add", args=[event.pk]), contract)
    assert EventOutcome.objects.count() == 0  # not yet held

    event_mark_held(event, acting_user=center_staff)
    client.post(reverse("achievements:event_outcome_add", args=[event.pk]), contract)
    client.post(
        reverse("achievements:event_outcome_add", args=[event.pk]),
        {"kind": "intention", "enterprise_name": "东莞某未注册企业", "note": "约定考察"},
    )
    outcomes = list(
        EventOutcome.objects.order_by("pk").values_list("kind", "enterprise_name", "amount")
    )
    assert outcomes == [
        ("contract", enterprise_user.enterprise.name, Decimal("1200000")),
        ("intention", "东莞某未注册企业", None),
    ]
    figures = client.get(reverse("achievements:event_detail", args=[event.pk])).context["event"]
    assert (figures.registration_count, figures.intention_count, figures.contract_count) == (
        1,
        1,
        1,
    )


def test_the_year_count_holds_only_events_held_that_year(center_staff):
    held = make_event(center_staff, days=0, title="已举办", deadline=TODAY)
    event_mark_held(held, acting_user=center_staff)
    make_event(center_staff, days=10, title="还没举办")
    cancelled = make_event(center_staff, days=0, title="取消了", deadline=TODAY)
    MatchmakingEvent.objects.filter(pk=cancelled.pk).update(status=EventStatus.CANCELLED)
    last_year = make_event(center_staff, days=0, title="去年的", deadline=TODAY)
    MatchmakingEvent.objects.filter(pk=last_year.pk).update(
        status=EventStatus.HELD,
        held_on=TODAY.replace(year=TODAY.year - 1),
        registration_deadline=None,
    )
    assert events_held_count(TODAY.year) == 1
    assert events_held_count(TODAY.year - 1) == 1


def test_cancelling_tells_the_registered_enterprises(client, center_staff, enterprise_user):
    event = make_event(center_staff)
    EventRegistrationFactory(
        event=event,
        enterprise=enterprise_user.enterprise,
        attendee_name="赵经理",
        attendee_phone="13800138000",
        registered_by=enterprise_user,
    )
    client.force_login(center_staff)
    client.post(
        reverse("achievements:event_cancel", args=[event.pk]), {"reason": "台风预警，延期举办"}
    )
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == (EventStatus.CANCELLED, "台风预警，延期举办")
    assert Notification.objects.get(recipient=enterprise_user).body == "台风预警，延期举办"


# role → (manage events, see registrations and outcomes)
ROLES = {
    Role.CENTER_STAFF: (200, True),
    Role.ADMIN: (200, True),
    Role.LEADER: (403, True),
    Role.ENTERPRISE: (403, False),
    Role.LIAISON: (403, False),
    Role.EVALUATOR: (403, False),
    Role.BROKER: (403, False),
    Role.INVESTOR: (403, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_who_manages_events_and_sees_registrations(client, users_by_role, center_staff, role):
    event = make_event(center_staff)
    client.force_login(users_by_role[role])
    manages, sees = ROLES[role]
    assert client.get(reverse("achievements:event_create")).status_code == manages
    assert client.get(reverse("achievements:event_update", args=[event.pk])).status_code == manages
    detail = client.get(reverse("achievements:event_detail", args=[event.pk]))
    assert detail.status_code == 200
    assert (
        'data-testid="registration-table"' in detail.content.decode()
        or "暂无企业报名" in detail.content.decode()
    ) is sees


@pytest.mark.usefixtures("render_afresh")
def test_the_event_list_costs_the_same_queries_for_one_or_many(
    client, center_staff, django_assert_num_queries, django_assert_max_num_queries
):
    make_event(center_staff)
    client.force_login(center_staff)
    client.get(reverse("achievements:event_list"))
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("achievements:event_list"))
    expected = len(one)
    for n in range(5):
        make_event(center_staff, title=f"对接会{n}")
    client.get(reverse("achievements:event_list"))  # the new rows made the cached count stale
    with django_assert_num_queries(expected):
        response = client.get(reverse("achievements:event_list"))
    assert response.context["page_obj"].paginator.count == 6
