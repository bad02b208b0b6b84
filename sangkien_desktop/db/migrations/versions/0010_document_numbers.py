"""Schema changes for issue 15 (documents: issuing authority, numbers stored on the round).

Revision ID: 0010
Revises: 0009

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
It stays a no-op until that area needs a schema change. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
