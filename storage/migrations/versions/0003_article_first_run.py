"""articles.first_run_id: the crawl run that stored an article first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table without rebuilding it.
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("first_run_id", sa.Integer(), nullable=True))
        batch.create_index("ix_articles_first_run_id", ["first_run_id"])
        batch.create_foreign_key(
            "fk_articles_first_run_id_crawl_runs", "crawl_runs", ["first_run_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_constraint("fk_articles_first_run_id_crawl_runs", type_="foreignkey")
        batch.drop_index("ix_articles_first_run_id")
        batch.drop_column("first_run_id")
