"""Use cases, one transaction each; no Qt.

Importing this package installs the finalized-round lock on every ORM session (``round_lock``): rows of a
finalized round cannot be changed by any code path until the round is reopened with a reason.
"""

from . import round_lock as _round_lock

_round_lock.install()
