"""A Redis cache that a Redis outage turns into misses instead of server errors.

Everything the portal caches can be recomputed, so while Redis is down a read is a miss, a
write is dropped and the pages keep serving from PostgreSQL.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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
