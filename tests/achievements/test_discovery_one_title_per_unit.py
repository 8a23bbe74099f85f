"""A unit registers an achievement once: the database refuses a second live record of the same
unit under the same normalised title, and two sessions doing it at the same moment cannot both
succeed (the second is told why, in Chinese).

The tests in the second half run two requests at the same moment in two threads, each with its own
database connection; they need PostgreSQL (SQLite lets one writer in at a time and fails the other
with "database is locked" rather than making it wait).
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus, ImportStatus
from achievements.models import Achievement, AchievementImport
from towns.choices import Role

from ..factories import UserFactory, unit
from .factories import LibraryAchievementFactory, sheet_row, xlsx_bytes
from .test_discovery_api import URL, payload
from .test_discovery_workflow import form_data

TITLE = "硫化物固态电解质规模化制备技术"
ROWS = 300
LIST_AFTER_IMPORT = "/achievements/?status=submitted&sort=new"


# --- The constraint (SQLite and PostgreSQL) -----------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_record_of_a_unit_under_one_title():
    LibraryAchievementFactory(title=TITLE, discovering_unit=unit("dgut"))
    record = LibraryAchievementFactory.build(title=f"{TITLE}。", discovering_unit=unit("dgut"))
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()
    assert Achievement.objects.filter(title_normalized=TITLE).count() == 1


@pytest.mark.django_db
def test_the_rule_leaves_other_units_merged_deleted_legacy_and_untitled_records_alone(
    center_staff,
):
    kept = LibraryAchievementFactory(title=TITLE, discovering_unit=unit("dgut"))
    LibraryAchievementFactory(title=TITLE, discovering_unit=unit("kjj"))
    LibraryAchievementFactory(
        title=TITLE,
        discovering_unit=unit("dgut"),
        status=AchievementStatus.MERGED,
        merged_into=kept,
    )
    LibraryAchievementFactory(
        title=TITLE,
        discovering_unit=unit("dgut"),
        deleted_at=timezone.now(),
        deleted_by=center_staff,
    )
    LibraryAchievementFactory(title=TITLE, discovering_unit=unit("dgut"), legacy_duplicate=True)
    LibraryAchievementFactory(title="——", discovering_unit=unit("dgut"))
    LibraryAchievementFactory(title="……", discovering_unit=unit("dgut"))
    assert Achievement.all_objects.filter(discovering_unit=unit("dgut")).count() == 6


@pytest.mark.django_db
def test_registering_a_title_the_unit_has_is_refused_next_to_the_title(liaison_client, liaison):
    kept = LibraryAchievementFactory(title=TITLE, discovering_unit=liaison.unit)
    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(title=f" {TITLE}！", confirm_not_duplicate="on"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        f"本单位已登记同名成果（编号 {kept.pk}），请勿重复登记。"
    ]
    assert Achievement.objects.count() == 1


@pytest.mark.django_db
def test_renaming_to_a_title_the_unit_has_is_refused(liaison_client, liaison):
    kept = LibraryAchievementFactory(title=TITLE, discovering_unit=liaison.unit)
    draft = LibraryAchievementFactory(
        title="钠离子电池正极材料",
        discovering_unit=liaison.unit,
        liaison=liaison,
        status=AchievementStatus.DRAFT,
    )
    response = liaison_client.patch(
        f"{URL}{draft.pk}/", {"title": TITLE}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["title"] == [f"本单位已登记同名成果（编号 {kept.pk}），请勿重复登记。"]
    draft.refresh_from_db()
    assert draft.title == "钠离子电池正极材料"


@pytest.mark.django_db
def test_a_legacy_duplicate_stays_editable_until_it_is_renamed(client, center_staff):
    LibraryAchievementFactory(title=TITLE, discovering_unit=unit("dgut"))
    legacy = LibraryAchievementFactory(
        title=TITLE, discovering_unit=unit("dgut"), legacy_duplicate=True
    )
    client.force_login(center_staff)
    url = f"{URL}{legacy.pk}/"
    for change in ({"summary": "补充了中试数据。"}, {"title": f"{TITLE}！"}):
        assert client.patch(url, change, content_type="application/json").status_code == 200
    legacy.refresh_from_db()
    assert (legacy.title, legacy.legacy_duplicate) == (f"{TITLE}！", True)
    response = client.patch(url, {"title": "钠离子电池正极材料"}, content_type="application/json")
    assert response.status_code == 200
    legacy.refresh_from_db()
    assert legacy.legacy_duplicate is False


@pytest.mark.django_db
def test_restoring_a_deleted_record_whose_title_was_registered_again_is_refused(
    client, center_staff, liaison
):
    deleted = LibraryAchievementFactory(title=TITLE, discovering_unit=liaison.unit)
    client.force_login(center_staff)
    client.post(
        reverse("achievements:achievement_delete", args=[deleted.pk]), {"reason": "误删测试"}
    )
    again = LibraryAchievementFactory(title=TITLE, discovering_unit=liaison.unit)
    response = client.post(
        reverse("achievements:achievement_restore", args=[deleted.pk]), follow=True
    )
    assert (
        f"本单位已有同名成果（编号 {again.pk}），恢复后将重复登记；请先处理那条成果。"
        in response.content.decode()
    )
    assert Achievement.all_objects.get(pk=deleted.pk).deleted_at is not None


@pytest.mark.django_db
def test_a_preview_overtaken_by_another_import_imports_nothing_and_shows_why(liaison):
    """Two liaisons of one unit upload the same sheet; the first confirms; the second's confirm
    finds every row registered, imports nothing, and its preview lists the rows and why."""
    first, second = clients_of_unit(liaison.unit, 2)
    sheet = sheet_bytes(3)
    batches = [preview(c, sheet) for c in (first, second)]
    assert [b.valid_count for b in batches] == [3, 3]

    assert confirm(first, batches[0])["Location"] == LIST_AFTER_IMPORT
    response = confirm(second, batches[1])
    page = second.get(response["Location"]).content.decode()
    assert (
        "确认前发现文件中有 3 项成果本单位已经登记（可能是其他人刚刚导入了同一文件），"
        "本次未导入任何成果。预览已按最新情况更新，请核对问题清单后再确认。" in page
    )
    batch = AchievementImport.objects.get(pk=batches[1].pk)
    assert (batch.status, batch.valid_count, batch.issue_count) == (ImportStatus.PREVIEWED, 0, 3)
    own = dict(Achievement.objects.values_list("title", "pk"))
    assert batch.issues[0] == [
        2,
        "成果名称",
        f"本单位已登记同名成果（编号 {own[row_title(0)]}），本行不再导入",
    ]
    assert Achievement.objects.count() == 3


@pytest.mark.django_db
def test_a_preview_is_confirmed_once(liaison_client, liaison):
    batch = preview(liaison_client, sheet_bytes(2))
    confirm(liaison_client, batch)
    response = confirm(liaison_client, batch)
    assert (
        "该文件已导入或已取消，请勿重复操作。"
        in liaison_client.get(response["Location"]).content.decode()
    )
    assert Achievement.objects.count() == 2
    assert AchievementImport.objects.get().imported_count == 2


# --- Helpers ------------------------------------------------------------------------------------


def row_title(n: int) -> str:
    return f"第{n:03d}号高导热氮化铝陶瓷基板制备技术"


def sheet_bytes(rows: int) -> bytes:
    return xlsx_bytes([sheet_row(成果名称=row_title(n)) for n in range(rows)])


def clients_of_unit(unit_, count: int) -> list[Client]:
    clients = []
    for n in range(count):
        client = Client()
        client.force_login(
            UserFactory(role=Role.LIAISON, unit=unit_, username=f"liaison_same_unit_{n}")
        )
        clients.append(client)
    return clients


def preview(client, sheet: bytes) -> AchievementImport:
    response = client.post(
        reverse("achievements:achievement_import"),
        {"file": SimpleUploadedFile("成果登记表.xlsx", sheet), "submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return AchievementImport.objects.latest("pk")


def confirm(client, batch):
    response = client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    return response


def at_the_same_moment(*calls):
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return results


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two writers at the same moment need PostgreSQL (SQLite refuses the second writer)",
)


# --- At the same moment (PostgreSQL) ------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sessions_confirming_the_same_sheet_at_the_same_moment_import_it_once():
    first, second = clients_of_unit(unit("dgut"), 2)
    sheet = sheet_bytes(ROWS)
    batches = [preview(c, sheet) for c in (first, second)]
    assert [b.valid_count for b in batches] == [ROWS, ROWS]

    responses = at_the_same_moment(
        lambda: first.post(
            reverse("achievements:achievement_import_confirm", args=[batches[0].pk])
        ),
        lambda: second.post(
            reverse("achievements:achievement_import_confirm", args=[batches[1].pk])
        ),
    )

    assert Achievement.objects.count() == ROWS
    assert Achievement.objects.values("title_normalized").distinct().count() == ROWS
    imported = [r["Location"] == LIST_AFTER_IMPORT for r in responses]
    assert sorted(imported) == [False, True]
    loser = [first, second][imported.index(False)]
    lost = [batches[0], batches[1]][imported.index(False)]
    page = loser.get(
        reverse("achievements:achievement_import_preview", args=[lost.pk])
    ).content.decode()
    assert f"确认前发现文件中有 {ROWS} 项成果本单位已经登记" in page
    lost.refresh_from_db()
    assert (lost.status, lost.valid_count, lost.issue_count) == (ImportStatus.PREVIEWED, 0, ROWS)
    assert AchievementImport.objects.filter(status=ImportStatus.IMPORTED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_preview_confirmed_twice_at_the_same_moment_imports_once():
    (client,) = clients_of_unit(unit("dgut"), 1)
    batch = preview(client, sheet_bytes(50))
    # The same user in a second session (each keeps its own messages).
    other = Client()
    other.force_login(batch.uploaded_by)
    url = reverse("achievements:achievement_import_confirm", args=[batch.pk])
    responses = at_the_same_moment(lambda: client.post(url), lambda: other.post(url))
    assert Achievement.objects.count() == 50
    locations = [r["Location"] for r in responses]
    assert sorted(locations) == sorted(
        [reverse("achievements:achievement_import_preview", args=[batch.pk]), LIST_AFTER_IMPORT]
    )
    loser = [client, other][
        locations.index(reverse("achievements:achievement_import_preview", args=[batch.pk]))
    ]
    page = loser.get(
        reverse("achievements:achievement_import_preview", args=[batch.pk])
    ).content.decode()
    assert "该文件已导入或已取消，请勿重复操作。" in page
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == (ImportStatus.IMPORTED, 50)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_title_at_the_same_moment_save_one_record():
    first, second = clients_of_unit(unit("dgut"), 2)
    data = form_data(title=TITLE, confirm_not_duplicate="on")
    responses = at_the_same_moment(
        lambda: first.post(reverse("achievements:achievement_create"), data),
        lambda: second.post(reverse("achievements:achievement_create"), data),
    )
    assert sorted(r.status_code for r in responses) == [200, 302]
    saved = Achievement.objects.get()
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert f"本单位已登记同名成果（编号 {saved.pk}），请勿重复登记。" in refused
    assert 'id="id_title"' in refused and "is-invalid" in refused


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_api_registrations_of_one_title_at_the_same_moment_save_one_record():
    first, second = clients_of_unit(unit("dgut"), 2)
    body = payload(title=TITLE)
    responses = at_the_same_moment(
        lambda: first.post(URL, body, content_type="application/json"),
        lambda: second.post(URL, body, content_type="application/json"),
    )
    assert sorted(r.status_code for r in responses) == [201, 400]
    saved = Achievement.objects.get()
    refused = next(r for r in responses if r.status_code == 400)
    assert refused.json() == {"title": [f"本单位已登记同名成果（编号 {saved.pk}），请勿重复登记。"]}
