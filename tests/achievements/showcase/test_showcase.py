"""The public showcase: only published records, never personal data or scores, Chinese search
ranked by relevance, filters, readable addresses, cached pages, and "我有意向"."""

import io

import pytest
from django.db import reset_queries
from django.urls import reverse
from openpyxl import Workbook

from achievements.choices import AchievementStatus, InquiryStatus
from achievements.models import ExternalAchievement, Inquiry, ShowcaseEntry
from achievements.services.showcase import external_achievements_import
from towns.choices import EnterpriseStatus, Role
from towns.models import Notification

from ...factories import AchievementFactory, division, industry
from ..demands.factories import enterprise_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Create achievements the way the portal does: the showcase follows after commit."""

    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return AchievementFactory(**fields)

    return make


@pytest.fixture
def electrolyte(publish):
    return publish(
        title="高性能硫化物固态电解质材料",
        summary="室温离子电导率达到12 mS/cm，与锂金属负极兼容，不可燃。",
        is_public=True,
        cooperation_modes=["license", "equity"],
        landing_division=division("441900401"),
        trl=5,
    )


def search(client, **params):
    response = client.get(reverse("achievements:showcase_list"), params)
    assert response.status_code == 200
    return [entry.title for entry in response.context["entries"]]


def test_the_public_sees_only_published_records(client, publish, electrolyte):
    publish(title="仍是草稿的成果", is_public=True, status=AchievementStatus.DRAFT)
    publish(title="已撤回的成果", is_public=True, status=AchievementStatus.WITHDRAWN)
    publish(title="不公开的成果", is_public=False)
    publish(title="服务库中的公开成果", is_public=True, status=AchievementStatus.SUBMITTED)
    assert set(search(client)) == {"高性能硫化物固态电解质材料", "服务库中的公开成果"}
    assert client.get("/").context["entries"][0].title in {
        "高性能硫化物固态电解质材料",
        "服务库中的公开成果",
    }


def test_a_record_made_private_disappears_at_once(client, electrolyte):
    url = electrolyte.showcase_entry.get_absolute_url()
    assert client.get(url).status_code == 200
    # Even before the task runs (no on-commit here), the public queryset re-checks the record.
    type(electrolyte).objects.filter(pk=electrolyte.pk).update(is_public=False)
    assert client.get(url).status_code == 404
    assert search(client) == []


def test_detail_pages_show_no_personal_contact_data_or_scores(client, electrolyte):
    response = client.get(electrolyte.showcase_entry.get_absolute_url())
    content = response.content.decode()
    assert "高性能硫化物固态电解质材料" in content and "东莞理工学院" in content
    for secret in ("陈教授", "13800138000", "chen@example.cn", "匹配度", "评分"):
        assert secret not in content
    assert "许可、作价入股" in content
    assert "小试（TRL 5）" in content
    assert "东莞松山湖高新技术产业开发区" in content


def test_addresses_are_readable_and_canonical(client, electrolyte):
    entry = electrolyte.showcase_entry
    assert entry.get_absolute_url() == (
        f"/showcase/A{electrolyte.pk}-%E9%AB%98%E6%80%A7%E8%83%BD%E7%A1%AB%E5%8C%96%E7%89%A9"
        "%E5%9B%BA%E6%80%81%E7%94%B5%E8%A7%A3%E8%B4%A8%E6%9D%90%E6%96%99/"
    )
    short = client.get(f"/showcase/A{electrolyte.pk}/")
    assert short.status_code == 301 and short["Location"] == entry.get_absolute_url()
    assert client.get(f"/showcase/A{electrolyte.pk}-旧名称/").status_code == 301
    assert client.get("/showcase/A999999/").status_code == 404


def test_search_finds_chinese_words_inside_longer_text(client, electrolyte, publish):
    publish(title="锂电池极片涂布在线检测", summary="X射线测量涂布面密度。", is_public=True)
    assert search(client, q="电解质") == ["高性能硫化物固态电解质材料"]
    assert search(client, q="离子电导") == ["高性能硫化物固态电解质材料"]
    assert search(client, q="锂金属") == ["高性能硫化物固态电解质材料"]
    assert search(client, q="ｍＳ") == ["高性能硫化物固态电解质材料"]  # full-width folded
    assert search(client, q="量子计算") == []


def test_search_ranks_title_matches_above_passing_mentions(client, publish):
    publish(title="注塑模具随形冷却技术", summary="缩短冷却时间。", is_public=True)
    publish(title="家电外壳喷涂工艺", summary="适用于注塑件的表面喷涂，附着力好。", is_public=True)
    publish(
        title="注塑件缩痕在线检测", summary="识别注塑件表面缩痕，注塑工艺闭环调整。", is_public=True
    )
    assert search(client, q="注塑") == [
        "注塑件缩痕在线检测",
        "注塑模具随形冷却技术",
        "家电外壳喷涂工艺",
    ]


def test_search_also_finds_the_technology_for_a_problem_word(client, publish):
    publish(title="基于模流分析的注塑工艺优化", summary="自动寻优保压与冷却参数。", is_public=True)
    publish(title="注塑件缩痕检测仪", summary="测量表面缩痕深度。", is_public=True)
    publish(title="纺织面料验布机", summary="识别破洞与油污。", is_public=True)
    assert search(client, q="缩痕") == ["注塑件缩痕检测仪", "基于模流分析的注塑工艺优化"]


def test_filters(client, electrolyte, publish):
    publish(
        title="注塑工艺优化系统",
        is_public=True,
        field=industry("T08"),
        kind="platform",
        trl=8,
        cooperation_modes=["transfer"],
    )
    external_achievements_import(
        acting_user=enterprise_account("importer"),
        rows=[
            {
                "holder": "清华大学",
                "title": "柔性触觉传感器",
                "summary": "离子凝胶柔性传感器。",
                "field": industry("F03"),
                "kind": "project",
                "trl": 4,
                "cooperation_modes": ["license"],
                "region": "北京市",
                "source": "清华大学技术转移研究院成果库",
                "source_url": "",
            }
        ],
    )
    assert search(client, field="T08") == ["注塑工艺优化系统"]
    assert search(client, kind="platform") == ["注塑工艺优化系统"]
    assert search(client, stage="8") == ["注塑工艺优化系统"]  # 量产 = TRL 8–9
    assert search(client, stage="4") == ["柔性触觉传感器", "高性能硫化物固态电解质材料"]
    assert search(client, division="songshanhu") == ["高性能硫化物固态电解质材料"]
    assert search(client, mode="license") == ["柔性触觉传感器", "高性能硫化物固态电解质材料"]
    assert search(client, source="external") == ["柔性触觉传感器"]
    assert search(client, source="local", q="传感器") == []


@pytest.mark.usefixtures("render_afresh")
def test_searches_are_cached_until_the_showcase_changes(
    client, electrolyte, publish, django_assert_max_num_queries
):
    search(client, q="电解质")
    with django_assert_max_num_queries(4) as cached:
        search(client, q="电解质")
    assert not any("LIKE" in q["sql"] for q in cached.captured_queries)
    publish(title="新型固态电解质隔膜", summary="", is_public=True)
    assert search(client, q="电解质") == ["新型固态电解质隔膜", "高性能硫化物固态电解质材料"]


@pytest.mark.usefixtures("render_afresh")
def test_the_showcase_costs_the_same_queries_for_one_or_many(
    client, publish, django_assert_num_queries
):
    publish(title="成果一", is_public=True)
    client.get(reverse("achievements:showcase_list"))
    reset_queries()  # the capture reads a bounded log that indexing just filled
    with django_assert_num_queries(3) as one:  # the page's entries, the field and town lists
        client.get(reverse("achievements:showcase_list"), {"page": "1"})
    expected = len(one)
    for n in range(8):
        publish(title=f"更多成果{n}", is_public=True, cooperation_modes=["license"])
    client.get(reverse("achievements:showcase_list"))
    reset_queries()
    with django_assert_num_queries(expected):
        response = client.get(reverse("achievements:showcase_list"), {"page": "1"})
    assert len(response.context["entries"]) == 9


# --- "我有意向" -------------------------------------------------------------------------------


def interest(client, entry, **data):
    return client.post(
        reverse("achievements:showcase_interest", args=[entry.key]),
        {
            "contact_name": "赵经理",
            "contact_phone": "0769-22881234",
            "message": "想了解许可费用",
            **data,
        },
    )


def test_an_enterprise_expresses_interest_and_staff_follow_up(
    client, electrolyte, enterprise_user, center_staff
):
    entry = electrolyte.showcase_entry
    client.force_login(enterprise_user)
    response = interest(client, entry)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    inquiry = Inquiry.objects.get()
    assert (inquiry.enterprise, inquiry.achievement, inquiry.title, inquiry.status) == (
        enterprise_user.enterprise,
        electrolyte,
        "高性能硫化物固态电解质材料",
        InquiryStatus.NEW,
    )
    assert Notification.objects.get(recipient=center_staff).url == f"/inquiries/{inquiry.pk}/"
    # A second press keeps the one open inquiry.
    interest(client, entry)
    assert Inquiry.objects.count() == 1
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "您已于" in page and "待跟进" in page

    client.force_login(center_staff)
    client.post(
        reverse("achievements:inquiry_detail", args=[inquiry.pk]),
        {"status": "following", "note": "已电话联系，约下周交流"},
    )
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.handled_by) == (InquiryStatus.FOLLOWING, center_staff)
    assert "已电话联系，约下周交流" in inquiry.follow_up_note
    told = Notification.objects.get(recipient=enterprise_user, kind="inquiry_followed")
    assert told.body == "已电话联系，约下周交流"


def test_interest_needs_an_approved_enterprise(client, electrolyte, users_by_role):
    entry = electrolyte.showcase_entry
    anonymous = interest(client, entry)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert "企业登录后即可表达合作意向" in client.get(entry.get_absolute_url()).content.decode()
    for role, user in users_by_role.items():
        if role == Role.ENTERPRISE:
            continue
        client.force_login(user)
        assert interest(client, entry).status_code == 403, role
    client.force_login(enterprise_account("pending_co", status=EnterpriseStatus.PENDING))
    assert interest(client, entry).status_code == 403
    assert Inquiry.objects.count() == 0


def test_a_bad_phone_is_refused_beside_the_field(client, electrolyte, enterprise_user):
    client.force_login(enterprise_user)
    response = interest(client, electrolyte.showcase_entry, contact_phone="12")
    assert response.status_code == 400
    assert "电话号码格式不正确" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_enterprises_see_their_own_inquiries_and_liaisons_those_on_their_records(
    client, electrolyte, enterprise_user, other_enterprise_user, liaison, other_liaison
):
    for user in (enterprise_user, other_enterprise_user):
        client.force_login(user)
        interest(client, electrolyte.showcase_entry)
    mine = Inquiry.objects.get(enterprise=enterprise_user.enterprise)
    theirs = Inquiry.objects.get(enterprise=other_enterprise_user.enterprise)
    client.force_login(enterprise_user)
    assert client.get(reverse("achievements:inquiry_detail", args=[theirs.pk])).status_code == 404
    assert [i.pk for i in client.get(reverse("achievements:inquiry_list")).context["page_obj"]] == [
        mine.pk
    ]
    client.force_login(liaison)  # 东莞理工, the achievement's discovering unit
    assert client.get(reverse("achievements:inquiry_list")).context["page_obj"].paginator.count == 2
    client.force_login(other_liaison)
    assert client.get(reverse("achievements:inquiry_list")).context["page_obj"].paginator.count == 0


@pytest.fixture
def other_enterprise_user(db):
    return enterprise_account("ent_b", name="东莞市另一家科技有限公司")


# --- external achievements ----------------------------------------------------------------------

HEADERS = [
    "成果名称",
    "成果简介",
    "所属领域",
    "完成单位",
    "信息来源",
    "成果类型",
    "技术成熟度",
    "合作方式",
]


def sheet(*rows) -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.append(["外地高校成果汇总（2025年）"])  # a merged title row above the header
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "外地成果.xlsx"
    return data


GOOD = [
    "柔性触觉传感器",
    "离子凝胶柔性传感器。",
    "具身智能",
    "清华大学",
    "清华大学成果库",
    "项目类",
    4,
    "许可、合作开发",
]


def test_staff_import_external_achievements_after_a_preview(client, center_staff):
    client.force_login(center_staff)
    bad = ["无领域成果", "简介", "不存在的领域", "某大学", "来源", "其他类", 12, "赠送"]
    preview = client.post(reverse("achievements:external_import"), {"file": sheet(GOOD, bad)})
    assert preview.status_code == 200
    issues = [(i.row, i.column, i.message) for i in preview.context["result"].issues]
    assert issues == [
        (4, "所属领域", "“不存在的领域”不在产业领域目录中"),
        (4, "成果类型", "应为企业类、平台类或项目类"),
        (4, "技术成熟度", "应为 1 至 9 的整数"),
        (4, "合作方式", "“赠送”不是可选的合作方式"),
    ]
    assert ExternalAchievement.objects.count() == 0  # nothing before the confirmation

    client.post(reverse("achievements:external_import"), {"confirm": "1"})
    external = ExternalAchievement.objects.get()
    assert (external.holder, external.source, external.trl, external.cooperation_modes) == (
        "清华大学",
        "清华大学成果库",
        4,
        ["license", "joint_development"],
    )
    entry = ShowcaseEntry.objects.get(external=external)
    assert (entry.key, entry.source) == (f"E{external.pk}", "清华大学成果库")
    assert "清华大学成果库" in client.get(entry.get_absolute_url()).content.decode()

    # The same sheet again updates in place.
    client.post(reverse("achievements:external_import"), {"file": sheet(GOOD)})
    client.post(reverse("achievements:external_import"), {"confirm": "1"})
    assert ExternalAchievement.objects.count() == 1


def test_a_file_that_is_not_excel_is_refused(client, center_staff):
    client.force_login(center_staff)
    upload = io.BytesIO(b"not a workbook")
    upload.name = "成果.xlsx"
    response = client.post(reverse("achievements:external_import"), {"file": upload})
    assert "文件不是 Excel（.xlsx）格式" in response.content.decode()


def test_staff_withdraw_an_external_achievement_from_the_showcase(
    client, center_staff, django_capture_on_commit_callbacks
):
    client.force_login(center_staff)
    client.post(reverse("achievements:external_import"), {"file": sheet(GOOD)})
    client.post(reverse("achievements:external_import"), {"confirm": "1"})
    external = ExternalAchievement.objects.get()
    assert search(client) == ["柔性触觉传感器"]
    for published, expected in (("0", []), ("1", ["柔性触觉传感器"])):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("achievements:external_set_published", args=[external.pk]),
                {"published": published},
            )
        assert search(client) == expected


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CENTER_STAFF, Role.ADMIN)])
def test_only_staff_manage_external_achievements(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("achievements:external_list")).status_code == 403
    assert client.get(reverse("achievements:external_import")).status_code == 403
    assert client.get(reverse("achievements:external_template")).status_code == 403


def test_the_cached_results_follow_every_change_of_the_showcase(
    client, publish, electrolyte, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("achievements:showcase_list")
    client.get(url, {"q": "固态"})
    with django_assert_max_num_queries(2):  # ranking and rendered results both cached
        page = client.get(url, {"q": "固态"}).content.decode()
    assert "高性能硫化物固态电解质材料" in page and "全固态锂电池" not in page
    publish(title="全固态锂电池电芯制造工艺", is_public=True)
    page = client.get(url, {"q": "固态"}).content.decode()
    assert "全固态锂电池电芯制造工艺" in page
    electrolyte.is_public = False
    with django_capture_on_commit_callbacks(execute=True):
        electrolyte.save()
    page = client.get(url, {"q": "固态"}).content.decode()
    assert "高性能硫化物固态电解质材料" not in page
    english = client.get(url, {"q": "固态"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "全固态锂电池电芯制造工艺" in english
