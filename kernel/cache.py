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
from django.db.models import Model
from django.db.models.signals import post_init
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


def bump_tables(tables, narrow=()) -> None:
    """New generations for `tables` ("" = a table we could not name: all of them) and the
    narrower keys the writes named (`narrow_keys`), in one round trip."""
    tables = set(tables)
    narrow = set(narrow)
    if "" in tables:
        tables = (tables - {""}) | tracked_tables()
        narrow |= all_narrow_table_keys()
    if not tables:
        return
    fresh = _fresh_generation()
    cache.set_many(
        {
            **{table_key(t): fresh for t in tables},
            **{k: fresh for k in narrow if not k.startswith(SCOPE_KEY_PREFIX)},
        },
        None,
    )
    if scopes := [k for k in narrow if k.startswith(SCOPE_KEY_PREFIX)]:
        cache.set_many(dict.fromkeys(scopes, fresh), ROW_SCOPE_SECONDS)


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
        self.narrow: dict[str, int] = {}  # writes per narrower key (`narrow_keys`)

    def __call__(self):
        bump_tables(self.tables, self.narrow)


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
    narrow = narrow_keys(table, sql)
    if connection.in_atomic_block:
        pending = _pending_bump(connection)
        if pending is None:
            pending = _CommitBump()
            connection.on_commit(pending, robust=True)
            # First in line: a failing callback registered earlier stops those after it.
            connection.run_on_commit.insert(0, connection.run_on_commit.pop())
        pending.writes += 1
        pending.tables[table] = pending.tables.get(table, 0) + 1
        for key in narrow:
            pending.narrow[key] = pending.narrow.get(key, 0) + 1
    else:
        bump_tables({table}, narrow)
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
    # The narrower keys of what it wrote stand for its own data too.
    if unnamed:
        written.update(dict.fromkeys(all_narrow_table_keys(), unnamed))
    for key, count in pending.narrow.items():
        written[key] = written.get(key, 0) + count
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
    _depend(values, wide=True)
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
        # Keys depended on through a result computed over whole tables (a cached figure): never
        # narrowed to one object's rows (`narrowed_to`).
        self.wide: set[str] = set()
        self._tables: dict[str, int | str] | None = None

    def tables_before(self) -> dict[str, int | str]:
        """Every table's generations (its own and its narrower ones) as they were when the
        recording started."""
        if self._tables is None:
            self._tables = current_generations(
                [*(table_key(t) for t in tracked_tables()), *all_narrow_table_keys()]
            )
        return self._tables

    def add(self, values: dict) -> None:
        for key, value in values.items():
            self.keys.setdefault(key, value)

    def still_current(self) -> bool:
        return current_generations(self.keys) == self.keys

    def narrowed(self, replacements: dict[str, list[str]]) -> dict[str, int | str]:
        """The keys, with each table key of `replacements` that was read directly (not through
        a cached result) replaced by the narrower keys given, at their values from before the
        reading."""
        narrowed = dict(self.keys)
        before = self.tables_before()
        for key, keys in replacements.items():
            if key in narrowed and key not in self.wide:
                del narrowed[key]
                narrowed.update({k: before[k] for k in keys})
        return narrowed

    def narrowed_to_object(self, scope: str, own: dict[str, int | str]) -> dict[str, int | str]:
        """For a result that reads, of the tables of `scope`, only the rows of one object: each
        such table counts only through its writes of unknown rows and the object's row scope
        (`own`: its key and value from before the reading, `row_scope_before`)."""
        self.tables_before().update(own)
        return self.narrowed(
            {
                table_key(t): [any_row_key(t), *own]
                for t, (name, _attrs) in ROW_SCOPES.items()
                if name == scope
            }
        )


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


def _depend(values: dict, *, wide: bool = False) -> None:
    for reads in _recorders.get():
        reads.add(values)
        if wide:
            reads.wide.update(values)


def _read_tables(tables: set[str]) -> None:
    for reads in _recorders.get():
        before = reads.tables_before()
        reads.add({table_key(t): before.get(table_key(t), 0) for t in tables})


