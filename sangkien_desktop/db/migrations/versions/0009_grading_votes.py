"""Schema changes for issue 14 (ties, council votes): a round may require a recorded vote for every
recognized dossier before its decision is printed or it is finalized (``rounds.votes_required``); a saved
result of an undecided tie keeps what each choice gives (``grade_results.reward_if_chosen``,
``grade_if_not_chosen``, ``reward_if_not_chosen``) and its part of the undecided total (``reward_pending``).

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


TIE_COLUMNS = (
    ("reward_if_chosen", sa.BigInteger()),
    ("grade_if_not_chosen", sa.String(length=10)),
    ("reward_if_not_chosen", sa.BigInteger()),
    ("reward_pending", sa.BigInteger()),
)


def upgrade() -> None:
    op.add_column(
        "rounds",
        sa.Column("votes_required", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    for name, type_ in TIE_COLUMNS:
        op.add_column("grade_results", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # SQLite rebuilds the tables; foreign keys are switched off on the migrating connection first
    # (db/migrate.py, migrations/env.py), so no child row is cascaded away
    with op.batch_alter_table("grade_results", schema=None) as batch_op:
        for name, _type in reversed(TIE_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("votes_required")
