"""``python -m sangkien_desktop …`` runs the ``sangkien`` command line."""

import sys

from .cli import main

sys.exit(main())
