"""A Redis cache that a Redis outage turns into misses instead of server errors.

Everything the portal caches can be recomputed, so while Redis is down a read is a miss, a
write is dropped and the pages keep serving from PostgreSQL.
"""

import functools
import hashlib
import logging
import re
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except REDIS_DOWN as error:
                logger.warning(
                    "cache unavailable (%s): %s treated as a miss", error, method.__name__
                )
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every operation, which costs more than the
    operation itself (about 0.2 ms with redis-py 8); one client per connection pool serves them
    all (it is thread-safe: each command borrows a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, degrading to a miss while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(None)(RedisCache.set)
    add = _tolerant(False)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant({})(RedisCache.get_many)
    set_many = _tolerant(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    clear = _tolerant(False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            # Counters (throttles) cannot be kept while Redis is down; report a missing key as
            # Django's contract has it, so callers start over.
            raise ValueError(f"Key '{key}' not found (cache unavailable: {error})") from error


# --- Generations: cached results keyed by a counter that the writes they depend on bump ---------


def _fresh_generation() -> int:
    """A generation no earlier one can equal: when the counter is lost (evicted, or Redis was
    away) it starts again from the clock, never from a number results are still cached under."""
    return time.time_ns()


def generation(key: str) -> int:
    """The current generation of a family of cached results; put it in their cache keys. What is
    being recorded (`recording_reads`) depends on it from now on."""
    value = cache.get_or_set(key, _fresh_generation, None) or _fresh_generation()
    _depend({key: value})
    return value


def bump_generation(key: str) -> None:
    """Make every result cached under the current generation of `key` stale (they expire)."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_generation(), None)


def bump_generation_on_commit(key: str) -> None:
    """Bump now, so that this transaction's own later reads do not see stale results, and again
    after the commit, so that no other request caches the old data under the new generation."""
    bump_generation(key)
    transaction.on_commit(lambda: bump_generation(key))


# --- One generation per table, bumped by the writes the connection sees ------------------------
#
# What the dashboard, the lists' counts and filter bars and the page cache (kernel/pagecache.py)
# keep depends on the tables it read, and only on them: each tracked table has a generation of its
# own (`towns:table:<name>`), which every statement writing that table bumps. The watch sits on
# the database connection (installed in KernelConfig.ready), so `QuerySet.update`, `bulk_create`
# and raw SQL count as much as `save()`, and no write path can forget it. A cached result records
# the generations of the tables its computation read (`recording_reads` sees every SELECT), and
# is good while they are unchanged: editing a demand leaves the achievement lists' pages alone.
TABLE_KEY = "towns:table:{}"
# Writes that change nothing a page shows: sessions, login attempts, the task outbox, beat's own
# bookkeeping, the matching index (derived from achievements, whose writes bump anyway, and
# rebuilt in bulk), and a sign-in: its `last_login` (shown nowhere) and the user's history row
# that comes with every save of a user (any other change of a user writes the user's own table).
UNTRACKED_TABLES = frozenset(
    {
        "django_session",
        "towns_historicaluser",
        "django_migrations",
        "towns_outboxmessage",
        "achievements_matchterm",
        "achievements_matchposting",
        "achievements_matchdocument",
    }
)
UNTRACKED_PREFIXES = ("axes_", "django_celery_beat_")
_LEADING_COMMENTS = re.compile(r"^(?:\s+|/\*.*?\*/|--[^\n]*\n?)*", re.DOTALL)
# Statements that write nothing; anything else is taken for a write (a table it cannot name
# counts as every table), so that no unforeseen form of write goes unseen.
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "SET", "SHOW", "EXPLAIN", "PRAGMA", "VALUES")
_WRITING = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_WRITTEN_TABLE = re.compile(
    r"^(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE"
    r'(?:\s+TABLE)?|MERGE\s+INTO)\s+(?:ONLY\s+)?[`"]?([\w.]+)',
    re.IGNORECASE,
)
_SIGN_IN = re.compile(
    r'^UPDATE\s+"towns_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\s+"towns_user"\."id"\s*=\s*%s$'
)
_SAVEPOINT_ROLLBACK = re.compile(r"^ROLLBACK\s+TO\b", re.IGNORECASE)
# Whose row count tells whether anything changed (an INSERT … RETURNING reports 0 on SQLite).
_COUNTED = re.compile(r"^\s*(?:UPDATE|DELETE)\b(?!.*\bRETURNING\b)", re.IGNORECASE | re.DOTALL)
# Django quotes every table it names ("achievements_achievement"), on PostgreSQL and SQLite.
_QUOTED_NAME = re.compile(r'"(\w+)"')


def _changed_nothing(sql: str, cursor) -> bool:
    return getattr(cursor, "rowcount", -1) == 0 and bool(_COUNTED.match(sql))


def tracks_table(table: str) -> bool:
    return table not in UNTRACKED_TABLES and not table.startswith(UNTRACKED_PREFIXES)


def follows_data_generation(model) -> bool:
    """Whether every write to `model` bumps its table's generation (so results over it may be
    cached under that generation)."""
    return tracks_table(model._meta.db_table)


@functools.cache
def tracked_tables() -> frozenset[str]:
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if tracks_table(model._meta.db_table)
    )


def tables_in(sql: str) -> set[str]:
    """The tracked tables a statement names."""
    known = tracked_tables()
    return {name for name in _QUOTED_NAME.findall(sql) if name in known}


def table_key(table: str) -> str:
    return TABLE_KEY.format(table)


def written_table(sql: str) -> str | None:
    """The table a statement writes ("" when it writes one we cannot name), or None for a read."""
    statement = sql[_LEADING_COMMENTS.match(sql).end() :]
    head = statement[:9].upper()
    if head.startswith(_READS) or (head.startswith("WITH") and not _WRITING.search(statement)):
        return None
    if head.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
        return None
    found = _WRITTEN_TABLE.match(statement)
    return found[1].rsplit(".", 1)[-1].lower() if found else ""


def bump_tables(tables) -> None:
    """New generations for `tables` ("" = a table we could not name: all of them), in one round
    trip."""
    tables = set(tables)
    if "" in tables:
        tables = (tables - {""}) | tracked_tables()
    if tables:
        fresh = _fresh_generation()
        cache.set_many({table_key(t): fresh for t in tables}, None)


class _CommitBump:
    """What a transaction with tracked writes leaves to run on its commit (once per transaction):
    the bump of the tables it wrote, which makes every other reader see the new data. Until then
    it also stands for the transaction's own generation, so that what the transaction reads (its
    own uncommitted writes included) is cached apart, and is never served again if it rolls
    back."""

    def __init__(self):
        self.token = uuid.uuid4().hex[:12]
        self.writes = 0  # savepoint rollbacks count too
        self.tables: dict[str, int] = {}  # writes per table

    def __call__(self):
        bump_tables(self.tables)


def _pending_bump(connection) -> _CommitBump | None:
    if not connection.in_atomic_block:
        return None
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _CommitBump):
            return callback
    return None


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: a statement writing a tracked table bumps that table's generation, at
    once when it is committed at once, else when its transaction commits (a rollback discards
    it). A read names its tables to whatever is recording (`recording_reads`)."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    table = written_table(sql)
    if table is None:
        if _SAVEPOINT_ROLLBACK.match(sql) and (pending := _pending_bump(connection)):
            # The savepoint's writes are undone: what was cached inside it is not this
            # transaction's data any more.
            pending.writes += 1
        elif _recorders.get():
            _read_tables(tables_in(sql))
        return result
    if not tracks_table(table) or _changed_nothing(sql, context["cursor"]) or _SIGN_IN.match(sql):
        return result
    if connection.in_atomic_block:
        pending = _pending_bump(connection)
        if pending is None:
            pending = _CommitBump()
            connection.on_commit(pending, robust=True)
            # First in line: a failing callback registered earlier stops those after it.
            connection.run_on_commit.insert(0, connection.run_on_commit.pop())
        pending.writes += 1
        pending.tables[table] = pending.tables.get(table, 0) + 1
    else:
        bump_tables({table})
    return result


def install_write_watch(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: put `watch_writes` on the connection, once."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def writing_transaction() -> bool:
    """Whether the current transaction has written tracked tables and not yet committed."""
    return _pending_bump(connection) is not None


def current_generations(keys) -> dict[str, int | str]:
    """The current value of each generation key (tables' and named ones), in one round trip. A
    lost one starts again from the clock. Inside a transaction that has written, the tables it
    wrote carry that transaction's own token (changing with each of its writes)."""
    keys = list(keys)
    found = cache.get_many(keys) if keys else {}
    missing = {key: _fresh_generation() for key in keys if key not in found}
    if missing:
        for key, value in missing.items():
            if not cache.add(key, value, None):
                missing[key] = cache.get(key) or value
        found.update(missing)
    pending = _pending_bump(connection)
    if pending is None:
        return found
    # A table's own writes, and the savepoint rollbacks (which may undo any of them).
    rollbacks = pending.writes - sum(pending.tables.values())
    unnamed = pending.tables.get("", 0)  # a write to a table we could not name: to any
    names = tracked_tables() if unnamed else pending.tables
    written = {table_key(t): pending.tables.get(t, 0) + unnamed for t in names if t}
    return {
        key: f"{value}.{pending.token}.{written[key]}.{rollbacks}" if key in written else value
        for key, value in found.items()
    }


def generations(keys) -> dict[str, int | str]:
    """The current generations of named families (one round trip); what is being recorded
    depends on them."""
    values = current_generations(keys)
    _depend(values)
    return values


def data_generation(*tables: str) -> str:
    """Put it in the key of anything cached over `tables` (every tracked table if none is named):
    it changes with any write to one of them, and what is being recorded depends on them."""
    keys = sorted(table_key(t) for t in (tables or tracked_tables()) if tracks_table(t))
    values = current_generations(keys)
    _depend(values)
    return hashlib.sha1(repr(sorted(values.items())).encode(), usedforsecurity=False).hexdigest()[
        :16
    ]


# --- What a computation read: the generations its result depends on ---------------------------


class Reads:
    """The generation keys a computation depended on, with the value each had before the
    computation read what it guards (so a write committed meanwhile leaves the result stale,
    never the reverse)."""

    def __init__(self):
        self.keys: dict[str, int | str] = {}
        self._tables: dict[str, int | str] | None = None

    def tables_before(self) -> dict[str, int | str]:
        """Every table's generation as it was when the recording started."""
        if self._tables is None:
            self._tables = current_generations(table_key(t) for t in tracked_tables())
        return self._tables

    def add(self, values: dict) -> None:
        for key, value in values.items():
            self.keys.setdefault(key, value)

    def still_current(self) -> bool:
        return current_generations(self.keys) == self.keys


_recorders: ContextVar[tuple[Reads, ...]] = ContextVar("towns_cache_recorders", default=())


@contextmanager
def recording_reads():
    """Record the tables read (and the generations consulted) inside the block; nested records
    also count for the outer ones."""
    reads = Reads()
    reads.tables_before()
    token = _recorders.set((*_recorders.get(), reads))
    try:
        yield reads
    finally:
        _recorders.reset(token)


def start_recording() -> tuple[Reads, object]:
    """`recording_reads` for a middleware (started in one method, ended in another)."""
    reads = Reads()
    reads.tables_before()
    return reads, _recorders.set((*_recorders.get(), reads))


def stop_recording(token) -> None:
    _recorders.reset(token)


def _depend(values: dict) -> None:
    for reads in _recorders.get():
        reads.add(values)


def _read_tables(tables: set[str]) -> None:
    for reads in _recorders.get():
        before = reads.tables_before()
        reads.add({table_key(t): before.get(table_key(t), 0) for t in tables})


def cached_over_data(key: str, compute, timeout: int):
    """`compute()`, kept under `key` until a table it read (or a generation it consulted)
    changes. A hit counts, for what is being recorded, as having read what the result depends
    on."""
    entry = cache.get(key)
    if entry is not None:
        depends, value = entry
        current = current_generations(depends)
        if current == depends:
            _depend(depends)
            return value
    with recording_reads() as reads:
        value = compute()
    cache.set(key, (reads.keys, value), timeout)
    return value