def cached_over_data(key: str, compute, timeout: int, *, counting=()):
    """`compute()`, kept under `key` until a table it read (or a generation it consulted)
    changes. A hit counts, for what is being recorded, as having read what the result depends
    on. Of the tables in `counting` (declared with `uncounted_columns`) the result only counts
    rows: an edit of their uncounted columns leaves it."""
    entry = cache.get(key)
    if entry is not None:
        depends, value = entry
        current = current_generations(depends)
        if current == depends:
            _depend(depends, wide=True)
            return value
    with recording_reads() as reads:
        value = compute()
    depends = reads.narrowed({table_key(t): [counts_key(t)] for t in counting})
    _depend(depends, wide=True)
    cache.set(key, (depends, value), timeout)
    return value


# --- Row scopes: pages about one object end with that object's writes ---------------------------
#
# A record's page reads, of the library's tables, only that record's rows (its own, its
# attachments, credits, transitions, history). Ending it on every write to those tables ends
# fifty record pages for one edited record. A table declared with `scope_rows` knows whose rows
# a write touches when the write is a model's `save()`: it then bumps, besides the table, that
# object's row scope (`scope_key`) and not the table's `any_row_key`. A write that does not say
# whose rows (`QuerySet.update`, `bulk_create`, a delete, raw SQL) bumps `any_row_key` and so ends
# every page of the scope, as before. A page that declares a scope (`cached_page(scope=…)`) keeps,
# for the scope's tables it read directly, those two keys instead of the table's.
SCOPE_KEY_PREFIX = "towns:scope:"
ROW_SCOPE_SECONDS = 24 * 3600  # a lost key reads as fresh: the pages under it render again
ROW_SCOPES: dict[str, tuple[str, tuple[str, ...]]] = {}  # table -> (scope, attributes)
# While a save or a `rows_of` block runs: the tables it writes, and whose rows (None: unknown).
_saving: ContextVar[tuple[frozenset[str], frozenset[str] | None] | None] = ContextVar(
    "row_scope_saving", default=None
)


def scope_key(scope: str, pk) -> str:
    return f"{SCOPE_KEY_PREFIX}{scope}:{pk}"


def any_row_key(table: str) -> str:
    return f"{table_key(table)}:any"


def scope_rows(model, scope: str, *attributes: str) -> None:
    """Declare that a row of `model` belongs to the objects of `scope` its `attributes` name
    (field names; "pk" for the row's own key): a record's attachment is
    `scope_rows(Attachment, "achievement", "achievement")`. A row moved to another object ends
    the pages of both."""
    names = tuple(
        model._meta.pk.attname if name == "pk" else model._meta.get_field(name).attname
        for name in attributes
    )
    ROW_SCOPES[model._meta.db_table] = (scope, names)
    post_init.connect(_remember_owners, sender=model, weak=False, dispatch_uid=f"rows:{model}")


def _owners(instance, attnames) -> set | None:
    """The objects a row belongs to, None when not all are loaded (a deferred field is never
    fetched for this)."""
    loaded = instance.__dict__
    if any(name not in loaded for name in attnames):
        return None
    return {loaded[name] for name in attnames} - {None}


def _remember_owners(sender, instance, **kwargs) -> None:
    instance._row_scope_owners = _owners(instance, ROW_SCOPES[sender._meta.db_table][1])


def row_scope_before(scope: str, pk) -> dict[str, int | str]:
    """The object's row scope key and its current value (taken before a page of it renders)."""
    return current_generations([scope_key(scope, pk)])


def reading_other_rows(model) -> None:
    """What is being recorded (a page under a row scope) shows rows of `model` beyond its own
    object's (a merged record's page names the record it went into): that table then counts
    whole, not narrowed to the object's rows, so any write to it ends the result."""
    key = table_key(model._meta.db_table)
    for reads in _recorders.get():
        reads.add({key: reads.tables_before().get(key, 0)})
        reads.wide.add(key)


def _rows_written(table: str) -> frozenset[str]:
    """For a write to a scoped table: the row scopes it touches, or the table's any-rows key."""
    saving = _saving.get()
    if saving is None or table not in saving[0] or saving[1] is None:
        return frozenset({any_row_key(table)})
    return saving[1]


