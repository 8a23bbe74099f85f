"""Talent demands (人才需求) are answered by people — experts, brokers, achievement teams — with
the same kind of explanation as achievement matches; staff only, contacts by each kind's rule."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import Demand, Match
from brokers.choices import BrokerStatus

from ...brokers.factories import BrokerFactory, TechContractFactory
from ...evaluation.factories import evaluator_user, give_score, item_of, make_batch
from ...factories import AchievementFactory, industry

pytestmark = pytest.mark.django_db

TALENT = {
    "kind": "talent",
    "title": "引进功率模块封装散热方向的技术带头人",
    "description": "我们做IGBT功率模块封装，需要懂氮化铝陶瓷基板和散热设计的技术带头人，帮我们解决模块热导率不够、温度过高的问题。",
    "field": "S04",
    "division": "441900119",
    "contact_name": "赵经理",
    "contact_phone": "0769-22881234",
}
CERAMIC = {
    "title": "高导热氮化铝陶瓷基板制备技术",
    "summary": "氮化铝陶瓷基板热导率达到 230 W/(m·K)，用于功率模块封装散热。",
}


@pytest.fixture
def talent_demand(client, enterprise_user, django_capture_on_commit_callbacks):
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/demands/", TALENT, content_type="application/json")
    assert response.status_code == 201, response.content
    client.logout()
    return Demand.objects.get(pk=response.json()["id"])


@pytest.fixture
def people(center_staff, django_capture_on_commit_callbacks):
    """Experts, brokers and teams: some fit the demand, some only its field, some nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        ceramic = AchievementFactory(
            **CERAMIC, field=industry("S04"), holder="东莞理工学院", contact_name="陈教授"
        )
        tea = AchievementFactory(
            title="茶园病虫害绿色防控技术",
            summary="以生物农药与诱捕器替代化学农药。",
            field=industry("T02"),
            holder="华南农业大学",
        )
    fitting, unrelated = evaluator_user("expert_fit", name="周专家"), evaluator_user("expert_tea")
    batch = make_batch(
        staff=center_staff, evaluators=[fitting, unrelated], achievements=[ceramic, tea]
    )
    give_score(item_of(batch, ceramic), fitting, 80)
    give_score(item_of(batch, tea), unrelated, 80)

    broker = BrokerFactory(name="孙经纪", phone="13900000001", email="sun@example.cn")
    broker.fields.set([industry("S04")])
    TechContractFactory(title="氮化铝陶瓷基板散热技术转让合同", brokers=[(broker, "100")])
    field_only = BrokerFactory(name="李经纪")
    field_only.fields.set([industry("S04")])
    tea_broker = BrokerFactory(name="王经纪")
    tea_broker.fields.set([industry("T02")])
    TechContractFactory(title="茶叶加工技术合同", brokers=[(tea_broker, "100")])
    pending = BrokerFactory(name="待审经纪", status=BrokerStatus.PENDING)
    TechContractFactory(title="氮化铝陶瓷基板技术开发合同", brokers=[(pending, "100")])
    return {"ceramic": ceramic, "tea": tea}


def people_api(client, user, demand, **params):
    client.force_login(user)
    return client.get(f"/api/v1/demands/{demand.pk}/people/", params)


def test_a_talent_demand_is_matched_to_people_not_achievements(
    client, center_staff, people, talent_demand
):
    assert not Match.objects.filter(demand=talent_demand).exists()
    response = people_api(client, center_staff, talent_demand)
    assert response.status_code == 200
    body = response.json()
    assert body["computed_at"] is not None
    groups = {group["kind"]: group["people"] for group in body["groups"]}
    assert list(groups) == ["expert", "broker", "team"]

    [expert] = groups["expert"]
    assert expert["name"] == "周专家"
    assert "氮化铝" in expert["reasons"]["terms"] or "陶瓷基板" in expert["reasons"]["terms"]
    assert expert["reasons"]["field"] == "新材料"
    assert "共同关键词" in expert["explanation"] and "同属新材料领域" in expert["explanation"]

    # The broker whose contracts say what the demand says ranks above the one of the field
    # alone; other fields and brokers not in the library are left out.
    assert [b["name"] for b in groups["broker"]] == ["孙经纪", "李经纪"]
    first, second = groups["broker"]
    assert first["score"] > second["score"]
    assert "陶瓷基板" in first["reasons"]["terms"]
    assert second["reasons"]["terms"] == [] and second["reasons"]["field"] == "新材料"
    assert first["contact"] == {
        "name": "孙经纪",
        "phone": "13900000001",
        "email": "sun@example.cn",
        "masked": False,
    }

    [team] = groups["team"]
    assert team["name"] == "陈教授 团队" and team["affiliation"] == "东莞理工学院"
    assert CERAMIC["title"] in team["detail"]
    assert "陶瓷基板" in team["explanation"]


