"""The status bundle and its deltas on the wire: gzip to clients that accept it, compressed once per bundle.

A bundle holds only what is public (certificate numbers, statuses, times and key states) and the
response reflects nothing of the request, so compression gives an attacker nothing to guess at
(BREACH needs a secret and attacker-chosen text in one compressed body).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

JOSE_CONTENT_TYPE = "application/jose"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_KEPT = 8  # bundles and deltas whose compressed bytes this process keeps
_gzipped: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def bundle_response(request: HttpRequest, token: str, *, max_age: int) -> HttpResponse:
    """``token`` as ``application/jose``, gzipped if accepted, an ``ETag`` per encoding (304 on a match)."""
    raw = token.encode("ascii")
    tag = hashlib.sha256(raw).hexdigest()[:32]
    compress = bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    etag = f'"{tag}-gzip"' if compress else f'"{tag}"'
    if etag in _matches(request):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(_compressed(tag, raw) if compress else raw, content_type=JOSE_CONTENT_TYPE)
        if compress:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _matches(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def _compressed(tag: str, raw: bytes) -> bytes:
    """The gzip of ``raw``, computed once per bundle in this process (the shared cache keeps JSON only)."""
    with _lock:
        found = _gzipped.get(tag)
    if found is None:
        found = gzip.compress(raw, compresslevel=9, mtime=0)
    with _lock:
        _gzipped[tag] = found
        _gzipped.move_to_end(tag)
        while len(_gzipped) > _KEPT:
            _gzipped.popitem(last=False)
    return found
