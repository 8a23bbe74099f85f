"""Matching: ranked achievements per demand, explanations a person can check, kept up to date by
tasks, reviewed by staff and answered by the enterprise."""

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements import matching
from achievements.choices import AchievementStatus, DemandStatus, MatchStatus
from achievements.models import ContactExchange, Demand, Match, MatchDocument, SynonymGroup
from achievements.services.core import achievement_change_status
from achievements.services.discovery import achievement_soft_delete
from achievements.tasks.demands import task_match_demand, task_sweep_achievement_index
from towns.choices import Role
from towns.models import Notification

from ...factories import AchievementFactory, UserFactory, industry, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(
    client, enterprise_user, demand_form, moulding_achievements, django_capture_on_commit_callbacks
):
    """The enterprise posts 注塑件表面缩痕 through the page; matching runs after commit."""
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:demand_create"), demand_form)
    client.logout()
    return Demand.objects.get()


def staff_matches(client, staff, demand, limit=10):
    client.force_login(staff)
    response = client.get(f"/api/v1/demands/{demand.pk}/matches/", {"limit": limit})
    assert response.status_code == 200
    return response.json()["results"]


def test_a_problem_finds_technologies_that_share_no_word_with_it(
    client, center_staff, posted, moulding_achievements
):
    results = staff_matches(client, center_staff, posted)
    by_id = {row["achievement"]: row for row in results}
    ids = {name: a.pk for name, a in moulding_achievements.items()}
    assert {ids["moldflow"], ids["cooling"], ids["foam"]} <= by_id.keys()
    assert ids["battery"] not in by_id
    assert [row["score"] for row in results] == sorted((r["score"] for r in results), reverse=True)
    # 随形冷却 never says 缩痕: the concept of moulding defects bridges the two.
    cooling = by_id[ids["cooling"]]
    bridge = next(c for c in cooling["reasons"]["concepts"] if c["name"] == "注塑成型缺陷")
    assert "缩痕" in bridge["demand"]
    assert "凹陷" in bridge["achievement"]
    assert "需求中的“" in cooling["explanation"] and "同属“注塑成型缺陷”" in cooling["explanation"]
    assert cooling["reasons"]["field"] == "模具"
    assert "同属模具领域" in cooling["explanation"]


def test_explanations_name_only_words_really_in_both_texts(client, center_staff, posted):
    demand_text = matching.normalize(posted.title + posted.description)
    for row in staff_matches(client, center_staff, posted, limit=20):
        achievement = Match.objects.get(
            demand=posted, achievement_id=row["achievement"]
        ).achievement
        achievement_text = matching.normalize(achievement.title + achievement.summary)
        reasons = row["reasons"]
        assert reasons["terms"] or reasons["concepts"]
        for term in reasons["terms"]:
            assert term in demand_text and term in achievement_text, term
        for concept in reasons["concepts"]:
            assert all(word in demand_text for word in concept["demand"])
            assert all(word in achievement_text for word in concept["achievement"])
        assert reasons["field"] in ("", achievement.field.name)
        if reasons["field"]:
            assert achievement.field == posted.field
        if reasons["division"]:
            assert reasons["division"] == posted.division.name == achievement.landing_division.name
            assert f"拟落地{posted.division.name}" in row["explanation"]


