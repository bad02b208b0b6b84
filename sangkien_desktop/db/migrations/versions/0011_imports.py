"""Schema changes for issue 16 (imports of units' files and earlier years' decision lists, issues 16 and 20).

Revision ID: 0011
Revises: 0010

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
It stays a no-op until that area needs a schema change. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
