"""The finalized-round lock as database triggers, and the audited rows' values in the audit log (issue 17).

Revision ID: 0013
Revises: 0012

Kept last among the revisions reserved in parallel, so its triggers see every table.

- ``audit_log.row_values``: the values of the audited rows each transaction touched (``services.audit_rows``);
  an entry holding the current values of every audited row is written (hash version 3), so ``check`` can
  replay the log from here on, and the chain's head goes into the setting ``audit_head``.
- the lock triggers of ``db.lock_triggers`` on SQLite and PostgreSQL, with the column lists frozen below.
- control, bidi-override and zero-width characters are removed from every stored text (``services.clean_text``;
  the app removes them at every entry from now on).

Downgrade drops the triggers and the column (the snapshot entry stays: an older app verifies it as an entry
of an unknown hash version, as it would any newer entry).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sangkien_desktop.db.lock_triggers import LockedColumns, create_triggers, drop_triggers

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCKED = LockedColumns(
    rounds=(
        "year",
        "number",
        "field",
        "status",
        "meeting_on",
        "decision_no",
        "decision_date",
        "finalized_at",
        "co_author_limit",
        "members_per_dossier",
        "score_spread_limit",
        "double_entry",
        "quorum",
        "approval_numerator",
        "approval_denominator",
    ),
    dossiers=(
        "year",
        "round_id",
        "receipt_no",
        "received_on",
        "unit_id",
        "title",
        "kind",
        "field",
        "first_applied_on",
        "accepted_on",
        "investor",
        "summary",
        "status",
    ),
    people=("full_name",),
)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("row_values", sa.Text(), server_default="", nullable=False))
    conn = op.get_bind()
    # issue 17: the hash and canonical values of the log, and the text cleaning of every entry
    from sangkien_desktop.services import audit, clean_text

    clean_text.clean_stored_text(conn)  # before the triggers: a finalized round's text is cleaned too
    create_triggers(conn, LOCKED)

    audit.append_snapshot(
        conn, "Ghi nhận giá trị hiện có của mọi dòng dữ liệu được theo dõi (nâng cấp lược đồ)"
    )


def downgrade() -> None:
    conn = op.get_bind()
    drop_triggers(conn)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("row_values")
