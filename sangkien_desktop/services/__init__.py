"""Use cases, one transaction each; no Qt.

Importing this package installs two hooks on every ORM session:

- the finalized-round lock (``round_lock``): rows of a finalized round cannot be changed by any code path
  until the round is reopened with a reason (the database's own triggers, ``db.lock_triggers``, are the
  last line and also stop raw SQL);
- the audit log's row values (``audit``, ``audit_rows``): every committed transaction records the values of
  the audited rows it touched, so ``check`` can replay the log against the tables.

- the text guard (``clean_text``): control, bidi-override and zero-width characters are removed from every
  text value as it is set on a model;

and on every engine, the translation of "database is locked" into a Vietnamese ``DatabaseBusyError``
(``busy``).
"""

from . import audit as _audit
from . import busy as _busy
from . import clean_text as _clean_text
from . import round_lock as _round_lock

_round_lock.install()
_audit.install()
_busy.install()
_clean_text.install()