# --- Counted columns: figures that count rows are not ended by edits of their text ---------------
#
# The dashboard's figures count records by status, dates, unit and field. Editing a record's
# summary changes none of them, yet ended them (a recount of the library) with every edit. A table
# may declare the columns no counted figure reads (`uncounted_columns`); an UPDATE that sets only
# those leaves the table's `counts_key`, which results declared with `cached_over_data(counting=…)`
# depend on instead of the table's key. Any other write (an INSERT, a DELETE, an UPDATE setting a
# counted column or one we cannot read) bumps it.
UNCOUNTED_COLUMNS: dict[str, frozenset[str]] = {}
_UPDATE_SET = re.compile(r'^UPDATE\s+"\w+"\s+SET\s+(.*?)\s+WHERE\s', re.DOTALL)
_SET_COLUMN = re.compile(r'"(\w+)"\s*=')


def uncounted_columns(model, *field_names: str) -> None:
    """Declare the columns of `model` that no figure counting its rows reads."""
    UNCOUNTED_COLUMNS[model._meta.db_table] = frozenset(
        model._meta.get_field(name).column for name in field_names
    )


def counts_key(table: str) -> str:
    return f"{table_key(table)}:counts"


def _counts_changed(table: str, sql: str) -> bool:
    found = _UPDATE_SET.match(sql)
    if found is None or "SELECT" in sql.upper():
        return True  # not a plain UPDATE of columns to values: taken to change anything
    return not set(_SET_COLUMN.findall(found[1])) <= UNCOUNTED_COLUMNS[table]


def narrow_keys(table: str, sql: str) -> list[str]:
    """The narrower generations a write to `table` bumps besides the table's own."""
    keys: list[str] = []
    if table in ROW_SCOPES:
        keys.extend(_rows_written(table))
    if table in UNCOUNTED_COLUMNS and _counts_changed(table, sql):
        keys.append(counts_key(table))
    return keys


def all_narrow_table_keys() -> set[str]:
    """Every table's narrower keys but the objects' own: what a write to an unknown table
    bumps."""
    return {any_row_key(t) for t in ROW_SCOPES} | {counts_key(t) for t in UNCOUNTED_COLUMNS}


@contextmanager
def rows_of(scope: str, *pks):
    """Bulk writes (`QuerySet.update`, `bulk_create`, deletes) inside the block, to the tables of
    `scope`, touch only the rows of these objects: a service's promise, for one object's bulk
    work (a demand's matches ranked again), so that other objects' pages stay."""
    tables = frozenset(t for t, (name, _a) in ROW_SCOPES.items() if name == scope)
    token = _saving.set((tables, frozenset(scope_key(scope, pk) for pk in pks)))
    try:
        yield
    finally:
        _saving.reset(token)


_model_save_table = Model._save_table


def _save_table(self, raw=False, cls=None, *args, **kwargs):
    """`Model._save_table` naming the row scopes its UPDATE or INSERT touches: the owners the row
    had when loaded and has now. Wrapped here (not in pre/post_save signals) so that a save that
    fails leaves nothing behind for the writes after it."""
    cls = cls or self.__class__
    entry = ROW_SCOPES.get(cls._meta.db_table)
    if entry is None:
        return _model_save_table(self, raw, cls, *args, **kwargs)
    scope, attributes = entry
    now, loaded = _owners(self, attributes), getattr(self, "_row_scope_owners", set())
    owners = None if now is None or loaded is None else frozenset(now | loaded)
    keys = None if owners is None else frozenset(scope_key(scope, pk) for pk in owners)
    token = _saving.set((frozenset({cls._meta.db_table}), keys))
    try:
        return _model_save_table(self, raw, cls, *args, **kwargs)
    finally:
        _saving.reset(token)
        self._row_scope_owners = _owners(self, attributes)


def install_row_scopes() -> None:
    """Put `_save_table` on every model (KernelConfig.ready)."""
    Model._save_table = _save_table
