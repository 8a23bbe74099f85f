"""Whole pages kept per reader until the data changes.

The busiest pages (the showcase search, the lists, a record's page, the leaders' dashboard, a
demand's matches) are read far more often than anything on them is written. What such a page
shows depends on
- the data it read: the tables its rendering read (every SELECT is seen, kernel/cache.py), with
  the generation each had before; a write to one of them bumps its generation and ends the copy,
  a write to any other table leaves it (editing a demand keeps the achievement lists' copies).
  The reader's own account (role, unit, password, groups) is always counted as read, and the
  notifications of the bell are read by every page;
- the reader: the signed-in user of the session, the language, and the CSRF secret the page's
  forms carry (the browser's);
- the address, and the request headers the views answer differently to;
- the day ("n 天未进展"), and at most `PAGE_CACHE_SECONDS` of the clock.
Keyed by these and stamped with the generations of what it read, a rendered page is served
again byte for byte without running the view (`PageCacheMiddleware`, for views marked with
`cached_page`).

A served copy needs no database and two round trips to the cache (the page with, under Redis
sessions, the session's data; then the generations the page depends on): the copy records the
user it was rendered for (after the login and permission checks) and is served only to a session
still signed in as that user, with every table it read unchanged, so the account has not changed
since. A signed-out session has no data left
and gets no copy; copies are keyed by the secret key, so rotating it signs them out too. CSRF and
the security headers still run on every request. A forced reload (Ctrl+F5) renders afresh.

Not kept: anything but a 200 answer to a GET, a response that sets cookies or forbids storing, a
page whose rendering minted a new CSRF secret, a page read while flash messages are waiting (they
are shown once, by a fresh rendering), API calls signed with a token, and what a transaction with
uncommitted writes reads (its tables carry a generation of its own).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages import get_messages
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .cache import (
    Reads,
    current_generations,
    row_scope_before,
    start_recording,
    stop_recording,
    table_key,
)

PAGE_CACHE_SECONDS = 600
# Headers the views (and DRF's content negotiation) answer differently to.
VARY_ON = ("HTTP_ACCEPT", "HTTP_HX_REQUEST", "HTTP_HX_TARGET")


@dataclass(frozen=True)
class PageScope:
    """The page shows one object of `name` (a row scope, kernel/cache.py), the one whose key is
    the URL's `kwarg`: of the scope's tables it reads only that object's rows, so other objects'
    writes leave its copies. Whatever else it shows of those tables (a record's likely
    duplicates) must depend on generations of its own."""

    name: str
    kwarg: str = "pk"


def cached_page(view=None, *, scope: PageScope | None = None):
    """Mark a view (function, class-based view or DRF action) for the page cache;
    `@cached_page(scope=PageScope("achievement"))` for a page about one object."""

    def mark(view):
        view.cached_page = scope or True
        return view

    return mark if view is None else mark(view)


def _marked(view_func) -> PageScope | bool:
    if mark := getattr(view_func, "cached_page", False):
        return mark
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    actions = getattr(view_func, "actions", None)
    if actions:  # a DRF viewset: the action that answers GET
        return getattr(getattr(view_class, actions.get("get", ""), None), "cached_page", False)
    return getattr(view_class, "cached_page", False)


def _messages_waiting(request) -> bool:
    return bool(len(get_messages(request)))


# Session engines that keep the session's data in the cache, where it is read with the page.
CACHE_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.cache"}
)


@dataclass(frozen=True)
class _Lookup:
    key: str
    reads: Reads
    token: object
    csrf_secret: str | None
    scope: str | None = None
    scope_before: dict | None = None  # the row scope's keys before the rendering


def _account_tables() -> set[str]:
    """The reader's account: its row, groups and permissions (read by the middleware before the
    view, so counted as read by every page)."""
    from django.contrib.auth import get_user_model

    user = get_user_model()
    tables = {user._meta.db_table, "auth_group_permissions", "auth_permission"}
    tables.update(
        f.remote_field.through._meta.db_table  # type: ignore[union-attr]
        for f in user._meta.many_to_many
    )
    return tables


def _reload(request) -> bool:
    """A forced reload (Ctrl+F5 sends `Cache-Control: no-cache`): render afresh, keep the result."""
    return "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "") or (
        "no-cache" in request.META.get("HTTP_PRAGMA", "")
    )


def _page_key(request) -> str | None:
    """The key of this request's page, or None when it must be rendered afresh. Per session,
    not per user: the session stands for one user, whom each copy records and is checked
    against."""
    if (
        request.method != "GET"
        or "HTTP_AUTHORIZATION" in request.META
        or _messages_waiting(request)
    ):
        return None
    parts = [
        # Sessions signed with another secret key fail their check: so do their copies.
        salted_hmac("kernel.pagecache", "", algorithm="sha256").hexdigest()[:16],
        request.get_full_path(),
        request.session.session_key or "",
        request.META.get("CSRF_COOKIE", ""),
        getattr(request, "LANGUAGE_CODE", ""),
        timezone.localdate().isoformat(),
        *(request.META.get(name, "") for name in VARY_ON),
    ]
    return "pages:" + hashlib.sha1("\x00".join(parts).encode(), usedforsecurity=False).hexdigest()


def _session_cache_key(session) -> str | None:
    if (
        session.session_key
        and settings.SESSION_ENGINE in CACHE_SESSION_ENGINES
        and settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS
    ):
        return session.cache_key
    return None


def _owner(session_data) -> tuple[str, str]:
    """Who a session is signed in as (the user and the password hash's HMAC); "" for nobody."""
    return str(session_data.get(SESSION_KEY, "")), str(session_data.get(HASH_SESSION_KEY, ""))


def _still_signed_in(session_data, owner: tuple[str, str]) -> bool:
    """Whether the session is still signed in as the copy's user, through a backend still
    configured (Django signs out sessions of removed backends)."""
    if _owner(session_data) != owner:
        return False
    return not owner[0] or session_data.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS


def _replay(status: int, headers: list[tuple[str, str]], content: bytes) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _storable(request, response, lookup: _Lookup) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and request.META.get("CSRF_COOKIE") == lookup.csrf_secret
        and not _messages_waiting(request)
        # Rendered for the user the session names (not for a token, nor after a failed check).
        and str(request.user.pk or "") == _owner(request.session)[0]
    )


