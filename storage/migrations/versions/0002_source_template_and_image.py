"""Learned per-source templates (source_blocks, sources.template_pages) and articles.image.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN works on SQLite too: both columns are nullable or have a default.
    op.add_column("articles", sa.Column("image", sa.Text(), nullable=True))
    op.add_column(
        "sources",
        sa.Column("template_pages", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.create_table(
        "source_blocks",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_blocks_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("source_id", "fingerprint", name=op.f("pk_source_blocks")),
    )
    op.create_index("ix_source_blocks_source_id_pages", "source_blocks", ["source_id", "pages"])


def downgrade() -> None:
    op.drop_table("source_blocks")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of articles would trip over the foreign
    # keys that point at it once it holds rows.
    op.drop_column("sources", "template_pages")
    op.drop_column("articles", "image")