def test_the_page_shows_the_people_to_staff_only(
    client, center_staff, enterprise_user, people, talent_demand
):
    client.force_login(center_staff)
    page = client.get(
        reverse("achievements:demand_detail", args=[talent_demand.pk])
    ).content.decode()
    assert "可以帮助的人（人才需求）" in page
    for name in ("周专家", "孙经纪", "陈教授 团队", "13900000001"):
        assert name in page
    assert "系统推荐成果（待审核）" not in page

    client.force_login(enterprise_user)
    page = client.get(
        reverse("achievements:demand_detail", args=[talent_demand.pk])
    ).content.decode()
    assert "可以帮助的人" not in page and "孙经纪" not in page and "13900000001" not in page
    assert people_api(client, enterprise_user, talent_demand).status_code == 403


def test_a_bad_limit_is_refused(client, center_staff, talent_demand):
    response = people_api(client, center_staff, talent_demand, limit=99)
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.usefixtures("render_afresh")
def test_people_cost_the_same_queries_however_many_there_are(
    client, center_staff, people, talent_demand
):
    def count():
        client.force_login(center_staff)
        with CaptureQueriesContext(connection) as queries:
            response = people_api(client, center_staff, talent_demand, limit=20)
        assert response.status_code == 200
        return len(queries), sum(len(g["people"]) for g in response.json()["groups"])

    count()  # the library's size is cached after the first ranking

    few, shown_few = count()
    for n in range(4):
        broker = BrokerFactory(name=f"新经纪{n}")
        broker.fields.set([industry("S04")])
        TechContractFactory(title=f"氮化铝陶瓷基板封装合同{n}", brokers=[(broker, "100")])
        expert = evaluator_user(f"expert_more{n}")
        evaluated = AchievementFactory(title=f"氮化铝陶瓷基板封装工艺{n}", field=industry("S04"))
        batch = make_batch(
            staff=center_staff, evaluators=[expert], achievements=[evaluated], name=f"第{n}批"
        )
        give_score(item_of(batch, evaluated), expert, 70)
    many, shown_many = count()
    assert shown_many == shown_few + 8
    assert many == few


def test_a_concept_reached_through_the_graph_is_explained_as_for_achievements():
    from django.utils import translation

    from achievements.matching.people import explanation_text

    data = {
        "terms": ["散热", "基板"],
        "concepts": [
            {"name": "电子产品散热", "demand": ["烫手"], "achievement": ["均热板"], "via": "过热"}
        ],
        "field": "",
    }
    text = explanation_text(data)
    assert text == (
        "共同关键词：散热、基板；需求中的“烫手”（过热）与其经历中的“均热板”（电子产品散热）相关联。"
    )
    with translation.override("en"):
        english = explanation_text(data)
    assert "、" not in english and "；" not in english and "(过热)" in english


def test_achievement_and_person_explanations_share_one_wording_each_in_both_languages():
    """One explanation composer: an achievement is worded against the achievement (with the
    intended landing town), a person against their record (no landing town); both translate."""
    from django.utils import translation

    from achievements import matching
    from achievements.matching.people import explanation_text as person_text

    data = {
        "terms": ["散热"],
        "concepts": [
            {"name": "电子产品散热", "demand": ["烫手"], "achievement": ["均热板"], "via": "过热"},
            {"name": "注塑成型缺陷", "demand": ["缩痕"], "achievement": ["翘曲"], "via": ""},
        ],
        "field": "模具",
        "division": "松山湖",
    }
    assert matching.explanation_text(data) == (
        "共同关键词：散热；需求中的“烫手”（过热）与成果中的“均热板”（电子产品散热）相关联；"
        "需求中的“缩痕”与成果中的“翘曲”同属“注塑成型缺陷”；同属模具领域；"
        "拟落地松山湖，与企业同在一地。"
    )
    assert person_text(data) == (
        "共同关键词：散热；需求中的“烫手”（过热）与其经历中的“均热板”（电子产品散热）相关联；"
        "需求中的“缩痕”与其经历中的“翘曲”同属“注塑成型缺陷”；同属模具领域。"
    )
    assert matching.explanation_text({}) == person_text({}) == ""
    with translation.override("en"):
        achievement_en = matching.explanation_text(data)
        person_en = person_text(data)
    assert "in the achievement (电子产品散热)" in achievement_en
    assert "“翘曲” in the achievement both belong to" in achievement_en
    assert "Intended to land in 松山湖" in achievement_en
    assert "in their record (电子产品散热)" in person_en
    assert "“翘曲” in their work both belong to" in person_en
    assert "Intended to land" not in person_en
    for english in (achievement_en, person_en):
        assert "需求中的" not in english and "；" not in english
