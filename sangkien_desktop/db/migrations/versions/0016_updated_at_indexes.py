"""Indexes on ``updated_at`` of the tables whose caches ask ``max(updated_at)`` (issue 19).

Revision ID: 0016
Revises: 0015

The duplicate index, the search index and the import's "did anything change meanwhile" check compare the
newest ``updated_at`` of registrations, dossiers, people and earlier years' initiatives; without an index
each question read the whole table (28 ms on a ten-year database, asked on every import preview). Never edit
a revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("registrations", "dossiers", "people", "recognized_initiatives")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_updated_at", table_name=table)
