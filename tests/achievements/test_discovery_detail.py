"""The detail page: its cards, and attachments served only through a permission-checked view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements.choices import AchievementStatus
from achievements.models import AchievementAttachment
from achievements.views.cards import (
    DetailCard,
    register_card,
    registered_cards,
    unregister_card,
)

from .factories import PDF, PNG, LibraryAchievementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_detail_page_is_a_set_of_cards(liaison_client, liaison):
    record = LibraryAchievementFactory(
        status=AchievementStatus.SUBMITTED,
        ip_types=["invention_patent", "software_copyright"],
        cooperation_modes=["license"],
        expected_contribution=150_000_000,
    )
    content = liaison_client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    for card in (
        "status",
        "contact",
        "credits",
        "overview",
        "attachments",
        "transitions",
        "history",
    ):
        assert f'data-testid="card-{card}"' in content
    assert 'data-testid="card-duplicates"' not in content  # staff only
    assert "发明专利" in content and "软件著作权" in content and "许可" in content
    assert "1.5亿元" in content
    assert "TRL 5 · 小试" in content


@pytest.fixture
def extra_card():
    """A card another part of the life would add (an evaluation result, say)."""
    card = register_card(
        DetailCard(
            "test-extra",
            "includes/empty.html",
            50,
            context=lambda request, a: {"title": f"评价结果：{a.title}", "icon": "award"},
        )
    )
    yield card
    unregister_card(card.name)


def test_other_parts_of_the_life_can_add_a_card(liaison_client, extra_card):
    record = LibraryAchievementFactory(title="插卡测试")
    content = liaison_client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "评价结果：插卡测试" in content
    # Ordered by `order`: before the overview card (100).
    assert content.index("评价结果：插卡测试") < content.index('data-testid="card-overview"')
    assert extra_card in registered_cards()


def upload(client, record, name, content, **extra):
    return client.post(
        reverse("achievements:achievement_attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "检测报告", **extra},
    )


def test_liaison_attaches_a_pdf_and_an_image_to_a_draft(liaison_client, liaison):
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    assert upload(liaison_client, record, "检测报告.pdf", PDF).status_code == 302
    assert upload(liaison_client, record, "样品.png", PNG).status_code == 302
    files = list(AchievementAttachment.objects.order_by("pk"))
    assert [(f.original_name, f.kind, f.size) for f in files] == [
        ("检测报告.pdf", "pdf", len(PDF)),
        ("样品.png", "png", len(PNG)),
    ]
    assert files[0].uploaded_by == liaison
    assert "检测报告" not in files[0].file.name  # stored under a random name
    content = liaison_client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "检测报告.pdf" in content and "样品.png" in content

    response = liaison_client.get(
        reverse("achievements:achievement_attachment_download", args=[files[0].pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00 an exe renamed", "文件内容不是允许的类型（PDF、PNG、JPEG）"),
        ("page.pdf", b"<html><script>alert(1)</script>", "文件内容不是允许的类型"),
        ("empty.pdf", b"", "提交的是空文件。"),
        ("huge.pdf", PDF + b"0" * (20 * 2**20), "超过 20 MB 的上限"),
    ],
)
def test_wrong_or_oversized_files_are_refused_beside_the_field(
    liaison_client, name, content, message
):
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    response = upload(liaison_client, record, name, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "invalid-feedback" in page
    assert AchievementAttachment.objects.count() == 0


def test_attachments_follow_the_record_permissions(client, liaison, other_liaison, leader):
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    client.force_login(liaison)
    upload(client, record, "a.pdf", PDF)
    attachment = AchievementAttachment.objects.get()
    url = reverse("achievements:achievement_attachment_download", args=[attachment.pk])

    client.force_login(other_liaison)
    assert client.get(url).status_code == 404
    client.force_login(leader)  # leaders do not see drafts
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_attachments_are_frozen_with_the_record_after_submission(client, liaison, center_staff):
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    client.force_login(liaison)
    upload(client, record, "a.pdf", PDF)
    attachment = AchievementAttachment.objects.get()
    record.status = AchievementStatus.SUBMITTED
    record.save()

    assert upload(client, record, "b.pdf", PDF).status_code == 403
    delete = reverse("achievements:achievement_attachment_delete", args=[attachment.pk])
    assert client.post(delete).status_code == 403

    client.force_login(center_staff)
    assert client.post(delete).status_code == 302
    assert AchievementAttachment.objects.count() == 0
