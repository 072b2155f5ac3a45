"""The crawler's hot-path SQL, built once as Core statements with bound parameters.

Building a statement costs more Python than running it on SQLite; these are built at import
and executed per page on the session's connection (repository.py), so each saved article pays
only for parameter binding and the database's own work.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, func, insert, literal, select, union_all

from storage.models import Article, ArticleBand, ArticleUrl, Revision, Source

ARTICLES = cast(Table, Article.__table__)
ARTICLE_URLS = cast(Table, ArticleUrl.__table__)
ARTICLE_BANDS = cast(Table, ArticleBand.__table__)
REVISIONS = cast(Table, Revision.__table__)
SOURCES = cast(Table, Source.__table__)

EXACT_RANK = 1_000_000  # ranks a same-text candidate above any count of shared band keys

SOURCE_ID = select(SOURCES.c.id).where(SOURCES.c.name == bindparam("name"))

URL_OWNERS = select(ARTICLE_URLS.c.url, ARTICLE_URLS.c.article_id).where(
    ARTICLE_URLS.c.url.in_(bindparam("urls", expanding=True))
)

# Near-duplicate candidates: the stored articles with exactly the same text (ranked first,
# whether or not they have a signature), then those sharing the most band keys with it.
_SHARED = (
    select(ARTICLE_BANDS.c.article_id, func.count().label("shared"))
    .where(ARTICLE_BANDS.c.key.in_(bindparam("keys", expanding=True)))
    .group_by(ARTICLE_BANDS.c.article_id)
    .order_by(func.count().desc(), ARTICLE_BANDS.c.article_id)
    .limit(bindparam("limit"))
    .subquery()
)
_CANDIDATE_COLUMNS = (
    ARTICLES.c.id,
    ARTICLES.c.duplicate_of_id,
    ARTICLES.c.text_hash,
    ARTICLES.c.minhash,
    ARTICLES.c.shingles,
)
_SAME_TEXT = (
    select(*_CANDIDATE_COLUMNS, literal(EXACT_RANK).label("shared"))
    .where(ARTICLES.c.text_hash == bindparam("text_hash"), ARTICLES.c.id != bindparam("exclude"))
    .order_by(ARTICLES.c.duplicate_of_id.is_not(None), ARTICLES.c.id)
    .limit(1)
)
_SHARING_BANDS = (
    select(*_CANDIDATE_COLUMNS, _SHARED.c.shared)
    .join(_SHARED, _SHARED.c.article_id == ARTICLES.c.id)
    .where(ARTICLES.c.minhash.is_not(None), ARTICLES.c.id != bindparam("exclude"))
)
_ALL = union_all(_SAME_TEXT.subquery().select(), _SHARING_BANDS).subquery()
CANDIDATES = select(*_ALL.c).order_by(_ALL.c.shared.desc(), _ALL.c.id)

INSERT_ARTICLE = insert(ARTICLES).returning(ARTICLES.c.id)
INSERT_URL = insert(ARTICLE_URLS)
INSERT_BAND = insert(ARTICLE_BANDS)
INSERT_REVISION = insert(REVISIONS)
