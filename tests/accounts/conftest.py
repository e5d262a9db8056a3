# Accounts are tested with the same stock users as the applications they own.
from tests.applications.conftest import *  # noqa: F403
from tests.applications.conftest import _fresh_cache  # noqa: F401
