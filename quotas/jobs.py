"""The quotas app's background jobs (towns.jobs): a report on demand over a long period."""

from datetime import date

from django.urls import reverse

from towns.jobs import JobResult

from .choices import ReportKind
from .services import report_generate


def run_period_report(job, report) -> JobResult:
    made = report_generate(
        kind=ReportKind.CUSTOM,
        start=date.fromisoformat(job.params["start"]),
        end=date.fromisoformat(job.params["end"]),
        acting_user=job.owner,
        progress=report,
    )
    return JobResult(url=reverse("quotas:report_detail", args=[made.pk]))


JOBS = {"period_report": run_period_report}
