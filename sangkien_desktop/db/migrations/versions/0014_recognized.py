"""Schema changes for issue 20 (earlier years' decision lists imported as recognized initiatives).

Revision ID: 0014
Revises: 0013

Three new tables: ``recognized_imports`` (one decision list imported: year, decision number and date, file, a
digest of its rows), ``recognized_initiatives`` (its rows: title, unit, grade as written, points, amount) and
``recognized_authors`` (their authors, linked to people, with the certificate number of each). Never edit a
revision after it has shipped: add a new one instead.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "recognized_imports",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("decision_no", sa.String(length=50), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["year"], ["years.year"], name=op.f("fk_recognized_imports_year_years")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognized_imports")),
    )
    op.create_index(op.f("ix_recognized_imports_rows_sha256"), "recognized_imports", ["rows_sha256"])
    op.create_index(op.f("ix_recognized_imports_year"), "recognized_imports", ["year"])
    op.create_table(
        "recognized_initiatives",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_text", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("authors_text", sa.Text(), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("grade_label", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["recognized_imports.id"],
            name=op.f("fk_recognized_initiatives_import_id_recognized_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_recognized_initiatives_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["year"], ["years.year"], name=op.f("fk_recognized_initiatives_year_years")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognized_initiatives")),
    )
    op.create_index(op.f("ix_recognized_initiatives_import_id"), "recognized_initiatives", ["import_id"])
    op.create_index(op.f("ix_recognized_initiatives_unit_id"), "recognized_initiatives", ["unit_id"])
    op.create_index(op.f("ix_recognized_initiatives_year"), "recognized_initiatives", ["year"])
    op.create_table(
        "recognized_authors",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("job_title", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=100), nullable=False),
        sa.Column("certificate_year", sa.Integer(), nullable=True),
        sa.Column("register_no", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["recognized_initiatives.id"],
            name=op.f("fk_recognized_authors_initiative_id_recognized_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_recognized_authors_person_id_people")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_recognized_authors_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognized_authors")),
    )
    op.create_index(op.f("ix_recognized_authors_initiative_id"), "recognized_authors", ["initiative_id"])
    op.create_index(op.f("ix_recognized_authors_name_key"), "recognized_authors", ["name_key"])
    op.create_index(op.f("ix_recognized_authors_person_id"), "recognized_authors", ["person_id"])


def downgrade() -> None:
    for table, columns in (
        ("recognized_authors", ("person_id", "name_key", "initiative_id")),
        ("recognized_initiatives", ("year", "unit_id", "import_id")),
        ("recognized_imports", ("year", "rows_sha256")),
    ):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
