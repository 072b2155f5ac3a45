"""Near-duplicates: articles' MinHash signatures and similarity, and the LSH band-key table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Articles stored earlier keep NULL signatures until `marquee reprocess` computes them.
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("similarity", sa.Float(), nullable=True))
        batch.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("shingles", sa.Integer(), nullable=True))
    op.create_table(
        "article_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name="fk_article_bands_article_id_articles"
        ),
        sa.PrimaryKeyConstraint("key", "article_id", name="pk_article_bands"),
    )
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_article_bands_article_id", table_name="article_bands")
    op.drop_table("article_bands")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("shingles")
        batch.drop_column("minhash")
        batch.drop_column("similarity")
