"""Schema changes for issue 22 (shared-folder databases, and the UI issues 18 and 21).

Revision ID: 0012
Revises: 0011

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
It stays a no-op until that area needs a schema change. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
