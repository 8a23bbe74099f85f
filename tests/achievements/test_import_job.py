"""A large Excel import is confirmed as a background job: the owner follows it and is told."""

import pytest
from django.urls import reverse

from achievements.models import Achievement, AchievementImport
from towns.models import BackgroundJob, Notification

from .factories import sheet_row, xlsx_upload

pytestmark = pytest.mark.django_db


def test_a_large_import_is_confirmed_as_a_job(
    client, liaison, monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("achievements.views.discovery.IMPORT_INLINE_MAX_ROWS", 1)
    client.force_login(liaison)
    rows = [sheet_row(成果名称=f"批量导入成果{n}") for n in range(3)]
    client.post(
        reverse("achievements:achievement_import"), {"file": xlsx_upload(rows), "submit": "1"}
    )
    batch = AchievementImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("towns:job_detail", args=[job.pk])
    assert (job.kind, job.status, job.progress) == ("achievement_import", "done", 100)
    assert Achievement.objects.filter(title__startswith="批量导入成果").count() == 3
    assert job.result_url == f"{reverse('achievements:achievement_list')}?status=submitted&sort=new"
    assert Notification.objects.get(recipient=liaison, kind="job_done").url == job.result_url

    # A second confirm of the same sheet fails as a job, saying why; nothing is imported twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    failed = BackgroundJob.objects.exclude(pk=job.pk).get()
    assert (failed.status, failed.error) == ("failed", "该文件已导入或已取消，请勿重复操作。")
    assert Achievement.objects.filter(title__startswith="批量导入成果").count() == 3
