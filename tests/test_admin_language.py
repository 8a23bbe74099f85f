"""The admin's login-protection section (django-axes) speaks the admin's language."""

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def axes_section(content: str) -> str:
    start = content.index("app-axes")
    return re.sub(r"<[^>]+>", " ", content[start : content.index("</table>", start)])


def test_axes_section_in_english(admin_client):
    section = axes_section(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Login protection" in section
    assert "Access attempts" in section
    assert not CJK.search(section)


def test_axes_section_in_chinese(admin_client):
    content = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = axes_section(content)
    assert "登录保护" in section
    assert "登录尝试" in section
    assert "Access attempts" not in section
