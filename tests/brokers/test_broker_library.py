"""The broker library: which certificates may enter, verification by staff, brokers' own view."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brokers import services
from brokers.choices import BrokerStatus
from brokers.exceptions import ActionRefused
from brokers.models import Broker, CertificateLevel, TrainingBase

from ..factories import industry
from .factories import PDF, BrokerFactory, TechContractFactory, TrainingBaseFactory, level, wan

pytestmark = pytest.mark.django_db


def pending(**kwargs):
    return BrokerFactory(status=BrokerStatus.PENDING, reviewed_by=None, reviewed_at=None, **kwargs)


def test_certificate_levels_are_the_data_of_policy_json():
    policy = json.loads((settings.REFERENCE_DIR / "policy.json").read_text(encoding="utf-8"))
    expected = [
        (lv["code"], lv["name"], lv["eligible_for_library"])
        for lv in policy["broker_certificates"]["levels"]
    ]
    loaded = list(CertificateLevel.objects.values_list("code", "name", "eligible_for_library"))
    assert loaded == expected
    assert TrainingBase.objects.get(recognised=True).name == "国家技术转移人才培养基地（广东）"


@pytest.mark.parametrize(
    ("code", "enters"), [("junior", False), ("intermediate", True), ("senior", True)]
)
def test_only_mid_and_senior_certificates_enter_the_library(center_staff, code, enters):
    broker = pending(certificate_level=level(code))
    if enters:
        services.broker_verify(broker=broker, acting_user=center_staff, note="原件已核对")
        broker.refresh_from_db()
        assert broker.status == BrokerStatus.IN_LIBRARY
        assert broker.reviewed_by == center_staff and broker.reviewed_at is not None
        [review] = broker.reviews.all()
        assert (review.from_status, review.to_status, review.actor, review.note) == (
            BrokerStatus.PENDING,
            BrokerStatus.IN_LIBRARY,
            center_staff,
            "原件已核对",
        )
    else:
        with pytest.raises(ActionRefused, match="初级技术经纪人证书不能入库"):
            services.broker_verify(broker=broker, acting_user=center_staff)
        broker.refresh_from_db()
        assert broker.status == BrokerStatus.PENDING


def test_certificates_from_an_unrecognised_base_do_not_enter(center_staff):
    base = TrainingBaseFactory(name="某培训班", recognised=False)
    broker = pending(training_base=base)
    with pytest.raises(ActionRefused, match="不是认可的培养基地"):
        services.broker_verify(broker=broker, acting_user=center_staff)
    # An admin recognises it as an equivalent base: now it may.
    base.recognised = True
    base.save()
    services.broker_verify(broker=broker, acting_user=center_staff)


def test_verification_needs_the_uploaded_certificate(center_staff):
    broker = pending(certificate_file=None)
    with pytest.raises(ActionRefused, match="尚未上传证书扫描件"):
        services.broker_verify(broker=broker, acting_user=center_staff)


def test_reject_needs_a_reason_and_is_logged(center_staff):
    broker = pending()
    with pytest.raises(ActionRefused, match="请填写未通过的原因"):
        services.broker_reject(broker=broker, acting_user=center_staff, note=" ")
    services.broker_reject(broker=broker, acting_user=center_staff, note="证书编号查无此证")
    broker.refresh_from_db()
    assert (broker.status, broker.review_note) == (BrokerStatus.REJECTED, "证书编号查无此证")
    with pytest.raises(ActionRefused):
        services.broker_verify(broker=broker, acting_user=center_staff)


def test_a_changed_certificate_is_verified_again(center_staff, broker):
    services.broker_update(
        broker=broker, acting_user=broker.user, certificate_number="GDJS-2025-9999"
    )
    broker.refresh_from_db()
    assert broker.status == BrokerStatus.PENDING
    assert broker.reviews.last().note == "证书信息变更，需重新核验"
    # Contact details alone do not.
    services.broker_verify(broker=broker, acting_user=center_staff)
    services.broker_update(broker=broker, acting_user=broker.user, phone="13900000000")
    broker.refresh_from_db()
    assert broker.status == BrokerStatus.IN_LIBRARY


def test_a_broker_applies_with_an_upload_and_staff_verify_it_in_the_browser(
    client, broker_user, center_staff
):
    client.force_login(broker_user)
    assert client.get(reverse("brokers:broker_me")).url == reverse("brokers:broker_create")
    response = client.post(
        reverse("brokers:broker_create"),
        {
            "name": "孙立新",
            "employer": "东莞市科技成果转化服务中心",
            "phone": "13800000000",
            "fields": [industry("S05").pk],
            "certificate_level": level("intermediate").pk,
            "training_base": TrainingBase.objects.get(recognised=True).pk,
            "certificate_number": "GDJS-2024-0001",
            "certificate_date": "2024-05-01",
            "certificate_file": SimpleUploadedFile("证书.pdf", PDF, "application/pdf"),
        },
    )
    broker = Broker.objects.get(certificate_number="GDJS-2024-0001")
    assert response.url == reverse("brokers:broker_detail", args=[broker.pk])
    assert (broker.user, broker.status, broker.created_by) == (
        broker_user,
        BrokerStatus.PENDING,
        broker_user,
    )
    assert client.get(reverse("brokers:broker_certificate", args=[broker.pk])).status_code == 200
    assert client.post(reverse("brokers:broker_verify", args=[broker.pk])).status_code == 403

    client.force_login(center_staff)
    page = client.get(reverse("brokers:broker_detail", args=[broker.pk])).content.decode()
    assert "核验通过，入库" in page
    client.post(reverse("brokers:broker_verify", args=[broker.pk]), {"note": "已核对原件"})
    broker.refresh_from_db()
    assert broker.status == BrokerStatus.IN_LIBRARY
    assert broker_user.notifications.get().kind == "broker_verified"


def test_a_fake_pdf_upload_is_refused_next_to_the_field(client, broker_user):
    client.force_login(broker_user)
    response = client.post(
        reverse("brokers:broker_create"),
        {
            "name": "孙立新",
            "employer": "单位",
            "certificate_level": level("senior").pk,
            "training_base": TrainingBase.objects.get(recognised=True).pk,
            "certificate_number": "X-1",
            "certificate_date": "2024-05-01",
            "certificate_file": SimpleUploadedFile("证书.pdf", b"MZ not a pdf", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "文件内容不是允许的类型" in response.content.decode()
    assert not Broker.objects.exists()


def test_a_broker_sees_their_profile_and_the_deals_credited_to_them(client, broker):
    other = BrokerFactory(name="王芳")
    mine = TechContractFactory(
        title="固态电池合同", amount=wan(400), brokers=[(broker, 60), (other, 40)]
    )
    TechContractFactory(title="别人的合同", brokers=[(other, 100)])
    client.force_login(broker.user)
    page = client.get(reverse("brokers:broker_me")).content.decode()
    assert "固态电池合同" in page and "别人的合同" not in page
    assert "60%" in page and "240万元" in page  # 2024: 400万 × 60 %
    home = client.get(reverse("quotas:home")).content.decode()
    assert "固态电池合同" in home
    # Contracts list: only their own; another broker's record and contract are 404.
    listing = client.get(reverse("brokers:contract_list")).content.decode()
    assert mine.registration_number in listing and "别人的合同" not in listing
    assert client.get(reverse("brokers:broker_detail", args=[other.pk])).status_code == 404
    other_contract = other.shares.exclude(contract=mine).get().contract
    assert (
        client.get(reverse("brokers:contract_detail", args=[other_contract.pk])).status_code == 404
    )
    assert client.get(reverse("brokers:broker_update", args=[other.pk])).status_code == 404


def test_leaders_read_brokers_without_personal_data(client, leader, broker):
    broker.phone = "13812345678"
    broker.save()
    client.force_login(leader)
    page = client.get(reverse("brokers:broker_detail", args=[broker.pk]))
    assert page.status_code == 200
    assert "13812345678" not in page.content.decode()
    assert client.get(reverse("brokers:broker_certificate", args=[broker.pk])).status_code == 403
    assert client.get(reverse("brokers:broker_update", args=[broker.pk])).status_code == 403


def test_staff_link_a_broker_user_when_registering(client, center_staff, broker_user):
    client.force_login(center_staff)
    client.post(
        reverse("brokers:broker_create"),
        {
            "user": broker_user.pk,
            "name": "孙立新",
            "employer": "单位",
            "certificate_level": level("senior").pk,
            "training_base": TrainingBase.objects.get(recognised=True).pk,
            "certificate_number": "S-1",
            "certificate_date": date(2024, 1, 1).isoformat(),
        },
    )
    assert Broker.objects.get(certificate_number="S-1").user == broker_user
