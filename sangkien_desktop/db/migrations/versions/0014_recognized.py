"""Schema changes for issue 20 (earlier years' decision lists imported as recognized initiatives).

Revision ID: 0014
Revises: 0013

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
It stays a no-op until that area needs a schema change. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
