"""URL checks (when each article URL was last fetched, its ETag / Last-Modified), the stage at
which a failed page was lost, and the process that runs a crawl.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: articles stored earlier are fetched once more, then checked as usual.
    op.create_table(
        "url_checks",
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_url_checks_source_id_sources"
        ),
        sa.PrimaryKeyConstraint("url", name="pk_url_checks"),
    )
    op.create_index("ix_url_checks_source_id", "url_checks", ["source_id"])
    with op.batch_alter_table("failures") as batch:
        batch.add_column(sa.Column("stage", sa.String(), nullable=False, server_default="fetch"))
    # Earlier failures: the pipeline's own reasons and store errors are known by name (an
    # extraction "timeout" cannot be told from a download's and stays "fetch").
    op.execute(
        "UPDATE failures SET stage = 'extract' WHERE reason IN "
        "('pipeline-error', 'unreadable', 'too-large', 'not-an-article')"
    )
    op.execute("UPDATE failures SET stage = 'store' WHERE reason = 'store-error'")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("host", sa.String(), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
    with op.batch_alter_table("failures") as batch:
        batch.drop_column("stage")
    op.drop_index("ix_url_checks_source_id", table_name="url_checks")
    op.drop_table("url_checks")
