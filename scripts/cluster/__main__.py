"""``python -m scripts.cluster``: see run.py."""

import sys

from scripts.cluster.run import main

sys.exit(main())
