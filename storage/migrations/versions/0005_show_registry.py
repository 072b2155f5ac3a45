"""Show registry: external ids per show, where each alias came from, a confidence per link.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shows") as batch:
        batch.add_column(sa.Column("external_ids", sa.JSON(), nullable=True))
    with op.batch_alter_table("show_aliases") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(), nullable=False, server_default="seen")
        )
    # Aliases stored so far were the names titles printed; a show's own name is its "name".
    op.execute(
        "UPDATE show_aliases SET origin = 'name' WHERE alias = "
        "(SELECT shows.name FROM shows WHERE shows.id = show_aliases.show_id)"
    )
    with op.batch_alter_table("article_shows") as batch:
        batch.add_column(
            sa.Column("confidence", sa.Float(), nullable=False, server_default="1.0")
        )


def downgrade() -> None:
    with op.batch_alter_table("article_shows") as batch:
        batch.drop_column("confidence")
    with op.batch_alter_table("show_aliases") as batch:
        batch.drop_column("origin")
    with op.batch_alter_table("shows") as batch:
        batch.drop_column("external_ids")
