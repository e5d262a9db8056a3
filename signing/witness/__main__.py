import sys

from signing.witness import main

sys.exit(main())
