"""Production settings (``DEBUG=false``) plus the benchmark's reference endpoints.

Only ``bench/verify_load.py`` names this module; the service's own settings refuse the
reference endpoints outside development, since they serve documents anonymously.
"""

from certsvc.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
