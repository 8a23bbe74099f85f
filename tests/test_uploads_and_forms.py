from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from achievements.choices import AchievementStatus
from achievements.models import AchievementAttachment
from kernel.uploads import DocumentField, validate_document
from towns.forms import MoneyField

from .achievements.factories import LibraryAchievementFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("b.png", PNG, "png"),
        ("c.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 32, "jpeg"),
    ],
)
def test_documents_are_recognised_by_content(name, content, kind):
    assert validate_document(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("renamed.pdf", b"MZ\x90\x00 this is an exe", "不是允许的类型"),
        ("page.pdf", b"<html><script>alert(1)</script>", "不是允许的类型"),
        ("empty.pdf", b"", "文件是空的"),
    ],
)
def test_documents_are_refused_by_content_not_name(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_document(SimpleUploadedFile(name, content))


def test_oversized_document_is_refused():
    with pytest.raises(ValidationError, match="超过 1 MB"):
        validate_document(SimpleUploadedFile("big.pdf", PDF + b"0" * 2**20), max_bytes=2**20)


class AmountForm(forms.Form):
    amount = MoneyField(label="预期综合经济贡献", required=False)
    letter = DocumentField(label="推荐函", required=False)


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [("500", "5000000"), ("0.5亿", "50000000"), ("5,000,000元", "5000000"), ("", None)],
)
def test_money_field_reads_what_officials_type(typed, yuan):
    form = AmountForm(data={"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == (Decimal(yuan) if yuan else None)


def test_money_field_shows_wan_and_explains_errors():
    assert AmountForm(initial={"amount": Decimal("100000000")})["amount"].value() == "10000"
    form = AmountForm(data={"amount": "很多"})
    assert not form.is_valid()
    assert "无法识别" in form.errors["amount"][0]
    html = str(form["amount"].as_field_group())
    assert "is-invalid" in html and "invalid-feedback" in html


def test_document_field_refuses_a_renamed_file():
    form = AmountForm(data={}, files={"letter": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert not form.is_valid()
    assert "不是允许的类型" in form.errors["letter"][0]


# --- Stored extension and early size refusal (issue 16: 10, 11) -----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "stored_as", "suffix"),
    [
        ("报告.html", PDF, "报告.pdf", ".pdf"),
        ("照片.svg", PNG, "照片.png", ".png"),
        ("扫描件.JPG", JPEG, "扫描件.JPG", ".jpg"),
        ("无扩展名", PDF, "无扩展名.pdf", ".pdf"),
    ],
)
def test_an_upload_is_stored_under_the_extension_of_what_it_is(
    client, liaison, settings, tmp_path, name, content, stored_as, suffix
):
    settings.MEDIA_ROOT = tmp_path
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    client.force_login(liaison)
    response = client.post(
        reverse("achievements:achievement_attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "检测报告"},
    )
    assert response.status_code == 302
    attachment = AchievementAttachment.objects.get()
    assert attachment.original_name == stored_as
    assert attachment.file.name.endswith(suffix)


@pytest.mark.django_db
def test_a_large_upload_is_refused_from_its_size_before_it_is_read(client, liaison):
    """The body announced is 50 MB and never sent: the test client's input would fail any read."""
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    client.force_login(liaison)
    response = client.generic(
        "POST",
        reverse("achievements:achievement_attachment_upload", args=[record.pk]),
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 2**20),
    )
    assert response.status_code == 413
    assert response.content.decode() == (
        "提交的内容过大（上限 21 MB），已拒绝。请压缩或拆分文件后重新上传。"
    )
    api = client.generic(
        "POST",
        "/api/v1/achievements/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(3 * 2**20),
    )
    assert (api.status_code, api.json()) == (
        413,
        {"detail": "提交的内容过大（上限 2 MB），已拒绝。请压缩或拆分文件后重新上传。"},
    )
    assert not AchievementAttachment.objects.exists()
