import pytest

from towns.choices import Role

from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_liaison_logs_in_and_sees_the_chinese_home_page(page):
    UserFactory(role=Role.LIAISON, unit=unit("441900401"), username="zhang_ssh", name="张丽娟")
    login(page, "zhang_ssh")

    assert page.get_by_role("heading", name="您好，张丽娟").is_visible()
    progress = page.get_by_test_id("discovery-progress")
    assert "成果发现任务" in progress.inner_text()
    assert "目标 50 项" in progress.inner_text()
    assert (
        page.get_by_role("navigation", name="主导航")
        .get_by_role("link", name="工作台")
        .is_visible()
    )
    # The styles and scripts came from our own server: Bootstrap laid out the navbar.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.js_errors == []
    path = screenshot(page, "liaison-home")
    assert path.stat().st_size > 10_000
