from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from achievements.choices import EscalationTier
from achievements.models import Escalation
from achievements.services.service import assignment_assign, follow_up_record
from achievements.tasks.service import task_escalate_stalled_cases
from towns.choices import Role
from towns.models import Notification, PolicyValue
from towns.policy import clear_policy_cache

from ...factories import AchievementFactory, UserFactory, industry, unit
from .factories import FollowUpFactory, IndustryLeaderFactory, aware, service_case

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)


def stalled_case(days=90, **kwargs):
    return service_case(entered_on=timezone.localdate() - timedelta(days=days), **kwargs)


def escalate(commits):
    with commits():
        return task_escalate_stalled_cases.delay().get()


@pytest.mark.parametrize(
    ("contribution", "tier"),
    [
        (None, EscalationTier.RESPONSIBLE),
        (YI - Decimal("0.01"), EscalationTier.RESPONSIBLE),
        (YI, EscalationTier.BUREAU_LEADERS),
        (5 * YI - Decimal("0.01"), EscalationTier.BUREAU_LEADERS),
        (5 * YI, EscalationTier.CITY_LEADER),
        (12 * YI, EscalationTier.CITY_LEADER),
    ],
)
def test_the_tier_follows_the_expected_contribution_with_1yi_and_5yi_on_the_boundary(
    client, center_staff, contribution, tier, commits
):
    case = stalled_case(expected_contribution=contribution)
    assert escalate(commits) == 1
    assert Escalation.objects.get(achievement=case).tier == tier
    client.force_login(center_staff)
    listed = client.get(reverse("achievements:service_case_list"), {"tier": tier}).content.decode()
    assert case.title in listed
    others = [t for t in EscalationTier.values if t != tier]
    for other in others:
        assert (
            case.title
            not in client.get(
                reverse("achievements:service_case_list"), {"tier": other}
            ).content.decode()
        )


def test_the_tier_thresholds_are_read_from_the_policy_table(commits):
    year = timezone.localdate().year
    PolicyValue.objects.update_or_create(
        year=year, key="escalation.bureau_leaders_min", defaults={"value": 50_000_000}
    )
    clear_policy_cache()
    case = stalled_case(expected_contribution=Decimal(60_000_000))
    escalate(commits)
    assert Escalation.objects.get(achievement=case).tier == EscalationTier.BUREAU_LEADERS


def test_a_case_is_stalled_after_90_days_without_progress(commits):
    fresh = stalled_case(days=89, title="89天")
    stale = stalled_case(days=90, title="90天")
    assert escalate(commits) == 1
    assert list(Escalation.objects.values_list("achievement__title", flat=True)) == ["90天"]
    assert not fresh.escalations.exists() and stale.escalations.exists()


def test_the_stalled_period_is_configurable(settings, commits):
    settings.SERVICE_STALLED_AFTER_DAYS = 30
    stalled_case(days=30)
    assert escalate(commits) == 1


def test_progress_within_the_period_keeps_a_case_off_the_list(center_staff, commits):
    case = stalled_case(days=200)
    FollowUpFactory(
        achievement=case,
        period=(timezone.localdate() - timedelta(days=40)).replace(day=1),
        followed_on=timezone.localdate() - timedelta(days=40),
        progress="签署协议",
        next_step="注册公司",
        route_status="contracting",
        has_progress=True,
        recorded_by=center_staff,
    )
    # A follow-up without progress does not count.
    FollowUpFactory(
        achievement=stalled_case(days=200),
        period=(timezone.localdate() - timedelta(days=10)).replace(day=1),
        followed_on=timezone.localdate() - timedelta(days=10),
        progress="无变化",
        next_step="继续跟进",
        route_status="matching",
        has_progress=False,
        recorded_by=center_staff,
    )
    assert escalate(commits) == 1
    assert not case.escalations.exists()


def test_recipients_follow_the_tier(center_staff, leader, unit_leader, commits):
    city_leader = UserFactory(role=Role.LEADER, username="vice_mayor", name="分管副市长")
    IndustryLeaderFactory(industry=industry("S05"), leader=city_leader)
    UserFactory(role=Role.LEADER, unit=unit("441900401"), username="leader_ssh")
    assignee = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="owner")
    big = stalled_case(expected_contribution=6 * YI, field=industry("S05"))
    middle = stalled_case(expected_contribution=2 * YI)
    small = stalled_case(expected_contribution=Decimal(3_000_000))
    for case in (big, middle, small):
        assignment_assign(achievement=case, assignee=assignee, acting_user=center_staff)
    escalate(commits)

    def recipients(case):
        return sorted(u.username for u in Escalation.objects.get(achievement=case).recipients.all())

    assert recipients(big) == ["owner", "vice_mayor"]
    # 市科技局 (leader_a) and the discovering unit 东莞理工 (leader_dgut), never 松山湖's leader.
    assert recipients(middle) == ["leader_a", "leader_dgut", "owner"]
    assert recipients(small) == ["owner"]
    notice = Notification.objects.get(recipient=city_leader, kind="service_escalated")
    assert notice.title == f"久推不动：“{big.title}”已 90 天无实质性进展"
    assert "报送层级：分管市领导。" in notice.body


