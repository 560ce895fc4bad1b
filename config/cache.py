"""A Redis cache that degrades instead of failing: while Redis is unreachable, reads miss and writes are dropped.

Sessions (`cached_db`) then come from the database, dashboard figures are computed afresh and rate limits count
nothing for the moment (they let requests through); no page fails because the cache is away. Django's own
RedisCache raises on a connection error, which turned every signed-in page into a 500 while Redis was down.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:  # once a minute is enough to see the outage in the logs
        _last_warning = time.monotonic()
        logger.warning("Cache unreachable (%s during %s); pages go on without it.", error, operation)


def _fail_soft(operation: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCacheClient, operation)(self, *args, **kwargs)
        except UNREACHABLE as error:
            _warn(operation, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = operation
    return method


class FailSoftRedisCacheClient(RedisCacheClient):
    get = _fail_soft("get", lambda key, default=None: default)
    get_many = _fail_soft("get_many", {})
    has_key = _fail_soft("has_key", False)
    # "Added": a lock taken through the cache (allauth's rate limits) lets the request through rather than
    # refusing every login while Redis is away.
    add = _fail_soft("add", True)
    set = _fail_soft("set", None)
    set_many = _fail_soft("set_many", [])
    touch = _fail_soft("touch", False)
    delete = _fail_soft("delete", False)
    delete_many = _fail_soft("delete_many", None)
    clear = _fail_soft("clear", False)
    incr = _fail_soft("incr", lambda key, delta=1: delta)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
