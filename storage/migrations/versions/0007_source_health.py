"""source_health: per crawl run and source, what extraction made of the source's pages.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    "pages", "failed", "articles", "with_title", "with_date", "with_author", "long_text",
    "boilerplate",
)  # fmt: skip


def upgrade() -> None:
    # Empty at first: runs before this one recorded no figures, so history starts now.
    op.create_table(
        "source_health",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
        sa.Column("boilerplate_examples", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name="fk_source_health_run_id_crawl_runs"
        ),
        sa.PrimaryKeyConstraint("source", "run_id", name="pk_source_health"),
    )


def downgrade() -> None:
    op.drop_table("source_health")
