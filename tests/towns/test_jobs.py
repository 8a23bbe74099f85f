"""Long work as background jobs (Celery, eager here): a job record with status, progress,
result file and owner; the progress bar polled by htmx; a bell notification with the link."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from towns.models import BackgroundJob, Notification

from ..factories import AchievementFactory, BackgroundJobFactory

pytestmark = pytest.mark.django_db


def test_a_large_export_runs_as_a_job_and_the_owner_gets_the_file(
    client,
    liaison,
    other_liaison,
    center_staff,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    for n in range(7):
        AchievementFactory(
            discovering_unit=liaison.unit, status="submitted", title=f"本单位成果{n}"
        )
    AchievementFactory(discovering_unit=liaison.unit, status="draft", title="本单位草稿")
    AchievementFactory(discovering_unit=other_liaison.unit, status="submitted", title="外单位成果")
    client.force_login(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("achievements:achievement_export_job"), {"query": "status=submitted&page=3"}
        )
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "towns:job_detail", args=[job.pk]
    )
    assert (job.owner, job.status, job.progress, job.params) == (
        liaison,
        "done",
        100,
        {"query": "status=submitted"},
    )
    # The bell says it is done, with the result's link.
    bell = Notification.objects.get(recipient=liaison, kind="job_done")
    assert bell.url == reverse("towns:job_download", args=[job.pk])

    page = client.get(reverse("towns:job_detail", args=[job.pk])).content.decode()
    assert (
        'data-status="done"' in page
        and "hx-trigger" not in page.split('data-testid="job-progress"')[1].split(">")[0]
    )
    assert "100%" in page and reverse("towns:job_download", args=[job.pk]) in page
    listing = client.get(reverse("towns:job_list")).content.decode()
    assert "科技成果发现库导出" in listing

    download = client.get(reverse("towns:job_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    # The owner's scope and filters: the unit's submitted records only.
    assert titles == [f"本单位成果{n}" for n in range(7)]

    # Nobody else sees or downloads it.
    client.force_login(center_staff)
    assert client.get(reverse("towns:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("towns:job_download", args=[job.pk])).status_code == 404


def test_the_bar_polls_while_the_job_runs_and_a_redelivered_message_does_nothing(
    client, center_staff, settings, tmp_path
):
    from towns.jobs import job_start
    from towns.tasks import task_run_job

    settings.MEDIA_ROOT = tmp_path
    AchievementFactory(status="submitted")
    job = job_start(owner=center_staff, kind="achievement_export", title="导出")  # not committed
    client.force_login(center_staff)
    poll = client.get(reverse("towns:job_detail", args=[job.pk]), {"poll": "1"}).content.decode()
    assert 'hx-trigger="every 1s"' in poll and 'data-status="pending"' in poll
    assert "<html" not in poll
    assert task_run_job(job_id=job.pk) == "done"
    assert task_run_job(job_id=job.pk) == "skipped"
    assert Notification.objects.filter(recipient=center_staff, kind="job_done").count() == 1
    poll = client.get(reverse("towns:job_detail", args=[job.pk]), {"poll": "1"}).content.decode()
    assert 'data-status="done"' in poll and "hx-trigger" not in poll


def test_a_failing_job_says_why(center_staff, monkeypatch):
    from django.core.exceptions import ValidationError

    from towns import jobs
    from towns.tasks import task_run_job

    def refused(job, report):
        report(1, 2)
        raise ValidationError("数据源不可用")

    monkeypatch.setitem(jobs.job_runners(), "broken", refused)
    job = jobs.job_start(owner=center_staff, kind="broken", title="坏任务")
    assert task_run_job(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("failed", 50, "数据源不可用")
    assert (
        Notification.objects.get(recipient=center_staff, kind="job_failed").title
        == "后台任务失败：坏任务"
    )


def test_my_jobs_list_has_a_constant_query_count(
    client, center_staff, django_assert_max_num_queries
):
    client.force_login(center_staff)
    BackgroundJobFactory(owner=center_staff, kind="achievement_export", title="一")
    client.get(reverse("towns:job_list"))
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("towns:job_list"))
    for n in range(10):
        BackgroundJobFactory(owner=center_staff, kind="achievement_export", title=f"任务{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("towns:job_list")).status_code == 200


def test_a_whole_year_report_runs_as_a_job_and_links_to_the_report(
    client, leader, django_capture_on_commit_callbacks, settings, tmp_path
):
    from quotas.models import Report

    settings.MEDIA_ROOT = tmp_path
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("quotas:report_list"), {"start": "2024-01-01", "end": "2024-12-31"}
        )
    job = BackgroundJob.objects.get(owner=leader)
    assert response["Location"] == reverse("towns:job_detail", args=[job.pk])
    report = Report.objects.get()
    assert (job.kind, job.status, job.progress) == ("period_report", "done", 100)
    assert job.title == "专项报告（2024-01-01至2024-12-31）"
    assert job.result_url == reverse("quotas:report_detail", args=[report.pk])
    assert Notification.objects.get(recipient=leader, kind="job_done").url == job.result_url
    page = client.get(reverse("towns:job_detail", args=[job.pk])).content.decode()
    assert f'href="{job.result_url}"' in page and "查看结果" in page


def test_a_job_whose_worker_died_is_failed_by_the_periodic_sweep(client, center_staff, settings):
    """Running past JOB_STALLED_AFTER_MINUTES: failed with a message, the owner told; a job
    still within the limit is left running."""
    from datetime import timedelta

    from django.utils import timezone

    from towns.tasks import task_fail_stalled_jobs

    assert (
        settings.CELERY_BEAT_SCHEDULE["towns-fail-stalled-jobs"]["task"]
        == "towns.tasks.task_fail_stalled_jobs"
    )
    settings.JOB_STALLED_AFTER_MINUTES = 30
    now = timezone.now()
    dead = BackgroundJobFactory(
        owner=center_staff,
        kind="achievement_export",
        title="中断的导出",
        status="running",
        progress=40,
        started_at=now - timedelta(minutes=31),
    )
    alive = BackgroundJobFactory(
        owner=center_staff,
        kind="achievement_export",
        title="正在导出",
        status="running",
        started_at=now - timedelta(minutes=29),
    )
    assert task_fail_stalled_jobs() == 1
    assert task_fail_stalled_jobs() == 0  # once only
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running")
    assert dead.finished_at is not None and "30分钟" in dead.error
    bell = Notification.objects.get(recipient=center_staff, kind="job_failed")
    assert bell.title == "后台任务失败：中断的导出"
    assert bell.url == reverse("towns:job_detail", args=[dead.pk])
    client.force_login(center_staff)
    english = client.get(
        reverse("towns:job_detail", args=[dead.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-status="failed"' in english


def test_a_job_that_crashes_shows_a_plain_sentence_not_the_exception(
    client, center_staff, monkeypatch
):
    from towns import jobs
    from towns.tasks import task_run_job

    def crashing(job, report):
        raise KeyError("column_xyz")  # a bug: its text means nothing to the owner

    monkeypatch.setitem(jobs.job_runners(), "crashing", crashing)
    job = jobs.job_start(owner=center_staff, kind="crashing", title="导出")
    assert task_run_job(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "column_xyz" not in job.error and f"任务编号 {job.pk}" in job.error
    client.force_login(center_staff)
    page = client.get(reverse("towns:job_detail", args=[job.pk])).content.decode()
    assert "column_xyz" not in page and "未能完成" in page
    told = Notification.objects.get(recipient=center_staff, kind="job_failed")
    assert "column_xyz" not in told.body
