"""Schema changes for issue 16 (imports of units' files and earlier years' decision lists, issues 16 and 20).

Revision ID: 0011
Revises: 0010

Registrations keep the columns units add to the form: Lĩnh vực (``field``) and Ghi chú (``note``); an
author keeps the position written with the name (``job_title``: Hiệu trưởng, Đại úy …). Never edit a revision
after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("registration_authors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_title", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("registration_authors", schema=None) as batch_op:
        batch_op.drop_column("job_title")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("field")
