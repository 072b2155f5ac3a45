"""The crawler's hot-path SQL, built once as Core statements with bound parameters.

Building a statement costs more Python than running it on SQLite; these are built at import
and executed on the session's connection (storage/saving.py, storage/stories.py), most of them
once per batch of articles, so each saved article pays little more than the database's own work.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, case, insert, select, update

from storage.models import Article, ArticleBand, ArticleUrl, Revision, Source

ARTICLES = cast(Table, Article.__table__)
ARTICLE_URLS = cast(Table, ArticleUrl.__table__)
ARTICLE_BANDS = cast(Table, ArticleBand.__table__)
REVISIONS = cast(Table, Revision.__table__)
SOURCES = cast(Table, Source.__table__)

SOURCE_ID = select(SOURCES.c.id).where(SOURCES.c.name == bindparam("name"))
SOURCE_IDS = select(SOURCES.c.name, SOURCES.c.id).where(
    SOURCES.c.name.in_(bindparam("names", expanding=True))
)

URL_OWNERS = select(ARTICLE_URLS.c.url, ARTICLE_URLS.c.article_id).where(
    ARTICLE_URLS.c.url.in_(bindparam("urls", expanding=True))
)

# Near-duplicate look-ups (storage/stories.py): the articles holding any of some band keys,
# then what judging a candidate needs, with the publication date of its story's original.
# BAND_ROWS takes BAND_CHUNK keys named k0, k1 ... (storage/driver.py runs it without
# re-rendering an expanding IN list each time); a shorter list repeats its last key.
BAND_CHUNK = 512
BAND_KEYS = tuple(f"k{i}" for i in range(BAND_CHUNK))
BAND_ROWS = select(ARTICLE_BANDS.c.key, ARTICLE_BANDS.c.article_id).where(
    ARTICLE_BANDS.c.key.in_([bindparam(name) for name in BAND_KEYS])
)
_ORIGINALS = ARTICLES.alias("originals")
_STORY_ROWS = select(
    ARTICLES.c.id,
    ARTICLES.c.duplicate_of_id,
    ARTICLES.c.text_hash,
    ARTICLES.c.minhash,
    ARTICLES.c.shingles,
    case(
        (ARTICLES.c.duplicate_of_id.is_(None), ARTICLES.c.published),
        else_=_ORIGINALS.c.published,
    ).label("story_published"),
).outerjoin(_ORIGINALS, _ORIGINALS.c.id == ARTICLES.c.duplicate_of_id)
STORY_ROWS_BY_ID = _STORY_ROWS.where(ARTICLES.c.id.in_(bindparam("ids", expanding=True)))
STORY_ROWS_BY_TEXT = _STORY_ROWS.where(
    ARTICLES.c.text_hash.in_(bindparam("hashes", expanding=True))
)

# Many rows in one statement, their ids returned in the order of the rows given.
INSERT_ARTICLE = insert(ARTICLES).returning(ARTICLES.c.id, sort_by_parameter_order=True)
INSERT_URL = insert(ARTICLE_URLS)
INSERT_BAND = insert(ARTICLE_BANDS)
INSERT_REVISION = insert(REVISIONS)
SET_ORIGINAL = (
    update(ARTICLES)
    .where(ARTICLES.c.id == bindparam("article"))
    .values(duplicate_of_id=bindparam("original"))
)
