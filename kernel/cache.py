"""A Redis cache that a Redis outage turns into misses instead of server errors.

Everything the portal caches can be recomputed, so while Redis is down a read is a miss, a
write is dropped and the pages keep serving from PostgreSQL.
"""

import functools
import logging
import re
import time
import uuid

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


# --- Generations: cached results keyed by a counter that every relevant write bumps -------------


def _fresh_generation() -> int:
    """A generation no earlier one can equal: when the counter is lost (evicted, or Redis was
    away) it starts again from the clock, never from a number results are still cached under."""
    return time.time_ns()


def generation(key: str) -> int:
    """The current generation of a family of cached results; put it in their cache keys."""
    return cache.get_or_set(key, _fresh_generation, None) or _fresh_generation()


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


# What the dashboard, the reports, the lists' counts and the page cache (kernel/pagecache.py) read
# is cached under one data generation. Every statement that writes a table bumps it: the watch
# sits on the database connection (installed in TownsConfig.ready), so `QuerySet.update`,
# `bulk_create` and raw SQL count as much as `save()`, and no write path can forget it.
DATA_GENERATION_KEY = "towns:data-generation"
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
# counts as tracked), so that no unforeseen form of write goes unseen.
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


def _changed_nothing(sql: str, cursor) -> bool:
    return getattr(cursor, "rowcount", -1) == 0 and bool(_COUNTED.match(sql))


def tracks_table(table: str) -> bool:
    return table not in UNTRACKED_TABLES and not table.startswith(UNTRACKED_PREFIXES)


def follows_data_generation(model) -> bool:
    """Whether every write to `model` bumps the data generation (so results over it may be
    cached under that generation)."""
    return tracks_table(model._meta.db_table)


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


class _CommitBump:
    """What a transaction with tracked writes leaves to run on its commit (once per transaction):
    the bump that makes every other reader see the new data. Until then it also names the
    transaction's own generation, so that what the transaction reads (its own uncommitted writes
    included) is cached apart, and is never served again if it rolls back."""

    def __init__(self):
        self.token = uuid.uuid4().hex[:12]
        self.writes = 0

    def __call__(self):
        bump_generation(DATA_GENERATION_KEY)


def _pending_bump(connection) -> _CommitBump | None:
    if not connection.in_atomic_block:
        return None
    for _sids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _CommitBump):
            return callback
    return None


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: a statement writing a tracked table bumps the data generation, at once
    when it is committed at once, else when its transaction commits (a rollback discards it)."""
    result = execute(sql, params, many, context)
    connection = context["connection"]
    table = written_table(sql)
    if table is None:
        if _SAVEPOINT_ROLLBACK.match(sql) and (pending := _pending_bump(connection)):
            # The savepoint's writes are undone: what was cached inside it is not this
            # transaction's data any more.
            pending.writes += 1
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
    else:
        bump_generation(DATA_GENERATION_KEY)
    return result


def install_write_watch(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: put `watch_writes` on the connection, once."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def writing_transaction() -> bool:
    """Whether the current transaction has written tracked tables and not yet committed."""
    return _pending_bump(connection) is not None


def data_generation() -> int | str:
    """Put it in the key of anything cached over the data. Inside a transaction that has written,
    it is that transaction's own (changing with each of its writes)."""
    current = generation(DATA_GENERATION_KEY)
    pending = _pending_bump(connection)
    return f"{current}.{pending.token}.{pending.writes}" if pending else current
