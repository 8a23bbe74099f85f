"""Investor docking (004 三(三)3 七): venture-capital institutions register and are reviewed like
enterprises, browse the achievements awaiting landing with their evaluation summary, express
interest once; staff arrange the docking, and an investment becomes a venture round that counts
in the 创投总额 KPI once the achievement has landed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.services.core import achievement_change_status
from brokers import models as bm
from brokers.selectors import venture_capital_raised_cumulative
from investors import services
from investors.choices import DockingStatus
from investors.exceptions import DockingTransitionNotAllowed
from investors.models import Docking, DockingTransition, InvestorInterest
from towns.choices import EnterpriseKind, EnterpriseStatus, Role
from towns.demo import demo_credit_code
from towns.models import User

from ..brokers.factories import FundFactory
from ..factories import AchievementFactory, UserFactory, industry, investor_account
from .factories import SECRET_COMMENT, evaluated_case, service_case, valued

pytestmark = pytest.mark.django_db

WAN = Decimal(10_000)
LIST = reverse("investors:opportunity_list")
CRITERIA = {"tech_content": 80, "economic_benefit": 70, "conversion_efficiency": 60}
CRITERIA_2 = {"tech_content": 90, "economic_benefit": 80, "conversion_efficiency": 70}


def register_form(**overrides):
    data = {
        "kind": EnterpriseKind.VENTURE_CAPITAL,
        "name": "东莞松湖创新创业投资有限公司",
        "credit_code": demo_credit_code("91441900MA4UX7K3"),
        "division": "",
        "contact_name": "宋雨桐",
        "contact_phone": "13800138000",
        "username": "vc_song",
        "password1": "Vc-pass-2026!",
        "password2": "Vc-pass-2026!",
    }
    data.update(overrides)
    return data


# --- Registration and review: the enterprise flow, with the kind ----------------------------------


def test_an_institution_registers_is_reviewed_like_an_enterprise_and_its_user_is_an_investor(
    client, center_staff
):
    from towns.demo import demo_credit_code
    from towns.models import Division

    data = register_form(
        division=Division.objects.get(code="441900401").pk,
        credit_code=demo_credit_code("91441900MA5FWC8T"),
    )
    response = client.post(reverse("towns:enterprise_register"), data)
    assert response.status_code == 302
    user = User.objects.get(username="vc_song")
    assert (user.role, user.enterprise.kind, user.enterprise.status) == (
        Role.INVESTOR,
        EnterpriseKind.VENTURE_CAPITAL,
        EnterpriseStatus.PENDING,
    )
    # Waiting for review: the home says so and the achievements stay closed.
    assert "您的创投机构注册正在审核中" in client.get(reverse("quotas:home")).content.decode()
    assert client.get(LIST).status_code == 403

    client.force_login(center_staff)
    page = client.get(reverse("towns:enterprise_review_list"), {"kind": "venture_capital"})
    assert "东莞松湖创新创业投资有限公司" in page.content.decode()
    assert 'data-testid="kind-vc"' in page.content.decode()
    client.post(
        reverse("towns:enterprise_review", args=[user.enterprise_id]), {"decision": "approve"}
    )
    user.enterprise.refresh_from_db()
    assert user.enterprise.status == EnterpriseStatus.APPROVED
    note = user.notifications.get(kind="enterprise_reviewed")
    assert note.body == "现在可以浏览服务库待落地成果的评价摘要并表达投资意向了。"

    client.force_login(user)
    assert client.get(LIST).status_code == 200
    nav = client.get(reverse("quotas:home")).content.decode()
    assert (
        reverse("investors:opportunity_list") in nav and reverse("investors:interest_list") in nav
    )
    # An investor is no enterprise: no demand window.
    assert client.get(reverse("achievements:demand_create")).status_code == 403


def test_a_company_registering_without_a_kind_is_still_an_enterprise(client):
    from towns.models import Division

    data = register_form(division=Division.objects.get(code="441900401").pk, username="ent_x")
    data.pop("kind")
    assert client.post(reverse("towns:enterprise_register"), data).status_code == 302
    user = User.objects.get(username="ent_x")
    assert (user.role, user.enterprise.kind) == (Role.ENTERPRISE, EnterpriseKind.COMPANY)


def test_an_investor_account_needs_its_institution():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="lonely_vc", role=Role.INVESTOR)


# --- Browsing: achievements awaiting landing, with their evaluation summary ----------------------


def test_investors_see_only_achievements_awaiting_landing(client, investor, center_staff):
    waiting = service_case(title="柔性钙钛矿光伏组件量产工艺")
    AchievementFactory(title="仍在发现库的成果", status=AchievementStatus.SUBMITTED)
    landed = service_case(title="已落地的成果")
    type(landed).objects.filter(pk=landed.pk).update(status=AchievementStatus.LANDED)
    client.force_login(investor)
    page = client.get(LIST).content.decode()
    assert waiting.title in page
    assert "仍在发现库的成果" not in page and "已落地的成果" not in page
    api = client.get("/api/v1/investors/opportunities/").json()
    assert [row["id"] for row in api["results"]] == [waiting.pk]
    # Not a back-office scope: the achievement's own pages stay closed to investors.
    assert (
        client.get(reverse("achievements:achievement_detail", args=[waiting.pk])).status_code == 404
    )
    assert (
        client.get(reverse("achievements:service_case_detail", args=[waiting.pk])).status_code
        == 404
    )


def test_the_summary_shows_results_and_3you_never_an_evaluators_scores_or_the_contact(
    client, investor, center_staff
):
    achievement = evaluated_case(
        center_staff,
        scores=(CRITERIA, CRITERIA_2),
        contact_name="张三丰",
        contact_phone="13912345678",
        is_public=True,
    )
    valued(achievement, center_staff, Decimal(3200) * WAN)
    client.force_login(investor)
    page = client.get(reverse("investors:opportunity_detail", args=[achievement.pk]))
    text = page.content.decode()
    # Criteria results are the means over the two evaluators; the 3有 held by the majority.
    assert "科技含量 85.0" in text and "经济效益 75.0" in text and "转化效率 65.0" in text
    assert "2 位专家评分的平均值" in text
    assert "有市场需求 ✓" in text and "有创新价值 ✓" in text and "有经济贡献 ✓" in text
    assert "3,200万元" in text
    # Never the evaluators, their comments or the contact.
    for secret in (SECRET_COMMENT, "专家", "张三丰", "13912345678"):
        assert secret not in text.replace("2 位专家评分的平均值", "")
    assert "139****5678" in text

    data = client.get(f"/api/v1/investors/opportunities/{achievement.pk}/").json()
    evaluation = data["evaluation"]
    assert evaluation["criteria"] == [
        {"criterion": "科技含量", "mean": "85.0"},
        {"criterion": "经济效益", "mean": "75.0"},
        {"criterion": "转化效率", "mean": "65.0"},
    ]
    assert evaluation["meets_three_have"] is True
    assert evaluation["valuation"] == "32000000.00"
    assert "contact_name" not in data and "contact_phone" not in data
    assert SECRET_COMMENT not in str(data)


def test_one_evaluators_results_and_a_private_valuation_stay_hidden(client, investor, center_staff):
    achievement = evaluated_case(center_staff, scores=(CRITERIA,), is_public=False)
    valued(achievement, center_staff, Decimal(900) * WAN)
    client.force_login(investor)
    text = client.get(reverse("investors:opportunity_detail", args=[achievement.pk])).content
    text = text.decode()
    assert "评分专家少于两位，不公开分项结果" in text
    assert "科技含量 80" not in text
    assert "已评估，未公开" in text and "900万元" not in text
    evaluation = client.get(f"/api/v1/investors/opportunities/{achievement.pk}/").json()[
        "evaluation"
    ]
    assert (evaluation["criteria"], evaluation["mean_total"], evaluation["valuation"]) == (
        [],
        None,
        None,
    )
    assert evaluation["valuation_hidden"] is True


def test_filters_by_field_stage_and_funding_need(client, investor):
    a = service_case(field=industry("S05"), trl=7, funding_need=Decimal(800) * WAN)
    b = service_case(field=industry("S01"), trl=3, funding_need=Decimal(2 * 10**8))
    c = service_case(field=industry("S05"), trl=9, funding_need=None)
    client.force_login(investor)

    def ids(**params):
        return [
            r["id"]
            for r in client.get("/api/v1/investors/opportunities/", params).json()["results"]
        ]

    assert sorted(ids(field="S05")) == sorted([a.pk, c.pk])
    assert ids(stage="中试") == [a.pk]
    assert ids(stage="实验室") == [b.pk]
    assert ids(funding="500w_2000w") == [a.pk]
    assert ids(funding="gt1y") == [b.pk]
    assert ids(funding="none") == [c.pk]
    page = client.get(LIST, {"field": "S05", "stage": "量产"}).content.decode()
    assert c.title in page and a.title not in page


@pytest.mark.usefixtures("render_afresh")
def test_the_lists_use_a_constant_number_of_queries(
    client, investor, center_staff, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        client.get(url)  # filled the per-generation caches (filter bar, counts) once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    urls = [
        LIST,
        "/api/v1/investors/opportunities/",
        reverse("investors:interest_list"),
        "/api/v1/investors/interests/",
        "/api/v1/investors/dockings/",
    ]

    def add(n):
        for _ in range(n):
            achievement = evaluated_case(center_staff, scores=(CRITERIA, CRITERIA_2))
            valued(achievement, center_staff, Decimal(100) * WAN)
            interest, _ = services.interest_express(acting_user=investor, achievement=achievement)
            services.docking_arrange(
                interest=interest,
                acting_user=center_staff,
                meeting_on=timezone.localdate(),
                participants="双方",
            )

    add(1)
    for user in (investor, center_staff):
        client.force_login(user)
        one = {url: count(url) for url in urls}
        if user == investor:
            add(2)
        assert {url: count(url) for url in urls} == one


# --- Interest: once per institution and achievement ----------------------------------------------


def test_interest_is_expressed_once_per_institution(client, investor, center_staff):
    achievement = service_case()
    colleague = UserFactory(
        username="vc_colleague", role=Role.INVESTOR, enterprise=investor.enterprise
    )
    url = reverse("investors:interest_express", args=[achievement.pk])
    client.force_login(investor)
    client.post(url, {"intended_amount": "500", "note": "看好"})
    client.force_login(colleague)
    client.post(url, {"note": "再来一次"})
    interest = InvestorInterest.objects.get()
    assert (interest.expressed_by, interest.intended_amount, interest.note) == (
        investor,
        Decimal(500) * WAN,
        "看好",
    )
    assert center_staff.notifications.filter(kind="investor_interest").count() == 1
    # The API says the same: 200 and the interest already there.
    response = client.post(f"/api/v1/investors/opportunities/{achievement.pk}/interest/", {})
    assert (response.status_code, response.json()["id"]) == (200, interest.pk)
    # Another institution has its own.
    other = investor_account("vc_other")
    client.force_login(other)
    response = client.post(f"/api/v1/investors/opportunities/{achievement.pk}/interest/", {})
    assert response.status_code == 201
    with pytest.raises(IntegrityError), transaction.atomic():
        InvestorInterest.objects.create(
            institution=investor.enterprise, achievement=achievement, expressed_by=investor
        )


def test_only_approved_investors_express_interest(client, leader, enterprise_user):
    achievement = service_case()
    pending = investor_account("vc_pending", status=EnterpriseStatus.PENDING)
    url = reverse("investors:interest_express", args=[achievement.pk])
    for user in (pending, leader, enterprise_user):
        client.force_login(user)
        assert client.post(url).status_code == 403
    assert not InvestorInterest.objects.exists()
    with pytest.raises(ValidationError):
        services.interest_express(acting_user=pending, achievement=achievement)


# --- Docking: arranged, held, invested (a venture round), closed or cancelled ----------------------


def test_a_docking_from_interest_to_investment_counts_in_the_kpi_once_landed(
    client, investor, center_staff, leader
):
    achievement = service_case()
    fund = FundFactory(
        name="东莞市天使投资母基金", level="parent", size=Decimal(10**9), created_by=center_staff
    )
    child = FundFactory(
        name="松山湖科学城天使子基金",
        level="child",
        parent=fund,
        partner_platform="松山湖科学城",
        size=Decimal(2 * 10**8),
        created_by=center_staff,
    )
    client.force_login(investor)
    client.post(reverse("investors:interest_express", args=[achievement.pk]))
    interest = InvestorInterest.objects.get()

    client.force_login(center_staff)
    today = timezone.localdate()
    response = client.post(
        reverse("investors:docking_arrange", args=[interest.pk]),
        {"meeting_on": today.isoformat(), "place": "服务中心", "participants": "双方代表"},
    )
    docking = Docking.objects.get()
    assert response["Location"] == reverse("investors:docking_detail", args=[docking.pk])
    assert investor.notifications.filter(kind="docking_arranged").exists()
    # An investment needs a meeting first.
    invest = {"round": "angel", "amount": "600", "invested_on": today.isoformat(), "fund": child.pk}
    page = client.post(reverse("investors:docking_invest", args=[docking.pk]), invest, follow=True)
    assert "当前状态为“已安排”，不能登记投资。" in page.content.decode()
    assert not bm.VentureRound.objects.exists()
    client.post(
        reverse("investors:docking_meeting", args=[docking.pk]),
        {"held_on": today.isoformat(), "outcome": "达成天使轮投资意向"},
    )
    before = venture_capital_raised_cumulative(today.year)
    client.post(reverse("investors:docking_invest", args=[docking.pk]), invest)
    docking.refresh_from_db()
    round_ = docking.venture_round
    assert (docking.status, round_.investor, round_.amount, round_.fund) == (
        DockingStatus.INVESTED,
        investor.enterprise.name,
        Decimal(600) * WAN,
        child,
    )
    assert list(
        DockingTransition.objects.filter(docking=docking).values_list(
            "from_status", "to_status", "actor"
        )
    ) == [
        ("", "arranged", center_staff.pk),
        ("arranged", "held", center_staff.pk),
        ("held", "invested", center_staff.pk),
    ]
    # The round is in the venture-capital register; the KPI counts it once the achievement lands.
    assert round_.achievement_id == achievement.pk
    assert venture_capital_raised_cumulative(today.year) == before
    achievement_change_status(
        achievement,
        to=AchievementStatus.LANDED,
        allowed_from=[AchievementStatus.SERVICE],
        acting_user=center_staff,
    )
    assert venture_capital_raised_cumulative(today.year) == before + Decimal(600) * WAN
    client.force_login(leader)
    text = client.get(reverse("brokers:venture_list")).content.decode()
    assert "松山湖科学城天使子基金" in text
    # Leaders read the docking; they do not act on it.
    assert client.get(reverse("investors:docking_detail", args=[docking.pk])).status_code == 200
    assert client.post(reverse("investors:docking_close", args=[docking.pk])).status_code == 403


def test_transitions_are_checked_and_need_their_reasons(investor, center_staff):
    interest, _ = services.interest_express(acting_user=investor, achievement=service_case())
    docking = services.docking_arrange(
        interest=interest,
        acting_user=center_staff,
        meeting_on=timezone.localdate() + timedelta(days=3),
        participants="双方",
    )
    with pytest.raises(ValidationError):
        services.docking_arrange(
            interest=interest,
            acting_user=center_staff,
            meeting_on=timezone.localdate(),
            participants="双方",
        )
    with pytest.raises(DockingTransitionNotAllowed):
        services.docking_close(docking, acting_user=center_staff, reason="估值分歧")
    with pytest.raises(ValidationError):
        services.docking_cancel(docking, acting_user=center_staff, reason=" ")
    with pytest.raises(ValidationError):
        services.docking_record_meeting(
            docking,
            acting_user=center_staff,
            held_on=timezone.localdate() + timedelta(days=1),
            participants="",
            outcome="见面",
        )
    docking = services.docking_cancel(docking, acting_user=center_staff, reason="机构改期")
    assert docking.status == DockingStatus.CANCELLED
    assert docking.transitions.last().reason == "机构改期"
    with pytest.raises(DockingTransitionNotAllowed):
        services.docking_cancel(docking, acting_user=center_staff, reason="再次取消")


def test_the_database_keeps_investment_and_outcome_with_their_status(investor, center_staff):
    interest, _ = services.interest_express(acting_user=investor, achievement=service_case())
    docking = services.docking_arrange(
        interest=interest,
        acting_user=center_staff,
        meeting_on=timezone.localdate(),
        participants="双方",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Docking.objects.filter(pk=docking.pk).update(status=DockingStatus.INVESTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Docking.objects.filter(pk=docking.pk).update(status=DockingStatus.HELD)


def test_api_staff_arrange_and_record_investors_only_read(client, investor, center_staff):
    achievement = service_case()
    client.force_login(investor)
    interest = client.post(f"/api/v1/investors/opportunities/{achievement.pk}/interest/", {})
    interest_id = interest.json()["id"]
    arrange = f"/api/v1/investors/interests/{interest_id}/arrange/"
    body = {"meeting_on": timezone.localdate().isoformat(), "participants": "双方"}
    assert client.post(arrange, body).status_code == 403
    client.force_login(center_staff)
    response = client.post(arrange, body)
    assert response.status_code == 201
    docking_id = response.json()["id"]
    base = f"/api/v1/investors/dockings/{docking_id}"
    assert (
        client.post(
            f"{base}/invest/", {"round": "a", "amount": "1000000", "invested_on": "2025-01-01"}
        ).status_code
        == 400
    )
    meeting = {"held_on": timezone.localdate().isoformat(), "outcome": "进入尽调"}
    assert client.post(f"{base}/meeting/", meeting).json()["status"] == "held"
    done = client.post(
        f"{base}/invest/", {"round": "a", "amount": "1000000", "invested_on": "2025-01-01"}
    ).json()
    assert done["status"] == "invested" and done["venture_round"]
    client.force_login(investor)
    mine = client.get("/api/v1/investors/dockings/").json()
    assert [d["id"] for d in mine["results"]] == [docking_id]
    assert client.post(f"{base}/close/", {"reason": "x"}).status_code == 403
    other = investor_account("vc_other2")
    client.force_login(other)
    assert client.get(f"{base}/").status_code == 404
    assert client.get("/api/v1/investors/interests/").json()["count"] == 0


def test_a_landed_achievement_is_named_not_linked_to_a_page_it_left(client, investor, center_staff):
    """The investors' achievement page lists only what awaits landing: once the achievement has
    landed, the interest and docking pages name it with its status instead of a dead link."""
    achievement = service_case()
    client.force_login(investor)
    client.post(reverse("investors:interest_express", args=[achievement.pk]))
    opportunity = reverse("investors:opportunity_detail", args=[achievement.pk])
    interests = reverse("investors:interest_list")
    assert f'href="{opportunity}"' in client.get(interests).content.decode()
    achievement_change_status(
        achievement,
        to=AchievementStatus.LANDED,
        allowed_from=[AchievementStatus.SERVICE],
        acting_user=center_staff,
    )
    for user in (investor, center_staff):
        client.force_login(user)
        page = client.get(interests).content.decode()
        assert f'href="{opportunity}"' not in page and 'data-testid="no-longer-awaiting"' in page
        assert client.get(opportunity).status_code == 404
