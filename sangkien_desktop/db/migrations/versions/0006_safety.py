"""Schema changes for issue 7 (backups, finalize, audit chain).

Revision ID: 0006
Revises: 0005

- ``audit_log.hash_version``: the canonical form an entry's hash was computed over (NULL for entries written
  before this revision, which keep their original hashes and are verified the old way).
- ``ix_audit_log_entity_ref`` on (entity, entity_id): the log page filters by the changed record.

Never edit a revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.Integer(), nullable=True))
        batch_op.create_index("ix_audit_log_entity_ref", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index("ix_audit_log_entity_ref")
        batch_op.drop_column("hash_version")
