"""Schema changes for issue 15 (documents: numbers and dates that stick).

Revision ID: 0010
Revises: 0009

Every number and date given to a round's documents is stored on the round when it is allocated or typed,
so every output (PDF, Word, Excel, the Sở workbook, the archive) prints the same "01/BB-HĐSK":

- ``rounds.minutes_no`` (the minutes are dated ``meeting_on``), ``rounds.submission_no`` and
  ``rounds.submission_date`` (the tờ trình), ``rounds.certificate_date`` (the date signed on the
  certificates; blank lines until it is set). ``decision_no`` / ``decision_date`` already existed.
- A decision number stored as bare digits ("1") is rewritten as it is printed ("01/QĐ-HĐSK"), with the
  decision ký hiệu in force when it was entered (the settings' value, or the old default QĐ-HĐSK).

Never edit a revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_DECISION_SUFFIX = "QĐ-HĐSK"  # the default ký hiệu of decisions before this revision


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("minutes_no", sa.String(50), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("submission_no", sa.String(50), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("submission_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("certificate_date", sa.Date(), nullable=True))
    _spell_out_decision_numbers()


def _spell_out_decision_numbers() -> None:
    conn = op.get_bind()
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    rounds = sa.table("rounds", sa.column("id", sa.Integer), sa.column("decision_no", sa.String))
    stored = conn.execute(sa.select(settings.c.value).where(settings.c.key == "suffix_decision")).scalar()
    suffix = (stored or "").strip().lstrip("/") or OLD_DECISION_SUFFIX
    for rid, raw in conn.execute(sa.select(rounds.c.id, rounds.c.decision_no)).all():
        text = (raw or "").strip()
        if text.isdigit() and len(text) <= 6:
            conn.execute(
                rounds.update().where(rounds.c.id == rid).values(decision_no=f"{int(text):02d}/{suffix}")
            )


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_column("certificate_date")
        batch_op.drop_column("submission_date")
        batch_op.drop_column("submission_no")
        batch_op.drop_column("minutes_no")
