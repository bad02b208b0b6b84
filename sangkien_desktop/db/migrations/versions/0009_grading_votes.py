"""Schema changes for issue 14 (ties, council votes): a round may require a recorded vote for every
recognized dossier before its decision is printed or it is finalized (``rounds.votes_required``).

Revision ID: 0009
Revises: 0008

Never edit a revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "rounds",
        sa.Column("votes_required", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # SQLite rebuilds the table; env.py switches foreign keys off first, so no child row is cascaded away
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("votes_required")
