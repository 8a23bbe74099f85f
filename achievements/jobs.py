"""The achievements app's background jobs (towns.jobs): the discovery library's Excel export of
any size, with the list page's filters, sort and the owner's scope."""

import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.http import QueryDict
from django.urls import reverse

from kernel.excel import SheetSpec, write_workbook
from towns.jobs import JobResult

PROGRESS_EVERY_ROWS = 500


def _counted(rows, total: int, report):
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY_ROWS == 0:
            report(done, total)
        yield row


def run_achievement_export(job, report) -> JobResult:
    """The rows the owner's list page shows for the filters they had (the same view code, so
    the same scope, filters and order), written as the page's export would write them."""
    from .views.discovery import AchievementListView

    view = AchievementListView()
    view.setup(SimpleNamespace(user=job.owner, GET=QueryDict(job.params.get("query", ""))))
    queryset = view.get_queryset()
    total = queryset.count()
    sheet = view.export_sheet(queryset)
    counted = SheetSpec(
        title=sheet.title,
        headers=sheet.headers,
        rows=_counted(sheet.rows, total, report),
        widths=sheet.widths,
        totals=sheet.totals,
    )
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    with handle:
        write_workbook([counted], handle)
    return JobResult(path=Path(handle.name), filename=AchievementListView.export_filename)


def run_achievement_import(job, report) -> JobResult:
    """Confirm a previewed sheet of many rows (the same service as a small one's confirm)."""
    from .choices import AchievementStatus
    from .models import AchievementImport
    from .services.discovery import achievement_import_confirm

    batch = AchievementImport.objects.get(pk=job.params["import_id"])
    report(0, 1)
    achievement_import_confirm(batch, acting_user=job.owner)
    status = AchievementStatus.SUBMITTED if batch.submit else AchievementStatus.DRAFT
    return JobResult(url=f"{reverse('achievements:achievement_list')}?status={status}&sort=new")


JOBS = {
    "achievement_export": run_achievement_export,
    "achievement_import": run_achievement_import,
}