def test_rerunning_the_job_escalates_nothing_twice(leader, commits):
    stalled_case(expected_contribution=2 * YI)
    assert escalate(commits) == 1
    assert escalate(commits) == 0
    assert Escalation.objects.count() == 1
    assert Notification.objects.filter(kind="service_escalated").count() == 1


def test_progress_resolves_the_escalation_and_the_history_stays(
    client, center_staff, liaison, commits
):
    case = stalled_case(expected_contribution=2 * YI)
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    escalate(commits)
    today = timezone.localdate()
    follow_up_record(
        achievement=case,
        acting_user=liaison,
        followed_on=today,
        progress="企业完成工商注册",
        next_step="入驻载体",
        route_status="implementing",
        has_progress=True,
    )
    escalation = Escalation.objects.get()
    assert escalation.resolved_at is not None
    assert escalation.resolution == f"{today} 跟踪记录有实质性进展"
    client.force_login(center_staff)
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert "已解除" in page and "企业完成工商注册" in page
    assert escalate(commits) == 0


def test_the_escalation_list_per_tier_with_the_latest_follow_up(
    client, leader, center_staff, commits
):
    big = stalled_case(title="五亿元项目", expected_contribution=5 * YI)
    middle = stalled_case(title="一亿元项目", expected_contribution=YI)
    last_month = timezone.localdate() - timedelta(days=20)
    follow_up_record(
        achievement=big,
        acting_user=center_staff,
        followed_on=last_month,
        progress="投资方仍在评估。",
        next_step="再次约谈",
        blockers="投资方对估值存在分歧",
        route_status="paused",
        has_progress=False,
    )
    escalate(commits)
    client.force_login(leader)
    page = client.get(reverse("achievements:service_escalation_list")).content.decode()
    assert big.title in page and middle.title in page
    city = client.get(
        reverse("achievements:service_escalation_list"), {"tier": "city_leader"}
    ).content.decode()
    assert big.title in city and middle.title not in city
    assert "90</td>" in city  # days without progress
    assert "投资方仍在评估。" in city and "困难：投资方对估值存在分歧" in city
    export = client.get(
        reverse("achievements:service_escalation_list"), {"tier": "city_leader", "export": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.values)
    assert [row[0] for row in rows[1:]] == ["五亿元项目"]
    assert rows[1][10] == "投资方对估值存在分歧"


def test_the_leader_home_shows_the_escalations_reported_to_them(client, leader, commits):
    case = stalled_case(title="报给局领导的项目", expected_contribution=2 * YI)
    escalate(commits)
    client.force_login(leader)
    page = client.get(reverse("quotas:home")).content.decode()
    panel = page[page.index('data-testid="leader-escalations"') :]
    assert case.title in panel
    assert "市科技局及发现单位领导 1" in panel


@pytest.mark.parametrize("role", ["evaluator", "enterprise", "broker"])
def test_the_escalation_list_is_not_for_outsiders(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("achievements:service_escalation_list")).status_code == 404


def test_the_job_runs_daily_and_skips_landed_cases(settings, commits):
    landed = AchievementFactory(
        status="landed", service_route="evaluation", service_entered_at=aware(date(2024, 1, 2))
    )
    assert escalate(commits) == 0
    assert not landed.escalations.exists()
    entry = settings.CELERY_BEAT_SCHEDULE["achievements-escalate-stalled-cases"]
    assert entry["task"] == "achievements.tasks.service.task_escalate_stalled_cases"


def test_in_english_the_tier_badges_wrap_and_read_reported_to_with_a_space(
    client, leader, center_staff, commits
):
    big = stalled_case(title="五亿元项目", expected_contribution=5 * YI)
    stalled_case(title="一亿元项目", expected_contribution=YI)
    escalate(commits)
    client.force_login(leader)
    page = client.get(reverse("achievements:service_escalation_list"), HTTP_ACCEPT_LANGUAGE="en")
    content = page.content.decode()
    content = content[content.index('data-testid="escalation-table"') :]
    assert 'class="escalation-title"' in content
    long_label = "Science and Technology Bureau and discovering unit leaders"
    badge = content[: content.index(long_label)].rsplit("<span", 1)[1]
    assert "badge-wrap" in badge  # wraps in its cell instead of squeezing the title
    client.force_login(center_staff)
    detail = client.get(
        reverse("achievements:service_case_detail", args=[big.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Reported to: City leader in charge" in detail.replace("\n", "")
