"""The page cache (kernel/pagecache.py): a page is rendered once per reader and served again, byte
for byte, until anything it could show changes."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus, MatchStatus
from achievements.models import Achievement, Match

from ..achievements.demands.factories import DemandFactory, MatchFactory
from ..factories import AchievementFactory, NotificationFactory, api_token

pytestmark = pytest.mark.django_db


def page_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def visit(client, url) -> None:
    """A browser's first page sets its CSRF cookie; the page cache keeps pages from the next on."""
    client.get(url)


def reads_achievements(queries) -> bool:
    return any('FROM "achievements_achievement"' in sql for sql in queries)


@pytest.fixture
def kept(client, center_staff, record):
    """The address of `record`'s page, staff signed in, a copy of the page kept."""
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[record.pk])
    visit(client, url)
    client.get(url)
    return url


@pytest.fixture
def record(liaison):
    return AchievementFactory(
        discovering_unit=liaison.unit,
        title="高导热石墨烯散热膜",
        status=AchievementStatus.SUBMITTED,
    )


def test_a_page_is_served_again_without_reading_the_data(client, center_staff, record):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[record.pk])
    visit(client, url)
    first, computed = page_queries(client, url)
    again, served = page_queries(client, url)
    assert again.content == first.content
    assert reads_achievements(computed) and not reads_achievements(served)
    # No query but the session's (none with Redis sessions): the user is not even read.
    assert all("django_session" in sql for sql in served)
    # The security headers are the middleware's, on the served copy too.
    assert again["Content-Security-Policy"] and again["X-Frame-Options"] == "DENY"


def test_any_write_shows_at_once(client, center_staff, record):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[record.pk])
    client.get(url)
    # A bulk update sends no signal; the connection still sees it.
    Achievement.objects.filter(pk=record.pk).update(title="柔性石墨烯散热膜")
    assert "柔性石墨烯散热膜" in client.get(url).content.decode()

    lists = reverse("achievements:achievement_list")
    assert "柔性石墨烯散热膜" in client.get(lists).content.decode()
    AchievementFactory(title="新登记的钠离子电池成果")
    assert "新登记的钠离子电池成果" in client.get(lists).content.decode()


def test_each_reader_has_their_own_copy(client, center_staff, liaison, other_liaison, record):
    url = reverse("achievements:achievement_detail", args=[record.pk])
    client.force_login(center_staff)
    assert client.get(url).status_code == 200
    client.force_login(other_liaison)
    # Staff's copy is not the other unit's liaison's: the record stays out of their reach.
    assert client.get(url).status_code == 404
    client.force_login(liaison)
    staff_page = Client()
    staff_page.force_login(center_staff)
    own = client.get(url).content.decode()
    assert "高导热石墨烯散热膜" in own
    assert own != staff_page.get(url).content.decode()


def test_the_bell_follows_new_notifications(client, center_staff, record):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[record.pk])
    client.get(url)
    NotificationFactory(recipient=center_staff, title="请处理新的纠错申请", body="")
    assert client.get(url).context is not None  # rendered afresh, not replayed


def test_language_is_part_of_the_key(client, center_staff, record):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_list")
    chinese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese and 'lang="en"' in english


