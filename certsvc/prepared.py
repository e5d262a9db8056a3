"""A cursor whose statements PostgreSQL parses and plans once per connection, not once per request.

Django binds parameters on the client and prepares nothing, so every execution of a statement is
parsed and planned again: for the indexed read of verify by number, that is most of PostgreSQL's
work (150 µs of its CPU in a 233 µs read; prepared, 60 in 128: ``bench/README.md``). ``prepared_cursor``
is ``connection.cursor()`` with Django's connection handling, error wrapping and query logging, over a
psycopg cursor that binds on the server and prepares each statement, when the connection allows
prepared statements (``prepare_threshold``, set by ``DB_PREPARED_STATEMENTS``; off behind a pooler
that cannot keep them, such as PgBouncer before 1.21 in transaction mode). Django's own cursors
bind on the client and prepare nothing either way. Other databases get the plain cursor. Django's
query log (``DEBUG``, tests) counts a prepared statement but cannot show its text: psycopg keeps
none for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from django.db.backends.utils import CursorWrapper


class PreparingCursor(psycopg.Cursor[Any]):
    """Binds on the server and prepares every statement it runs (psycopg keeps them per connection)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=prepare, binary=binary)


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.connection.prepare_threshold is not None:
            cursor.cursor.close()
            cursor.cursor = PreparingCursor(connection.connection)
        yield cursor