class PageCacheMiddleware:
    """Serves and keeps the pages of views marked with `cached_page`. Goes after the session,
    authentication and message middleware, so that their work applies to served copies too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            lookup = getattr(request, "_page_cache", None)
            if lookup is not None:
                stop_recording(lookup.token)
        if lookup is not None and _storable(request, response, lookup):
            owner = _owner(request.session)
            depends = lookup.reads.keys
            if lookup.scope is not None:
                depends = lookup.reads.narrowed_to_object(lookup.scope, lookup.scope_before or {})
            entry = (depends, owner, response.status_code, list(response.items()))
            cache.set(lookup.key, (*entry, response.content), PAGE_CACHE_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        mark = _marked(view_func)
        if not mark:
            return None
        key = _page_key(request)
        if key is None:
            return None
        session_key = _session_cache_key(request.session)
        # The page and the session's data in one round trip to the cache.
        values = cache.get_many([key, *filter(None, [session_key])])
        entry = values.get(key)
        session_data = values.get(session_key) if session_key else request.session
        if entry is not None and session_data is not None and not _reload(request):
            depends, owner, *response = entry
            if _still_signed_in(session_data, owner) and current_generations(depends) == depends:
                return _replay(*response)
        # Rendered now, recording what it reads; kept under the generations those tables had
        # before (a write committed meanwhile leaves the copy stale, never the reverse).
        reads, token = start_recording()
        before = reads.tables_before()
        account = {table_key(t) for t in _account_tables()} & before.keys()
        reads.add({key: before[key] for key in account})
        scope = scope_before = None
        if isinstance(mark, PageScope) and view_kwargs.get(mark.kwarg) is not None:
            scope = mark.name
            scope_before = row_scope_before(scope, view_kwargs[mark.kwarg])
        request._page_cache = _Lookup(
            key, reads, token, request.META.get("CSRF_COOKIE"), scope, scope_before
        )
        return None
