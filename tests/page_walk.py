"""Walk a role's pages the way a person does — from the home page, following the links — and read
what each page says. Used by the navigation test (every link resolves, no page is a dead end) and
the language tests (one language at a time).

Text that comes from the database (titles, names, units, industries…) is data, not interface: it is
allowed in either language. The set of data strings is read from every text column of the portal's
models, so a Chinese run of characters on an English page is a defect only if no record holds it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import models

# Links a walk does not follow: downloads, exports, the admin, the API, switching language,
# signing out, and pages that are the same view as one already seen but for its number/query.
SKIP = re.compile(
    r"(/logout|/export|/download|\.xlsx|\.docx|/i18n/|^/admin/|/media/|^/static/|^/api/"
    r"|/attachments/|/files?/|/certificates?/|/audit/)"
)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}(?:[ -][A-Za-z][a-z]{2,})*\b")
# Words that stay English in the Chinese interface: product names, file types, units, acronyms.
ENGLISH_ALLOWED = {
    "Excel", "Word", "API", "PDF", "Token", "English", "Dongguan", "Playwright", "http", "https",
    "ECharts", "htmx", "Bootstrap", "Knox", "www", "com", "cn", "gov", "Pre",
}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
# Quoted text is quoted from elsewhere (an example of what to type, a sheet's name, a keyword of
# the demand): it stays as written. So do the languages' own names in the language switcher.
QUOTED = re.compile(r"“[^”]*”")
OWN_NAMES = ("简体中文", "English")
PATHS = re.compile(r"\S*/\S*")  # addresses and paths (/api/v1/auth/token/) are not words


def pattern(path: str) -> str:
    """The view a path belongs to, numbers and showcase slugs left out."""
    path = re.sub(r"/showcase/[^/]+/", "/showcase/X/", path)
    return re.sub(r"\d+", "N", path)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self.main_links: list[str] = []
        self._skip = 0
        self._in_main = 0
        self._stack: list[tuple[str, bool]] = []  # open elements and whether they hold data

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self._stack.append((tag, attrs.get("translate") == "no"))
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "main":
            self._in_main += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._in_main:
                self.main_links.append(attrs["href"])
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag == "main" and self._in_main:
            self._in_main -= 1

    def handle_data(self, data):
        # translate="no" marks data the template shows as it is (a file name, a quoted sheet name).
        if any(no for _, no in self._stack):
            return
        if not self._skip and data.strip():
            self.texts.append(data.strip())


@dataclass
class Page:
    path: str
    status: int
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    main_links: list[str] = field(default_factory=list)
    html: bool = False


def walk(client, start: list[str], limit: int = 60) -> Iterator[Page]:
    """Every page reachable from `start`, one per view (pattern), breadth first."""
    queue = list(start)
    seen_patterns: set[tuple[str, bool]] = set()
    seen = 0
    while queue and seen < limit:
        url = queue.pop(0)
        key = (pattern(urlsplit(url).path), "?" in url)
        if key in seen_patterns:
            continue
        seen_patterns.add(key)
        seen += 1
        response = client.get(url, follow=True)
        page = Page(url, response.status_code)
        page.html = "text/html" in response.get("Content-Type", "")
        if response.status_code == 200 and page.html:
            parser = _PageParser()
            parser.feed(response.content.decode())
            page.texts, page.links, page.main_links = (
                parser.texts,
                parser.links,
                parser.main_links,
            )
        yield page
        for href in page.links:
            href = href.split("#")[0]
            if href.startswith("/") and not SKIP.search(href) and "page=" not in href:
                queue.append(href)


def data_strings() -> list[str]:
    """Every non-empty text value stored by the portal's models, longest first."""
    values: set[str] = set()
    for app in settings.PORTAL_APPS:
        for model in apps.get_app_config(app.split(".")[-1]).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                and not f.choices
            ]
            if not fields:
                continue
            manager = getattr(model, "all_objects", model._default_manager)
            for row in manager.values_list(*fields):
                for value in row:
                    if isinstance(value, str) and value.strip():
                        values.add(value.strip())
                        values.update(line.strip() for line in value.splitlines() if line.strip())
                    elif isinstance(value, (list, dict)):
                        values.update(_json_strings(value))
    return sorted(values, key=len, reverse=True)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value.strip()
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)


class DataText:
    """Removes the data strings from a piece of page text; what is left is the interface.

    A run of characters that is left is still data when it is long and part of a record's text
    (a title cut short with “…”); a short run left over (年, 月, 万元) is interface."""

    def __init__(self, strings: list[str]):
        self.corpus = "\n".join(strings)
        self.exact = set(strings)
        self.index: dict[str, list[str]] = {}
        for value in strings:  # longest first
            if len(value) > 1:
                self.index.setdefault(value[:2], []).append(value)

    def interface(self, text: str) -> str:
        if text.strip() in self.exact:
            return ""
        text = PATHS.sub(" ", text)
        out, i = [], 0
        while i < len(text):
            for value in self.index.get(text[i : i + 2], ()):
                if text.startswith(value, i):
                    out.append(" ")
                    i += len(value)
                    break
            else:
                out.append(text[i])
                i += 1
        text = QUOTED.sub(" ", "".join(out))
        for name in OWN_NAMES:
            text = text.replace(name, " ")
        return text

    def is_data(self, run: str) -> bool:
        return len(run) >= 4 and run in self.corpus


def untranslated_chinese(page: Page, data: DataText) -> list[str]:
    found = []
    for text in page.texts:
        if CJK.search(text):
            rest = data.interface(text)
            found.extend(run for run in CJK.findall(rest) if not data.is_data(run))
    return found


def untranslated_english(page: Page, data: DataText) -> list[str]:
    found = []
    for text in page.texts:
        if ENGLISH_WORD.search(text):
            rest = data.interface(text)
            found.extend(
                word
                for word in ENGLISH_WORD.findall(rest)
                if word not in ENGLISH_ALLOWED and not data.is_data(word)
            )
    return found
