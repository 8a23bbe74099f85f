"""Technology contracts: the form with brokers' shares, Excel import and export, the Dongguan
party selector that landing will use."""

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from brokers import selectors, services
from brokers.choices import ContractType, ImportStatus
from brokers.exceptions import ActionRefused
from brokers.models import ContractImport, TechContract

from ..factories import AchievementFactory, division
from .factories import (
    BrokerFactory,
    TechContractFactory,
    landed_achievement,
    service_achievement,
    wan,
)

pytestmark = pytest.mark.django_db


def test_contract_types_are_the_five_of_policy_json():
    policy = json.loads((settings.REFERENCE_DIR / "policy.json").read_text(encoding="utf-8"))
    assert [str(label) for label in ContractType.labels] == policy["tech_contract_types"]


def contract_post(**overrides):
    data = {
        "title": "固态电池电解质技术开发",
        "contract_type": ContractType.DEVELOPMENT,
        "registration_number": "2024441900000001",
        "registered_on": "2024-05-20",
        "amount": "380",
        "seller_name": "东莞理工学院",
        "seller_division": division("441900401").pk,
        "buyer_name": "东莞锂安新能源科技有限公司",
        "buyer_division": "",
        "achievements": [],
        "note": "",
        "shares-TOTAL_FORMS": "3",
        "shares-INITIAL_FORMS": "0",
        "shares-MIN_NUM_FORMS": "0",
        "shares-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


def test_staff_register_a_contract_crediting_brokers_with_shares(client, center_staff):
    first, second = BrokerFactory(name="孙立新"), BrokerFactory(name="王芳")
    achievement = AchievementFactory()
    client.force_login(center_staff)
    response = client.post(
        reverse("brokers:contract_create"),
        contract_post(
            achievements=[achievement.pk],
            **{
                "shares-0-broker": first.pk,
                "shares-0-share": "70",
                "shares-1-broker": second.pk,
                "shares-1-share": "30",
            },
        ),
    )
    contract = TechContract.objects.get()
    assert response.url == reverse("brokers:contract_detail", args=[contract.pk])
    assert contract.amount == wan(380)  # a plain number is 万元
    assert contract.created_by == center_staff
    assert list(contract.achievements.all()) == [achievement]
    assert {(s.broker.name, s.share) for s in contract.broker_shares.all()} == {
        ("孙立新", Decimal(70)),
        ("王芳", Decimal(30)),
    }
    page = client.get(response.url).content.decode()
    assert "380万元" in page and "70%" in page


def test_a_lone_broker_without_a_share_is_credited_in_full(client, center_staff):
    broker = BrokerFactory()
    client.force_login(center_staff)
    client.post(reverse("brokers:contract_create"), contract_post(**{"shares-0-broker": broker.pk}))
    assert TechContract.objects.get().broker_shares.get().share == 100


def test_shares_must_add_up_to_100_and_nothing_is_saved_otherwise(client, center_staff):
    first, second = BrokerFactory(), BrokerFactory()
    client.force_login(center_staff)
    response = client.post(
        reverse("brokers:contract_create"),
        contract_post(
            **{
                "shares-0-broker": first.pk,
                "shares-0-share": "60",
                "shares-1-broker": second.pk,
                "shares-1-share": "30",
            }
        ),
    )
    assert response.status_code == 200
    assert "经纪人份额合计应为100%，当前为90%。" in response.content.decode()
    assert not TechContract.objects.exists()


def test_bad_amount_and_duplicate_number_are_shown_next_to_the_fields(client, center_staff):
    TechContractFactory(registration_number="2024441900000001")
    client.force_login(center_staff)
    response = client.post(reverse("brokers:contract_create"), contract_post(amount="三百万"))
    content = response.content.decode()
    assert "金额“三百万”无法识别" in content
    assert "具有 登记编号 的 技术合同 已存在。" in content or "已存在" in content
    assert TechContract.objects.count() == 1


@pytest.mark.parametrize("role", ["leader", "liaison", "broker", "enterprise", "evaluator"])
def test_only_staff_register_contracts(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("brokers:contract_create")).status_code == 403
    assert client.post(reverse("brokers:contract_create"), contract_post()).status_code == 403
    assert client.get(reverse("brokers:contract_import")).status_code == 403


def test_staff_edit_a_contract_and_its_shares(client, center_staff):
    first, second = BrokerFactory(), BrokerFactory()
    contract = TechContractFactory(brokers=[(first, 100)])
    client.force_login(center_staff)
    client.post(
        reverse("brokers:contract_update", args=[contract.pk]),
        contract_post(
            registration_number=contract.registration_number,
            amount="500",
            **{
                "shares-INITIAL_FORMS": "1",
                "shares-0-broker": second.pk,
                "shares-0-share": "100",
            },
        ),
    )
    contract.refresh_from_db()
    assert contract.amount == wan(500)
    assert [s.broker for s in contract.broker_shares.all()] == [second]
    assert contract.history.count() == 2


# --- Excel ---------------------------------------------------------------------------------------

HEADERS = [
    "合同名称",
    "合同类型",
    "登记编号",
    "登记日期",
    "合同成交额（万元）",
    "卖方（受托方）",
    "卖方所在镇街",
    "买方（委托方）",
    "买方所在镇街",
    "关联成果",
    "技术经纪人及份额",
]


def workbook(*rows, title_row=True) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if title_row:
        sheet.append(["2024年技术合同登记台账"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "合同.xlsx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


GOOD_ROW = (
    "谐波减速器专利实施许可",
    "技术许可",
    "2024441900000100",
    "2024年6月3日",
    "0.5亿",
    "东莞理工学院",
    "松山湖",
    "深圳某智能装备有限公司",
    "",
    "",
    "孙立新 60%、GDJS-W 40%",
)


def test_import_preview_lists_every_problem_by_row_and_column_and_saves_nothing(
    client, center_staff
):
    BrokerFactory(name="孙立新")
    BrokerFactory(name="王芳", certificate_number="GDJS-W")
    TechContractFactory(registration_number="2024441900000999")
    bad = (
        "合同B",
        "技术买卖",
        "2024441900000999",
        "2024-13-01",
        "-5",
        "卖方",
        "火星镇",
        "买方",
        "",
        "不存在的成果",
        "孙立新 50%、王芳 30%",
    )
    client.force_login(center_staff)
    response = client.post(reverse("brokers:contract_import"), {"file": workbook(GOOD_ROW, bad)})
    assert response.status_code == 200
    issues = {(i.row, i.column) for i in response.context["result"].issues}
    assert issues == {
        (4, "合同类型"),
        (4, "登记编号"),
        (4, "登记日期"),
        (4, "合同成交额（万元）"),
        (4, "卖方所在镇街"),
        (4, "关联成果"),
        (4, "技术经纪人及份额"),
    }
    content = response.content.decode()
    assert "登记编号“2024441900000999”已登记" in content
    assert "经纪人份额合计应为100%，当前为80%。" in content
    assert "确认导入" not in content
    assert TechContract.objects.count() == 1
    record = ContractImport.objects.get()
    with pytest.raises(ActionRefused, match="处问题，未导入任何数据"):
        services.contract_import_confirm(contract_import=record, acting_user=center_staff)
    assert TechContract.objects.count() == 1
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED


def test_import_confirm_saves_every_row_once(client, center_staff):
    sun = BrokerFactory(name="孙立新")
    wang = BrokerFactory(name="王芳", certificate_number="GDJS-W")
    achievement = service_achievement(title="谐波减速器")
    second = (
        "固态电池开发",
        "开发",
        "2024441900000101",
        "2024-07-01",
        "300",
        "华南理工大学",
        "",
        "东莞锂安新能源科技有限公司",
        "东莞松山湖高新技术产业开发区",
        "谐波减速器",
        "孙立新",
    )
    client.force_login(center_staff)
    preview = client.post(reverse("brokers:contract_import"), {"file": workbook(GOOD_ROW, second)})
    assert "全部 2 行检查通过" in preview.content.decode()
    record = ContractImport.objects.get()
    response = client.post(reverse("brokers:contract_import_confirm", args=[record.pk]))
    assert response.url == reverse("brokers:contract_list")
    first = TechContract.objects.get(registration_number="2024441900000100")
    assert (first.contract_type, first.amount, first.registered_on) == (
        ContractType.LICENSE,
        wan(5000),
        date(2024, 6, 3),
    )
    assert {(s.broker, s.share) for s in first.broker_shares.all()} == {
        (sun, Decimal(60)),
        (wang, Decimal(40)),
    }
    other = TechContract.objects.get(registration_number="2024441900000101")
    assert list(other.achievements.all()) == [achievement]
    assert other.broker_shares.get().share == 100
    assert other.buyer_division.short_name == "松山湖"
    # A second click imports nothing more.
    again = client.post(reverse("brokers:contract_import_confirm", args=[record.pk]))
    assert again.url == reverse("brokers:contract_import")
    assert TechContract.objects.count() == 2


def test_a_file_that_is_not_xlsx_is_refused_next_to_the_field(client, center_staff):
    client.force_login(center_staff)
    response = client.post(
        reverse("brokers:contract_import"),
        {"file": SimpleUploadedFile("合同.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert "文件不是 Excel（.xlsx）格式" in response.content.decode()
    assert not ContractImport.objects.exists()


def test_the_template_reimports_cleanly(client, center_staff):
    client.force_login(center_staff)
    response = client.get(reverse("brokers:contract_import_template"))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["合同名称", "合同类型", "登记编号"]
    upload = SimpleUploadedFile("模板.xlsx", content)
    preview = client.post(reverse("brokers:contract_import"), {"file": upload})
    assert not preview.context["result"].has_problems


def test_export_lists_the_filtered_contracts_in_wan(client, center_staff):
    broker = BrokerFactory(name="孙立新")
    TechContractFactory(title="甲合同", amount=wan(250), brokers=[(broker, 100)])
    TechContractFactory(title="乙合同", registered_on=date(2025, 1, 2))
    client.force_login(center_staff)
    response = client.get(reverse("brokers:contract_list"), {"year": 2024, "export": "xlsx"})
    rows = list(
        load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][:5] == ("登记编号", "合同名称", "合同类型", "登记日期", "合同成交额（万元）")
    assert len(rows) == 2
    assert rows[1][1] == "甲合同" and rows[1][4] == 250
    assert rows[1][8] == "孙立新 100%"


# --- The Dongguan-party selector (landing evidence) ----------------------------------------------


def test_contracts_with_a_dongguan_party_of_a_service_library_achievement():
    achievement = service_achievement()
    local = TechContractFactory(seller_division=division("441900401"))
    buyer_local = TechContractFactory(seller_division=None, buyer_division=division("441900119"))
    outside = TechContractFactory(seller_division=None, buyer_division=None)
    for contract in (local, buyer_local, outside):
        contract.achievements.add(achievement)
    assert list(selectors.achievement_dongguan_contracts(achievement)) == [local, buyer_local]
    assert not outside.has_dongguan_party
    discovery_only = AchievementFactory()
    local.achievements.add(discovery_only)
    assert list(selectors.achievement_dongguan_contracts(discovery_only)) == []
    assert list(selectors.achievement_dongguan_contracts(landed_achievement())) == []
