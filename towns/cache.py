"""A Redis cache that a Redis outage turns into misses instead of server errors.

Everything the portal caches can be recomputed, so while Redis is down a read is a miss, a
write is dropped and the pages keep serving from PostgreSQL.
"""

import functools
import logging

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
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


class TolerantRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, degrading to a miss while Redis is down."""

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


def generation(key: str) -> int:
    """The current generation of a family of cached results; put it in their cache keys."""
    return cache.get_or_set(key, 1, None) or 1


def bump_generation(key: str) -> None:
    """Make every result cached under the current generation of `key` stale (they expire)."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def bump_generation_on_commit(key: str) -> None:
    """Bump now, so that this transaction's own later reads do not see stale results, and again
    after the commit, so that no other request caches the old data under the new generation."""
    bump_generation(key)
    transaction.on_commit(lambda: bump_generation(key))


# Everything the dashboard and the reports aggregate: bumped after any write to business data
# (towns/signals.py for single saves; bulk imports call `data_changed` themselves).
DATA_GENERATION_KEY = "towns:data-generation"
# The apps whose records the dashboard, the reports and the lists' counts read, and the towns
# models they show.
DATA_APPS = frozenset({"achievements", "quotas", "brokers", "evaluation"})
DATA_MODELS = frozenset({"towns.unit", "towns.division", "towns.industry", "towns.policyvalue"})
# The matching index is rebuilt often and in bulk (and has its own invalidation).
NOT_FOLLOWED = frozenset(
    {
        "achievements.match",
        "achievements.matchterm",
        "achievements.matchposting",
        "achievements.matchdocument",
    }
)


def follows_data_generation(model) -> bool:
    """Whether every write to `model` bumps the data generation (so results over it may be
    cached under that generation)."""
    meta = model._meta
    if meta.label_lower in NOT_FOLLOWED:
        return False
    return meta.app_label in DATA_APPS or meta.label_lower in DATA_MODELS


def data_generation() -> int:
    return generation(DATA_GENERATION_KEY)


def data_changed() -> None:
    bump_generation_on_commit(DATA_GENERATION_KEY)
