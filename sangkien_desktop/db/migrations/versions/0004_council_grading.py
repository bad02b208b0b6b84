"""Schema changes for issue 5 (council, assignment, scoring, grading).

Revision ID: 0004
Revises: 0003

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
Adds ``tie_decisions``. Never edit a revision after it has shipped:
add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The council's decision on dossiers tied at a quota's edge (kept when grades are recomputed).
    op.create_table(
        "tie_decisions",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_tie_decisions_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tie_decisions")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_tie_decisions_dossier_id")),
    )


def downgrade() -> None:
    op.drop_table("tie_decisions")
