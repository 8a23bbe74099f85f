"""Each role's pages walked as a person walks them, from the home page through the links, on the
demo data: every link resolves, no page is a dead end, and each page speaks one language at a
time (English pages have no Chinese outside data; Chinese pages no untranslated English)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from towns.models import User

from .page_walk import DataText, data_strings, untranslated_chinese, untranslated_english, walk

pytestmark = pytest.mark.django_db

ROLES = [
    "liaison_ssh",
    "center_chen",
    "leader_city",
    "expert_zhou",
    "enterprise1",
    "broker_sun",
    "public",
]
PAGES_PER_ROLE = 45


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", stdout=StringIO())
        yield DataText(data_strings())
        transaction.set_rollback(True)


def _pages(client, username: str, language: str):
    client.cookies["django_language"] = language
    if username == "public":
        return list(walk(client, ["/showcase/"], limit=PAGES_PER_ROLE))
    client.force_login(User.objects.get(username=username))
    return list(walk(client, ["/"], limit=PAGES_PER_ROLE))


@pytest.mark.parametrize("username", ROLES)
def test_english_pages_resolve_lead_somewhere_and_have_no_chinese_outside_data(
    client, demo, username
):
    pages = _pages(client, username, "en")
    assert len(pages) >= 5
    broken = [(page.path, page.status) for page in pages if page.status != 200]
    assert broken == []
    sidebar = {href for page in pages for href in page.links if page.path == pages[0].path}
    dead_ends = [
        page.path
        for page in pages[1:]
        if page.html
        and page.path not in sidebar
        and not [href for href in page.main_links if href.split("#")[0] not in ("", page.path)]
    ]
    assert dead_ends == []
    chinese = {page.path: found for page in pages if (found := untranslated_chinese(page, demo))}
    assert chinese == {}


@pytest.mark.parametrize("username", ROLES)
def test_chinese_pages_have_no_untranslated_english_outside_data(client, demo, username):
    pages = _pages(client, username, "zh-hans")
    english = {page.path: found for page in pages if (found := untranslated_english(page, demo))}
    assert english == {}
