"""Long work in the browser: the export starts as a background job, the page's progress bar is
polled by htmx until the job is done, the result's link appears and the bell says so."""

import pytest

from towns.choices import Role
from towns.tasks import task_run_job

from ..factories import AchievementFactory, BackgroundJobFactory, UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_the_progress_bar_follows_the_job_and_the_result_can_be_fetched(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen_center")
    for n in range(3):
        AchievementFactory(status="submitted", title=f"导出测试成果{n}")
    login(page, "chen_center")

    # A job still waiting: the bar shows it and keeps asking.
    job = BackgroundJobFactory(owner=staff, kind="achievement_export", title="排队的导出")
    page.goto(f"/jobs/{job.pk}/")
    bar = page.get_by_test_id("job-progress")
    assert bar.get_attribute("data-status") == "pending"
    assert "0%" in bar.inner_text()
    # The worker runs it: the bar reaches 100% and the link appears, without reloading.
    task_run_job(job_id=job.pk)
    page.get_by_test_id("job-result").wait_for()
    assert page.get_by_test_id("job-progress").get_attribute("data-status") == "done"
    assert "100%" in page.get_by_test_id("job-progress").inner_text()
    screenshot(page, "job-progress-done")
    with page.expect_download() as download:
        page.get_by_test_id("job-result").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # From the list page: the export starts as a job; the owner lands on its page and the
    # bell counts the notification; "my jobs" lists both.
    page.goto("/achievements/?status=submitted")
    page.get_by_test_id("export-job").get_by_role("button").click()
    page.wait_for_url("**/jobs/*/")
    page.get_by_test_id("job-result").wait_for()
    page.goto("/jobs/")
    assert page.get_by_test_id("job-table").locator("tbody tr").count() == 2
    page.goto("/notifications/")
    assert page.get_by_text("后台任务已完成：科技成果发现库导出").is_visible()
    assert page.js_errors == []