def csrf_in_page(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_forms_on_a_served_page_carry_the_browsers_own_csrf_secret(center_staff, record):
    url = reverse("achievements:achievement_detail", args=[record.pk])
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(center_staff)  # a login is a write: before the pages are kept
    for browser in browsers:
        browser.get(url)  # mints this browser's CSRF cookie
        browser.get(url)  # kept
    tokens = []
    for browser in browsers:
        served = browser.get(url)
        assert served.context is None  # replayed
        tokens.append(csrf_in_page(served.content.decode()))
    for browser, token in zip(browsers, tokens, strict=True):
        response = browser.post(
            reverse("towns:notification_read_all"), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302  # not 403: the token matches this browser's cookie


def test_a_page_that_minted_a_csrf_secret_is_not_kept(center_staff, record):
    """The first page of a browser without a CSRF cookie carries a secret only that response's
    cookie delivers; a copy served to the next cookieless request would carry a foreign one."""
    url = reverse("achievements:achievement_detail", args=[record.pk])
    first = Client()
    first.force_login(center_staff)
    assert settings.CSRF_COOKIE_NAME not in first.cookies
    first.get(url)
    second = Client()
    second.force_login(center_staff)
    assert second.get(url).context is not None


def test_waiting_messages_are_shown_by_a_fresh_rendering(client, kept):
    assert client.get(kept).context is None
    client.post(reverse("towns:notification_read_all"))
    shown = client.get(kept)
    assert "已将 0 条通知标记为已读。" in shown.content.decode()
    # Shown once; the next visit is a page without it.
    assert "标记为已读" not in client.get(kept).content.decode()


def test_matches_api_answers_are_kept_per_user(client, center_staff, enterprise_user, record):
    demand = DemandFactory(enterprise=enterprise_user.enterprise)
    MatchFactory(demand=demand, achievement=record, score=0.9, computed_at=timezone.now())
    url = f"/api/v1/demands/{demand.pk}/matches/"
    client.force_login(center_staff)
    visit(client, "/")
    first, computed = page_queries(client, url)
    again, served = page_queries(client, url)
    assert again.json() == first.json() and len(first.json()["results"]) == 1
    assert len(served) < len(computed)
    # The enterprise sees only what staff proposed to it: its own answer, not staff's copy.
    client.force_login(enterprise_user)
    assert client.get(url).json()["results"] == []
    Match.objects.filter(demand=demand).update(status=MatchStatus.PROPOSED)
    assert len(client.get(url).json()["results"]) == 1


def test_exports_are_never_kept(client, center_staff, record):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_list")
    assert client.get(url, {"export": "xlsx"}).streaming
    assert client.get(url, {"export": "xlsx"}).streaming


def test_the_public_showcase_is_kept_for_visitors(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AchievementFactory(title="高性能硫化物固态电解质材料", is_public=True)
    url = reverse("achievements:showcase_list")
    assert "高性能硫化物固态电解质材料" in client.get(url).content.decode()
    _, served = page_queries(client, url)
    assert not any("achievements_showcaseentry" in sql for sql in served)
    with django_capture_on_commit_callbacks(execute=True):
        AchievementFactory(title="钠离子电池正极材料", is_public=True)
    assert "钠离子电池正极材料" in client.get(url).content.decode()


def test_a_signed_out_session_gets_no_copy(client, kept):
    stolen = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post(reverse("towns:logout"))
    replay = Client()
    for name, value in stolen.items():
        replay.cookies[name] = value
    assert replay.get(kept).status_code == 302  # to the login page


def test_a_deactivated_account_gets_no_copy(client, center_staff, kept):
    type(center_staff).objects.filter(pk=center_staff.pk).update(is_active=False)
    assert client.get(kept).status_code == 302


def test_token_calls_are_neither_served_nor_kept_for_the_session(client, center_staff, record):
    demand = DemandFactory()
    MatchFactory(demand=demand, achievement=record, score=0.9, computed_at=timezone.now())
    url = f"/api/v1/demands/{demand.pk}/matches/"
    token = api_token(center_staff)
    signed = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    assert len(signed.json()["results"]) == 1
    # An anonymous caller of the same address gets no copy of the staff answer.
    assert client.get(url).status_code in (401, 403)


def test_a_forced_reload_renders_afresh(client, kept):
    assert client.get(kept).context is None
    assert client.get(kept, HTTP_CACHE_CONTROL="no-cache").context is not None
    assert client.get(kept, HTTP_PRAGMA="no-cache").context is not None


def test_a_secret_key_rotation_signs_out_served_copies_too(client, kept, settings):
    settings.SECRET_KEY = "rotated-after-an-incident-" + "x" * 40
    assert client.get(kept).status_code == 302


# --- Outside a test transaction: the shared generation, and with Redis the session read in the
# same round trip as the page (what production runs).


@pytest.mark.django_db(transaction=True)
def test_committed_writes_and_sign_outs_outside_a_transaction(client, center_staff, liaison):
    record = AchievementFactory(discovering_unit=liaison.unit, title="高导热石墨烯散热膜")
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[record.pk])
    visit(client, url)
    client.get(url)
    page, served = page_queries(client, url)
    assert page.context is None and all("django_session" in sql for sql in served)

    Achievement.objects.filter(pk=record.pk).update(title="柔性石墨烯散热膜")
    assert "柔性石墨烯散热膜" in client.get(url).content.decode()

    stolen = {name: morsel.value for name, morsel in client.cookies.items()}
    client.post(reverse("towns:logout"))
    replay = Client()
    for name, value in stolen.items():
        replay.cookies[name] = value
    assert replay.get(url).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_deactivation_outside_a_transaction_ends_the_copies(client, center_staff):
    client.force_login(center_staff)
    url = reverse("achievements:achievement_list")
    visit(client, url)
    client.get(url)
    assert client.get(url).context is None
    type(center_staff).objects.filter(pk=center_staff.pk).update(is_active=False)
    assert client.get(url).status_code == 302
