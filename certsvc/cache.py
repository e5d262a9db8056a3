"""The shared cache holds JSON only: a value in Redis is data, never code.

Django's and django-redis's default serializer is pickle, so anything able to write to Redis
would run code in the web and worker processes when a value is read. Values that are not JSON
(a planted pickle, a value of another program) are read as a miss.
The embedded default's file cache still pickles: its directory sits under ``VAR_DIR`` next to
the SQLite database, the development keys and the secret key, owned by the service; whoever can
write there already holds everything, so it opens nothing new.
"""

from __future__ import annotations

import logging
from typing import Any

from django_redis.exceptions import ConnectionInterrupted
from django_redis.serializers.json import JSONSerializer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache outage raises: callers that only save work go on without the cache.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError, ConnectionInterrupted)


class JSONOnlySerializer(JSONSerializer):  # type: ignore[misc]  # django-redis ships no types
    def loads(self, value: bytes) -> Any:
        try:
            return super().loads(value)
        except ValueError:  # UnicodeDecodeError and JSONDecodeError both are
            logger.warning("cache value is not JSON; read as a miss")
            return None
