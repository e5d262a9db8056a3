"""The shared cache holds JSON only: a pickle planted in Redis is never unpickled."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from certificates.verification.bundle import BUNDLE_CACHE_KEY
from certsvc.health import HEARTBEAT_CACHE_KEY, heartbeat_age, heartbeat_record

pytestmark = pytest.mark.django_db


class Planted:
    """Unpickling this creates a file: the proof that a value ran as code."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self):
        return (Path.touch, (self.flag,))


@pytest.fixture
def redis_cache():
    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        pytest.skip("CACHE_URL does not point at Redis")
    assert settings.CACHES["default"]["OPTIONS"]["SERIALIZER"] == "certsvc.cache.JSONOnlySerializer"
    cache.clear()
    yield redis.Redis.from_url(location)
    cache.clear()


def _plant(raw: redis.Redis, key: str, flag: Path) -> None:
    raw.set(cache.make_key(key), pickle.dumps(Planted(flag)))
    pickle.loads(raw.get(cache.make_key(key)))  # noqa: S301  # the payload works when unpickled
    assert flag.exists()
    flag.unlink()


@pytest.mark.parametrize("key", [HEARTBEAT_CACHE_KEY, f"{BUNDLE_CACHE_KEY}:0:kid:0", "certsvc:any"])
def test_a_pickle_planted_in_redis_is_read_as_a_miss_and_never_runs(redis_cache, tmp_path, key):
    flag = tmp_path / "ran"
    _plant(redis_cache, key, flag)
    assert cache.get(key) is None
    assert not flag.exists()


def test_the_heartbeat_reads_a_planted_pickle_as_no_heartbeat(redis_cache, tmp_path):
    flag = tmp_path / "ran"
    _plant(redis_cache, HEARTBEAT_CACHE_KEY, flag)
    assert heartbeat_age() is None
    assert not flag.exists()
    heartbeat_record()
    assert redis_cache.get(cache.make_key(HEARTBEAT_CACHE_KEY)).startswith(b"1")  # JSON, not pickle
    assert heartbeat_age() is not None


def test_every_value_the_project_caches_is_stored_as_json(redis_cache, world, client):
    from signing.transparency.services import checkpoint_latest

    heartbeat_record()
    first = checkpoint_latest()
    again = checkpoint_latest()  # from the cache
    assert (again.pk, again.signature, bytes(again.root_hash)) == (
        first.pk,
        first.signature,
        bytes(first.root_hash),
    )
    for _ in range(2):
        client.post("/api/v1/verify/", {"number": world.certificate.number}, content_type="application/json")
    client.get("/api/v1/status/bundle")
    client.get(f"/v/{world.certificate.number}")
    stored = [redis_cache.get(key) for key in redis_cache.keys("*")]
    assert len(stored) >= 4
    for value in stored:
        assert not value.startswith(b"\x80"), value[:40]  # pickle protocol 2+ starts with PROTO