def test_a_new_achievement_joins_the_suggestions_and_a_withdrawn_one_leaves(
    client, center_staff, posted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        gas = AchievementFactory(
            title="厚壁塑件气体辅助注射成型技术",
            summary="注入高压氮气保压，减少厚壁处收缩，避免表面凹痕。",
            field=industry("T08"),
        )
    match = Match.objects.get(demand=posted, achievement=gas)
    assert match.status == MatchStatus.SUGGESTED
    defects = next(c for c in match.explanation["concepts"] if c["name"] == "注塑成型缺陷")
    assert "凹痕" in defects["achievement"]

    with django_capture_on_commit_callbacks(execute=True):
        achievement_change_status(
            gas,
            to=AchievementStatus.WITHDRAWN,
            allowed_from=[AchievementStatus.SUBMITTED],
            acting_user=center_staff,
        )
    assert not Match.objects.filter(demand=posted, achievement=gas).exists()


def test_changing_the_demand_recomputes_its_suggestions(
    client,
    enterprise_user,
    posted,
    demand_form,
    moulding_achievements,
    django_capture_on_commit_callbacks,
):
    client.force_login(enterprise_user)
    battery = {
        **demand_form,
        "title": "储能电池用久了鼓包",
        "description": "电芯用了一年多就鼓起来，担心起火，想找更安全的电解质材料。",
        "field": industry("S05").pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:demand_update", args=[posted.pk]), battery)
    suggested = set(posted.matches.values_list("achievement_id", flat=True))
    assert moulding_achievements["battery"].pk in suggested
    assert moulding_achievements["cooling"].pk not in suggested


def test_recomputing_twice_changes_nothing(posted):
    before = list(posted.matches.order_by("pk").values_list("pk", "achievement_id", "score"))
    task_match_demand(demand_id=posted.pk)
    task_match_demand(demand_id=posted.pk)
    after = list(posted.matches.order_by("pk").values_list("pk", "achievement_id", "score"))
    assert after == before


def test_one_changed_achievement_scores_as_a_full_ranking_would(
    posted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = AchievementFactory(
            title="注塑件缩痕在线预测与工艺自适应调整",
            summary="根据保压曲线预测缩痕深度并自动调整保压，缩痕不良下降70%。",
            field=industry("T08"),
        )
    incremental = Match.objects.get(demand=posted, achievement=new).score
    Match.objects.filter(demand=posted).delete()
    task_match_demand(demand_id=posted.pk)
    assert Match.objects.get(demand=posted, achievement=new).score == pytest.approx(
        incremental, abs=0.002
    )


def test_the_sweep_reindexes_changes_made_behind_the_tasks_back(posted, moulding_achievements):
    battery = moulding_achievements["battery"]
    type(battery).objects.filter(pk=battery.pk).update(
        title="注塑件缩痕的模流分析", updated_at=timezone.now()
    )
    assert not posted.matches.filter(achievement=battery).exists()
    assert task_sweep_achievement_index() == 1
    assert posted.matches.filter(achievement=battery).exists()
    assert task_sweep_achievement_index() == 0


def test_moving_an_achievement_into_the_demands_field_rescores_its_suggestion(
    client, center_staff, posted, moulding_achievements, django_capture_on_commit_callbacks
):
    foam = moulding_achievements["foam"]
    before = Match.objects.get(demand=posted, achievement=foam)
    assert before.explanation["field"] == ""

    foam.field = industry("T08")
    with django_capture_on_commit_callbacks(execute=True):
        foam.save()

    after = Match.objects.get(demand=posted, achievement=foam)
    assert after.score > before.score
    assert after.explanation["field"] == "模具"
    # A full ranking agrees: the candidate search reads the new field from the index too.
    Match.objects.filter(demand=posted).delete()
    task_match_demand(demand_id=posted.pk)
    row = next(
        r for r in staff_matches(client, center_staff, posted) if r["achievement"] == foam.pk
    )
    assert row["score"] == pytest.approx(after.score, abs=0.002)
    assert "同属模具领域" in row["explanation"]


def test_a_change_of_landing_division_alone_rescores_the_suggestions(
    posted, moulding_achievements, django_capture_on_commit_callbacks
):
    moldflow, cooling = moulding_achievements["moldflow"], moulding_achievements["cooling"]
    before = {m.achievement_id: m for m in posted.matches.all()}
    assert before[moldflow.pk].explanation["division"] == posted.division.name
    assert before[cooling.pk].explanation["division"] == ""

    moldflow.landing_division = None
    cooling.landing_division = posted.division
    with django_capture_on_commit_callbacks(execute=True):
        moldflow.save()
        cooling.save()

    after = {m.achievement_id: m for m in posted.matches.all()}
    assert after[moldflow.pk].explanation["division"] == ""
    assert after[moldflow.pk].score < before[moldflow.pk].score
    assert after[cooling.pk].explanation["division"] == posted.division.name
    assert after[cooling.pk].score > before[cooling.pk].score


def test_a_deleted_achievement_leaves_the_ranking_before_its_index_task_runs(
    center_staff, posted, moulding_achievements
):
    moldflow = moulding_achievements["moldflow"]
    # The index task is queued after the commit and has not run: the postings are still there.
    achievement_soft_delete(moldflow, acting_user=center_staff, reason="重复录入")
    assert MatchDocument.objects.filter(pk=moldflow.pk).exists()

    Match.objects.filter(demand=posted).delete()
    task_match_demand(demand_id=posted.pk)
    assert posted.matches.exists()
    assert not posted.matches.filter(achievement=moldflow).exists()
    # Had the task been lost, the sweep takes the deleted achievement out of the index.
    assert task_sweep_achievement_index() == 1
    assert not MatchDocument.objects.filter(pk=moldflow.pk).exists()
    assert task_sweep_achievement_index() == 0


def test_a_same_field_achievement_behind_on_words_is_still_found(
    monkeypatch, django_capture_on_commit_callbacks
):
    """The candidates are the best by the full score: an achievement of the demand's field that
    more achievements of other fields beat on words alone is not cut before its field counts."""
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = [
            AchievementFactory(
                title=f"注塑件表面缩痕控制技术{n}",
                summary="消除注塑件表面缩痕。",
                field=industry("S02"),
            )
            for n in range(3)
        ]
        same_field = AchievementFactory(
            title="注塑件表面缩痕的保压优化",
            summary="家电面板注塑的保压曲线优化方法。",
            field=industry("T08"),
        )
    vocabulary = matching.vocabulary()

    def query(field):
        return matching.DemandQuery.build(
            vocabulary, title="注塑件表面缩痕", description="", field=field, division=None
        )

    by_words = [r.achievement_id for r in matching.rank(vocabulary, query(None), limit=10)]
    assert by_words[-1] == same_field.pk and set(by_words[:3]) == {a.pk for a in elsewhere}

    # Three candidates only: a search by words alone would never see the same-field one.
    monkeypatch.setattr("achievements.matching.ranking.CANDIDATES", 3)
    best = matching.rank(vocabulary, query(industry("T08")), limit=1)
    assert [r.achievement_id for r in best] == [same_field.pk]
    assert best[0].explanation["field"] == "模具"


# --- review by staff, answer by the enterprise --------------------------------------------------


def best(demand) -> Match:
    return demand.matches.filter(status=MatchStatus.SUGGESTED).ranked().first()


def test_staff_propose_and_the_enterprise_sees_only_proposals(
    client, center_staff, enterprise_user, posted
):
    match = best(posted)
    client.force_login(center_staff)
    client.post(
        reverse("achievements:match_propose", args=[match.pk]), {"note": "建议与成果团队交流"}
    )
    match.refresh_from_db()
    assert (match.status, match.reviewed_by, match.note) == (
        MatchStatus.PROPOSED,
        center_staff,
        "建议与成果团队交流",
    )
    note = Notification.objects.get(recipient=enterprise_user)
    assert note.title == "服务中心为您的需求推荐了成果"

    client.force_login(enterprise_user)
    page = client.get(reverse("achievements:demand_detail", args=[posted.pk]))
    assert [m.pk for m in page.context["decided"]] == [match.pk]
    assert page.context["suggested"] == []
    api = client.get(f"/api/v1/demands/{posted.pk}/matches/").json()["results"]
    assert [row["achievement"] for row in api] == [match.achievement_id]
    # The achievement's personal contact stays hidden until the enterprise accepts.
    assert match.achievement.contact_phone not in page.content.decode()


def test_rejecting_needs_a_reason(client, center_staff, posted):
    match = best(posted)
    client.force_login(center_staff)
    client.post(reverse("achievements:match_reject", args=[match.pk]), {"reason": ""})
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED
    client.post(reverse("achievements:match_reject", args=[match.pk]), {"reason": "与需求方向不符"})
    match.refresh_from_db()
    assert (match.status, match.reject_reason) == (MatchStatus.REJECTED, "与需求方向不符")
    # A rejected achievement is not suggested again when the demand is re-ranked.
    task_match_demand(demand_id=posted.pk)
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED


def test_accepting_exchanges_contacts_and_matches_the_demand(
    client, center_staff, enterprise_user, posted, django_capture_on_commit_callbacks
):
    match = best(posted)
    achievement = match.achievement
    achievement.liaison = UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="owner")
    achievement.save()
    client.force_login(center_staff)
    client.post(reverse("achievements:match_propose", args=[match.pk]))
    client.force_login(enterprise_user)
    response = client.post(reverse("achievements:match_accept", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    posted.refresh_from_db()
    assert (match.status, match.responded_by) == (MatchStatus.ACCEPTED, enterprise_user)
    assert posted.status == DemandStatus.MATCHED
    exchange = ContactExchange.objects.get(match=match)
    assert (exchange.holder_contact_name, exchange.holder_contact_phone) == (
        "陈教授",
        "13800138000",
    )
    assert (exchange.enterprise_contact_name, exchange.enterprise_contact_phone) == (
        "赵经理",
        "0769-22881234",
    )
    page = client.get(reverse("achievements:demand_detail", args=[posted.pk])).content.decode()
    assert "13800138000" in page and "联系方式已于" in page
    told = Notification.objects.get(recipient=achievement.liaison, kind="match_accepted")
    assert "0769-22881234" in told.body
    step = posted.transitions.get()
    assert (step.from_status, step.to_status, step.actor) == ("open", "matched", enterprise_user)

    # Twice is refused; nothing changes.
    assert client.post(reverse("achievements:match_accept", args=[match.pk])).status_code == 403
    assert ContactExchange.objects.count() == 1


def test_declining_records_the_reason(client, center_staff, enterprise_user, posted):
    match = best(posted)
    client.force_login(center_staff)
    client.post(reverse("achievements:match_propose", args=[match.pk]))
    client.force_login(enterprise_user)
    client.post(reverse("achievements:match_decline", args=[match.pk]), {"reason": "预算不够"})
    match.refresh_from_db()
    assert (match.status, match.decline_reason) == (MatchStatus.DECLINED, "预算不够")
    assert (
        Notification.objects.get(recipient=center_staff, kind="match_declined").body == "预算不够"
    )


@pytest.fixture
def posted_by_someone_else(posted, other_enterprise_user):
    # `posted` was made by enterprise_user, whom the matrix below logs in as the enterprise
    # role: hand the demand to another enterprise.
    Demand.objects.filter(pk=posted.pk).update(enterprise=other_enterprise_user.enterprise)
    return posted


# role → (may propose, may accept a proposal of another enterprise's demand)
ACTION_MATRIX = {
    Role.CENTER_STAFF: (302, 403),
    Role.ADMIN: (302, 403),
    Role.LEADER: (403, 403),
    Role.ENTERPRISE: (404, 404),
    Role.LIAISON: (404, 404),
    Role.EVALUATOR: (404, 404),
    Role.BROKER: (404, 404),
    Role.INVESTOR: (404, 404),
}


@pytest.mark.parametrize("role", list(Role))
def test_who_may_review_and_answer_matches(
    client, users_by_role, role, posted_by_someone_else, center_staff
):
    posted = posted_by_someone_else
    first, second = posted.matches.ranked()[:2]
    client.force_login(users_by_role[role])
    may_propose, may_accept = ACTION_MATRIX[role]
    assert (
        client.post(reverse("achievements:match_propose", args=[first.pk])).status_code
        == may_propose
    )
    Match.objects.filter(pk=second.pk).update(status=MatchStatus.PROPOSED, reviewed_by=center_staff)
    assert (
        client.post(reverse("achievements:match_accept", args=[second.pk])).status_code
        == may_accept
    )
    second.refresh_from_db()
    assert second.status == MatchStatus.PROPOSED


# --- API ----------------------------------------------------------------------------------------


def test_the_api_returns_the_best_matches_with_their_reasons(client, center_staff, posted):
    results = staff_matches(client, center_staff, posted, limit=2)
    assert len(results) == 2
    assert set(results[0]) == {
        "achievement",
        "title",
        "score",
        "status",
        "explanation",
        "reasons",
        "concepts",
    }
    assert results[0]["score"] >= results[1]["score"]
    for bad in ("0", "21", "abc"):
        response = client.get(f"/api/v1/demands/{posted.pk}/matches/", {"limit": bad})
        assert response.status_code == 400
        assert "limit" in response.json()


def test_an_enterprise_posts_a_demand_through_the_api(
    client, enterprise_user, moulding_achievements, django_capture_on_commit_callbacks
):
    client.force_login(enterprise_user)
    payload = {
        "kind": "technology",
        "title": "注塑件缩痕",
        "description": "家电外壳表面凹陷，良品率低。",
        "field": "T08",
        "division": "441900119",
        "budget_max": "500000.00",
        "contact_name": "赵经理",
        "contact_phone": "０７６９－２２８８１２３４",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/demands/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["enterprise"], body["contact_phone"]) == (
        "open",
        enterprise_user.enterprise_id,
        "0769-22881234",
    )
    demand = Demand.objects.get(pk=body["id"])
    assert demand.matches.filter(achievement=moulding_achievements["cooling"]).exists()

    bad = client.post(
        "/api/v1/demands/", {**payload, "contact_phone": "123"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "contact_phone" in bad.json()


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.LEADER, Role.LIAISON])
def test_only_enterprises_post_demands_through_the_api(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.post(
        "/api/v1/demands/",
        {
            "kind": "technology",
            "title": "x",
            "description": "y",
            "field": "T08",
            "division": "441900119",
            "contact_name": "a",
            "contact_phone": "13800138000",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Demand.objects.count() == 0


# --- the vocabulary staff curate ----------------------------------------------------------------


def test_a_concept_staff_add_bridges_words_at_once(
    client, center_staff, enterprise_user, demand_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        withering = AchievementFactory(
            title="茶叶萎凋过程智能调控装备",
            summary="根据鲜叶含水率自动调节萎凋温湿度与风量，萎凋均匀度提高30%。",
            field=industry("T02"),
        )
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("achievements:demand_create"),
            {
                **demand_form,
                "title": "单丛晒青摊晾全凭老师傅经验",
                "description": "我们茶厂晒青、摊晾全看天气和老师傅手感，做出来的单丛时好时坏。",
                "field": industry("T02").pk,
            },
        )
    demand = Demand.objects.get()
    assert not demand.matches.filter(achievement=withering).exists()

    client.force_login(center_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("achievements:synonym_create"),
            {"name": "茶叶萎凋", "terms": "晒青、摊晾、萎凋", "note": "", "is_active": "on"},
        )
    assert response.status_code == 302
    group = SynonymGroup.objects.get(name="茶叶萎凋")
    assert group.updated_by == center_staff
    match = demand.matches.get(achievement=withering)
    assert match.explanation["concepts"][0] == {
        "name": "茶叶萎凋",
        "demand": ["晒青", "摊晾"],
        "achievement": ["萎凋"],
        "via": "",
    }


def test_only_staff_edit_the_vocabulary(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        expected = 200 if role in (Role.CENTER_STAFF, Role.ADMIN) else 403
        assert client.get(reverse("achievements:synonym_list")).status_code == expected
        assert client.get(reverse("achievements:synonym_create")).status_code == expected
