"""Phones and one language at a time, in a real browser.

Every page a liaison, an enterprise, a broker or the public reaches from the sidebar fits a 390 px
phone without scrolling sideways (the sidebar folds into a menu; wide tables scroll in their own
box); at 1366 px the sidebar stands beside the content as before. In English, no Chinese shows
outside data (what the database holds, or what a template marks translate="no")."""

import pytest

from achievements.choices import AchievementStatus
from towns.choices import Role

from ..brokers.factories import BrokerFactory
from ..factories import AchievementFactory, EnterpriseFactory, UserFactory, unit
from ..page_walk import DataText, Page, data_strings, untranslated_chinese
from .conftest import login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# The text a reader sees, without what a template marks as data (translate="no").
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[translate="no"], script, style, template').forEach(e => e.remove());
  document.body.appendChild(copy); copy.hidden = false;
  const text = copy.innerText; copy.remove(); return text;
}"""


@pytest.fixture
def people(db):
    liaison = UserFactory(
        role=Role.LIAISON, unit=unit("441900401"), username="zhang_ssh", name="张丽娟"
    )
    for n in range(3):
        AchievementFactory(
            discovering_unit=unit("441900401"),
            created_by=liaison,
            is_public=True,
            title=f"面向智能终端的高密度柔性电路板激光直写成型工艺及装备{n}",
        )
    AchievementFactory(discovering_unit=unit("441900401"), status=AchievementStatus.DRAFT)
    enterprise = EnterpriseFactory(name="东莞市精诚注塑科技有限公司")
    UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, username="ent", name="赵经理")
    broker_user = UserFactory(role=Role.BROKER, username="broker", name="孙立新")
    BrokerFactory(user=broker_user, name="孙立新")
    return ["zhang_ssh", "ent", "broker", None]


def _sidebar_pages(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav.portal-sidebar a.nav-link", "links => links.map(a => a.getAttribute('href'))"
    )
    return ["/", *dict.fromkeys(h for h in hrefs if h.startswith("/") and "/admin/" not in h)]


def _use(page, username, *, language="zh-hans", viewport=PHONE) -> list[str]:
    """Signs `username` in (None: the public) and returns the pages of their sidebar."""
    page.set_viewport_size(viewport)
    page.context.clear_cookies()
    if username is not None:
        login(page, username)
    else:
        page.goto("/showcase/")
    site = "/".join(page.url.split("/")[:3]) + "/"  # the cookie's path is the whole site
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    if username is None:
        page.goto("/showcase/")
        entry = page.eval_on_selector("main a[href^='/showcase/A']", "a => a.getAttribute('href')")
        return ["/showcase/", entry, "/accounts/register/"]
    page.goto("/")
    return _sidebar_pages(page)


def test_every_page_of_liaisons_enterprises_brokers_and_the_public_fits_a_phone(page, people):
    too_wide = {}
    for username in people:
        for path in _use(page, username):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{username}:{path}"] = width
    assert too_wide == {}


def test_on_a_phone_the_sidebar_is_a_menu_and_on_a_desktop_it_stays_beside(page, people):
    _use(page, "zhang_ssh")
    sidebar = page.locator("#portal-sidebar")
    toggle = page.get_by_test_id("nav-toggle")
    assert toggle.is_visible() and not sidebar.is_visible()
    # The language switcher offers the other language on one line; the user menu fits.
    switch = page.get_by_role("button", name="English")
    assert switch.bounding_box()["height"] < 40
    assert page.get_by_test_id("user-menu").bounding_box()["x"] + 40 <= PHONE["width"]
    screenshot(page, "phone-liaison-home")
    toggle.click()
    link = sidebar.get_by_role("link", name="成果发现库")
    link.wait_for(state="visible")
    screenshot(page, "phone-liaison-menu")
    link.click()
    page.wait_for_url("**/achievements/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size(DESKTOP)
    page.goto("/")
    assert sidebar.is_visible() and not toggle.is_visible()
    box = sidebar.bounding_box()
    assert box["x"] == 0 and round(box["width"]) == 208
    assert page.locator(".portal-brand-text").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.js_errors == []


def test_in_english_no_chinese_shows_outside_data(page, people):
    data = DataText(data_strings())
    found = {}
    for username in people:
        for path in _use(page, username, language="en", viewport=DESKTOP):
            page.goto(path)
            assert page.evaluate("document.documentElement.lang") == "en"
            lines = [line.strip() for line in page.evaluate(VISIBLE_TEXT).splitlines()]
            shown = Page(path, 200, texts=[line for line in lines if line])
            if chinese := untranslated_chinese(shown, data):
                found[f"{username}:{path}"] = chinese
    assert found == {}
