"""Schema changes for issue 4 (dossier intake).

Revision ID: 0003
Revises: 0002

- ``authorships``: nơi công tác, chức danh, trình độ as written on the đơn (``workplace``, ``job_title``,
  ``qualification``), so a later change to the person does not rewrite an old dossier.
- ``dossiers``: the submitter's phone (``delivered_phone``) and the date promised for the result
  (``result_due_on``), both printed on the giấy biên nhận.

This revision is reserved for one area so that areas developed in parallel keep a single linear history.
Never edit a revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("authorships") as batch:
        batch.add_column(sa.Column("workplace", sa.String(255), nullable=False, server_default=""))
        batch.add_column(sa.Column("job_title", sa.String(255), nullable=False, server_default=""))
        batch.add_column(sa.Column("qualification", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("delivered_phone", sa.String(50), nullable=False, server_default=""))
        batch.add_column(sa.Column("result_due_on", sa.Date(), nullable=True))
    # Copy the people's current values into the existing authorships.
    op.execute(
        sa.text(
            "UPDATE authorships SET "
            "workplace = COALESCE((SELECT p.workplace FROM people p WHERE p.id = authorships.person_id), ''), "
            "job_title = COALESCE((SELECT p.job_title FROM people p WHERE p.id = authorships.person_id), ''), "
            "qualification = COALESCE("
            "(SELECT p.qualification FROM people p WHERE p.id = authorships.person_id), '')"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("result_due_on")
        batch.drop_column("delivered_phone")
    with op.batch_alter_table("authorships") as batch:
        batch.drop_column("qualification")
        batch.drop_column("job_title")
        batch.drop_column("workplace")
