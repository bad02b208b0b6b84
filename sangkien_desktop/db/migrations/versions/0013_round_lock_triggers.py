"""Schema changes for issue 17 (the finalized-round lock as database triggers; kept last so its triggers see every table).

Revision ID: 0013
Revises: 0012

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
It stays a no-op until that area needs a schema change. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
