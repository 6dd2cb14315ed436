"""A Redis cache that degrades to "no cache" while Redis is down, instead of failing the request.

The cache only ever holds what can be recomputed (dashboard fragments, the calendar, debounce keys),
so a lost connection must not turn pages and the sync API into errors: a read is a miss, a write is
skipped, and ``add`` answers True (the caller goes ahead, e.g. schedules the recompute through the
outbox). Short socket timeouts (``CACHES … OPTIONS``) keep a dead Redis from holding requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _unavailable(exc: Exception) -> bool:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, (RedisConnectionError, RedisTimeoutError, OSError))


#: Each guarded method and what it answers while Redis is unreachable.
_DEGRADED: dict[str, Any] = {
    "get": None,  # replaced by the caller's default below
    "get_many": {},
    "set": None,
    "add": True,
    "set_many": [],
    "delete": False,
    "delete_many": None,
    "touch": False,
    "has_key": False,
    "clear": False,
}


def _guarded(name: str) -> Callable[..., Any]:
    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except Exception as exc:
            if not _unavailable(exc):
                raise
            logger.warning("cache unavailable (%s): %s skipped", exc, name)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return _DEGRADED[name]

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and writes are skipped while Redis is unreachable."""


for _name in _DEGRADED:
    setattr(ResilientRedisCache, _name, _guarded(_name))
