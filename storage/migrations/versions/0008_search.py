"""Full-text search over articles, and the article_list view analysts browse.

SQLite: an external-content FTS5 table ``articles_fts`` (title, text) kept in sync with
``articles`` by triggers. PostgreSQL: a generated ``search_vector`` tsvector column with a GIN
index. Both: a view ``article_list`` with one row per article, its source's name and its shows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 07:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Porter stemming ("zombies" finds "zombie"); diacritics folded ("Pokémon" = "Pokemon").
# content="articles" in double quotes is also how Datasette recognises the index as the
# articles table's own.
SQLITE_FTS = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content="articles", content_rowid="id",
    tokenize="porter unicode61 remove_diacritics 2"
)
"""
SQLITE_TRIGGERS = (
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
)

# to_tsvector fails on a text whose vector passes 1 MB; the first 100,000 characters (some
# 15,000 words, ten times a long article) always fit, so an outsized page cannot fail a crawl.
POSTGRES_VECTOR = """
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', left(text, 100000)), 'B')
) STORED
"""

# Date filters compare this expression (storage.queries.filter_articles); indexed, a search
# or listing narrowed by date reads no article rows to apply it.
PUBLISHED_OR_SEEN = (
    "CREATE INDEX ix_articles_published_or_seen ON articles (coalesce(published, first_seen))"
)

SHOW_NAMES = {
    "sqlite": "SELECT json_group_array(name) FROM (SELECT DISTINCT s.name FROM article_shows l "
    "JOIN shows s ON s.id = l.show_id WHERE l.article_id = a.id ORDER BY s.name)",
    "postgresql": "SELECT coalesce(json_agg(DISTINCT s.name ORDER BY s.name), '[]'::json) "
    "FROM article_shows l JOIN shows s ON s.id = l.show_id WHERE l.article_id = a.id",
}

ARTICLE_LIST = """
CREATE VIEW article_list AS
SELECT a.id, a.title, src.name AS source, a.published, ({shows}) AS shows, a.author,
       a.canonical_url AS url, a.duplicate_of_id AS duplicate_of, a.revision, a.first_seen,
       a.text
FROM articles a JOIN sources src ON src.id = a.source_id
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(POSTGRES_VECTOR)
        op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")
    op.execute(PUBLISHED_OR_SEEN)
    op.execute(ARTICLE_LIST.format(shows=SHOW_NAMES[dialect]))


def downgrade() -> None:
    op.execute("DROP VIEW article_list")
    op.execute("DROP INDEX ix_articles_published_or_seen")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER articles_fts_{trigger}")
        op.execute("DROP TABLE articles_fts")
    else:
        op.execute("DROP INDEX ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN search_vector")
