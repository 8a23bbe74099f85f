"""The dashboard's city figures only count records: editing a record's text leaves them (no
recount of the library), and every write that could change a count shows at once."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from achievements.services.core import normalize_title
from achievements.services.discovery import achievement_update

from ..factories import AchievementFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


def dashboard(client) -> tuple[str, bool]:
    """The page, and whether the city figures were counted again to render it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("quotas:dashboard"), {"year": YEAR})
    assert response.status_code == 200
    # The funnel's one pass over the library names its stages.
    recounted = any('AS "evaluated"' in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), recounted


@pytest.fixture
def record(client, leader, center_staff):
    title = "高导热石墨烯散热膜"
    record = AchievementFactory(
        title=title, title_normalized=normalize_title(title), discovered_on=date(YEAR, 5, 1)
    )
    client.force_login(leader)
    client.get(reverse("quotas:dashboard"), {"year": YEAR})
    assert dashboard(client)[1] is False
    return record


def test_editing_a_records_text_keeps_the_counted_figures(client, record, center_staff):
    achievement_update(record, acting_user=center_staff, data={"summary": "摘要改写，不改任何数字"})
    Achievement.objects.filter(pk=record.pk).update(notes="批量写入的备注")
    _page, recounted = dashboard(client)
    assert recounted is False


@pytest.mark.parametrize(
    "write",
    [
        lambda r: AchievementFactory(discovered_on=date(YEAR, 6, 1)),
        lambda r: Achievement.objects.filter(pk=r.pk).update(status=AchievementStatus.DRAFT),
        lambda r: Achievement.objects.filter(pk=r.pk).update(
            summary="改写", discovered_on=date(YEAR - 1, 1, 1)
        ),
        lambda r: Achievement.objects.filter(pk=r.pk).delete(),
    ],
    ids=["new record", "status", "text and a date together", "delete"],
)
def test_any_write_that_could_change_a_count_recounts(client, record, write):
    write(record)
    _page, recounted = dashboard(client)
    assert recounted is True


def test_a_text_edit_by_the_service_writes_only_what_changed(record, center_staff):
    with CaptureQueriesContext(connection) as queries:
        achievement_update(record, acting_user=center_staff, data={"summary": "只改摘要"})
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    written = [sql for sql in updates if '"achievements_achievement"' in sql.split("SET")[0]]
    assert written and all('"status"' not in sql.split("WHERE")[0] for sql in written)
    record.refresh_from_db()
    assert record.summary == "只改摘要" and record.title_normalized
