"""Schema change for issues 18/21: pairs set apart from the assignment by hand.

Revision ID: 0015
Revises: 0014

One new table, ``assignment_exclusions``: a member ↔ dossier pair the automatic assignment must leave alone,
either because the secretary removed that assignment by hand (kind "removed") or because she recorded a
conflict of interest the software cannot see (kind "relative" or "other", with the reason). Never edit a
revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sangkien_desktop.db.lock_triggers import create_child_triggers, drop_child_triggers

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXCLUSIONS = {"assignment_exclusions": ("dossier_id", "dossier")}  # frozen here, as 0013's lists are


def upgrade() -> None:
    op.create_table(
        "assignment_exclusions",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_assignment_exclusions_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["council_members.id"],
            name=op.f("fk_assignment_exclusions_member_id_council_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_exclusions")),
        sa.UniqueConstraint(
            "dossier_id", "member_id", name=op.f("uq_assignment_exclusions_dossier_id_member_id")
        ),
    )
    op.create_index(op.f("ix_assignment_exclusions_dossier_id"), "assignment_exclusions", ["dossier_id"])
    op.create_index(op.f("ix_assignment_exclusions_member_id"), "assignment_exclusions", ["member_id"])
    # a finalized round's exclusions and hand-recorded conflicts are locked like its assignments (issue 17)
    create_child_triggers(op.get_bind(), EXCLUSIONS)


def downgrade() -> None:
    drop_child_triggers(op.get_bind(), EXCLUSIONS)
    op.drop_index(op.f("ix_assignment_exclusions_member_id"), table_name="assignment_exclusions")
    op.drop_index(op.f("ix_assignment_exclusions_dossier_id"), table_name="assignment_exclusions")
    op.drop_table("assignment_exclusions")
