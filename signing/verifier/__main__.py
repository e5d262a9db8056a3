"""``python -m signing.verifier``: the same command as ``certsvc-verify``."""

import sys

from signing.verifier.cli import main

sys.exit(main())
