"""Long work as background jobs: a progress bar the owner can leave and come back to (/jobs/),
and a bell notification with the result's link when it is done.

An app describes its kinds of job in a hook module `<app>/jobs.py`: `JOBS = {kind: runner}`,
where `runner(job, report)` does the work, calls `report(done, total)` now and then, and
returns a `JobResult` (a file written to a path, or a link to a page the work made). Jobs are
started by `job_start` (queued through the outbox in the caller's transaction) and run by
`towns.tasks.task_run_job`, which claims the pending job first, so a redelivered message does
nothing twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.excel import WorkbookRejected
from kernel.hooks import portal_modules
from kernel.parsing import ParseError
from kernel.wording import clause_separator

from .models import BackgroundJob, JobStatus, User
from .outbox import outbox_enqueue

logger = logging.getLogger(__name__)


@dataclass
class JobResult:
    path: Path | None = None  # a file the runner wrote; stored with the job and then removed
    filename: str = ""  # the name the owner downloads it under
    url: str = ""  # or a page the work made (a report)


@cache
def job_runners() -> dict[str, Callable]:
    return {
        kind: run
        for module in portal_modules("jobs")
        for kind, run in getattr(module, "JOBS", {}).items()
    }


@transaction.atomic
def job_start(*, owner: User, kind: str, title: str, params: dict | None = None) -> BackgroundJob:
    """Record the job and queue it with the caller's transaction."""
    if kind not in job_runners():
        raise ValueError(f"unknown job kind {kind!r}")
    job = BackgroundJob.objects.create(owner=owner, kind=kind, title=title, params=params or {})
    from .tasks import task_run_job

    outbox_enqueue(task_run_job, job_id=job.pk)
    return job


def _reporter(job: BackgroundJob):
    last = {"percent": -1}

    def report(done: int, total: int) -> None:
        # Below 100 until the result is stored; written only when the whole percent moves.
        percent = min(99, int(done * 100 / total)) if total else 0
        if percent != last["percent"]:
            last["percent"] = percent
            BackgroundJob.objects.filter(pk=job.pk).update(progress=percent)

    return report


def _failure_text(job: BackgroundJob, error: Exception) -> str:
    """What the owner reads: a refusal's own words (a rejected sheet, a rule the data broke);
    for anything else — a bug, a database gone — a plain sentence, never the exception's text,
    which is in the log under the job's number."""
    if isinstance(error, ValidationError | WorkbookRejected | ParseError | PermissionDenied):
        text = clause_separator().join(getattr(error, "messages", None) or [str(error)])
        if text:
            return text
    return _("任务执行出错，未能完成。请稍后重试；如仍失败，请把任务编号 %(id)d 告知管理员。") % {
        "id": job.pk
    }


def job_run(job_id: int) -> BackgroundJob | None:
    """Run a pending job: claim it, run its kind's runner, store the result, tell the owner."""
    from .services import notification_send

    claimed = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return None
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    try:
        result = job_runners()[job.kind](job, _reporter(job))
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.error = _failure_text(job, error)[:2000]
        job.finished_at = timezone.now()
        if _finish(job, status=job.status, error=job.error, finished_at=job.finished_at):
            _tell_failed(job)
        return job
    if result.path is not None:
        with result.path.open("rb") as handle:
            job.result_file.save(result.filename, File(handle), save=False)
        result.path.unlink(missing_ok=True)
        job.result_name = result.filename
    job.result_url = result.url
    job.status = JobStatus.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    if not _finish(
        job,
        status=job.status,
        progress=job.progress,
        finished_at=job.finished_at,
        result_file=job.result_file.name or "",
        result_name=job.result_name,
        result_url=job.result_url,
    ):
        return job
    notification_send(
        recipients=[job.owner],
        kind="job_done",
        title=_("后台任务已完成：%(title)s") % {"title": job.title},
        body=job.result_name,
        url=job_result_url(job),
    )
    return job


def _finish(job: BackgroundJob, **fields) -> bool:
    """Store a job's end only while it is still running: a job the stall sweep failed meanwhile
    keeps that end, and its owner is not told a second, contrary one."""
    return bool(BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields))


def _tell_failed(job: BackgroundJob) -> None:
    from .services import notification_send

    notification_send(
        recipients=[job.owner],
        kind="job_failed",
        title=_("后台任务失败：%(title)s") % {"title": job.title},
        body=job.error,
        url=reverse("towns:job_detail", args=[job.pk]),
    )


def jobs_fail_stalled() -> int:
    """Jobs running longer than JOB_STALLED_AFTER_MINUTES (their worker died or was restarted)
    are marked failed with a message, and their owners are told; returns how many."""
    limit = settings.JOB_STALLED_AFTER_MINUTES
    now = timezone.now()
    stalled = BackgroundJob.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - timedelta(minutes=limit)
    ).select_related("owner")
    failed = 0
    for job in stalled:
        job.error = _(
            "任务运行超过%(minutes)d分钟仍未结束（处理进程可能已中断），已标记为失败，请重新发起。"
        ) % {"minutes": limit}
        # Only a job still running: one that finished meanwhile keeps its result.
        if BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, error=job.error, finished_at=now
        ):
            logger.warning("job %s (%s) stalled since %s: failed", job.pk, job.kind, job.started_at)
            _tell_failed(job)
            failed += 1
    return failed


def job_result_url(job: BackgroundJob) -> str:
    if job.result_file:
        return reverse("towns:job_download", args=[job.pk])
    return job.result_url or reverse("towns:job_detail", args=[job.pk])
