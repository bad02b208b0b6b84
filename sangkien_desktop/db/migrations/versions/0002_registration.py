"""Schema changes for issue 3 (registration: search index, import mappings).

Revision ID: 0002
Revises: 0001

Adds ``registrations.search_key``: the accent-folded text of every column of a registration (đ folded to
d), kept in sync by the model, searched with LIKE on PostgreSQL and as the source of the SQLite FTS5 index
(a per-connection TEMP table built by ``services.search``, so the schema holds no SQLite-only objects).
Existing rows are filled here. Never edit a revision after it has shipped: add a new one instead.
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIELDS = ("title", "applied_unit", "problem", "content", "effect", "scope", "authors_text", "department")


def _fold_key(text: str) -> str:
    """A frozen copy of domain.text.fold_key as it was when this revision was written."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kept = unicodedata.normalize("NFC", kept).replace("đ", "d").replace("Đ", "D").casefold()
    return " ".join(w for w in re.split(r"[^0-9a-z]+", kept) if w)


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.Text(), server_default="", nullable=False))

    registrations = sa.table(
        "registrations", sa.column("id", sa.Integer), sa.column("search_key", sa.Text),
        *(sa.column(name, sa.Text) for name in _FIELDS),
    )  # fmt: skip
    conn = op.get_bind()
    rows = conn.execute(sa.select(registrations.c.id, *(registrations.c[n] for n in _FIELDS))).all()
    for row in rows:
        key = _fold_key(" ".join(str(v or "") for v in row[1:]))
        conn.execute(registrations.update().where(registrations.c.id == row[0]).values(search_key=key))


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("search_key")
