"""An anonymous visitor searches the public showcase and opens an achievement."""

import pytest

from ..factories import AchievementFactory, division, industry
from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_an_anonymous_visitor_searches_the_showcase(page):
    AchievementFactory(
        title="高性能硫化物固态电解质材料",
        summary="室温离子电导率达到12 mS/cm，与锂金属负极兼容，不可燃，避免电解液泄漏和燃烧。",
        field=industry("S05"),
        landing_division=division("441900401"),
        cooperation_modes=["license", "equity"],
        is_public=True,
    )
    AchievementFactory(
        title="锂离子电池热失控早期预警与阻断技术",
        summary="融合气体、温度与内压监测，热失控前10分钟预警。",
        field=industry("S05"),
        is_public=True,
    )
    AchievementFactory(
        title="纺织面料瑕疵智能验布机",
        summary="识别断经、断纬、破洞、油污等布面瑕疵。",
        field=industry("T01"),
        is_public=True,
    )
    AchievementFactory(title="尚未公开的电解质成果", field=industry("S05"), is_public=False)

    page.goto("/")
    assert page.get_by_role("heading", name="成果展示区").is_visible()
    page.get_by_test_id("showcase-search").fill("电解质")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/showcase/?q=*")
    results = page.get_by_test_id("showcase-results").inner_text()
    assert "高性能硫化物固态电解质材料" in results
    assert "纺织面料瑕疵智能验布机" not in results
    assert "尚未公开的电解质成果" not in results
    assert "相关成果" in page.get_by_test_id("result-count").inner_text()
    screenshot(page, "showcase-search")

    page.get_by_role("link", name="高性能硫化物固态电解质材料").click()
    page.wait_for_url("**/showcase/A*-*/")
    detail = page.get_by_test_id("showcase-detail").inner_text()
    assert "许可、作价入股" in detail and "东莞松山湖高新技术产业开发区" in detail
    main = page.inner_text("main")
    assert "陈教授" not in main and "13800138000" not in main
    assert "企业登录后即可表达合作意向" in page.get_by_test_id("interest-box").inner_text()
    screenshot(page, "showcase-detail")
    assert page.js_errors == []
