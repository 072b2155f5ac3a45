"""What `marquee serve` shows in Datasette: the metadata of a SQLite store as a plain dict.

It owns the titles and descriptions of the tables analysts browse, which internal tables stay
hidden, the facets and search of the ``article_list`` view, the canned queries and the
datasette-dashboards "articles over time" dashboard. Every query here only reads.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

Metadata = dict[str, Any]

TITLE = "Marquee"
DESCRIPTION = (
    "Entertainment-news articles crawled by Marquee: one row per article with its clean text, "
    "its source and the TV shows it is filed under. Copies of a story at other sites point at "
    "the story's original (duplicate_of)."
)
ABOUT = "Marquee: crawl entertainment-news sites, keep each article's clean text, file it per show"

DASHBOARD = "articles-over-time"

# Cells of the HTML pages are cut at 300 characters: article texts run to thousands.
SETTINGS: dict[str, Any] = {"truncate_cells_html": 300}

# The crawler's plumbing (migrations, scheduler jobs, LSH index, site templates, conditional
# requests) and the search index; Datasette hides a hidden table's prefix too (articles_fts_*).
HIDDEN_TABLES = (
    "alembic_version",
    "apscheduler_jobs",
    "article_bands",
    "articles_fts",
    "source_blocks",
    "url_checks",
)

# The week an article counts in: the Monday on or before its date ('weekday 0' moves forward to
# Sunday, then back six days), as storage.queries.articles_per_period counts.
# An undated article counts when it was first seen.
WEEK = "date(coalesce(a.published, a.first_seen), 'weekday 0', '-6 days')"

LATEST = 5  # articles per show in latest_per_show
LATEST_PER_SHOW = f"""
WITH ranked AS (
    SELECT s.name AS show, a.id, coalesce(a.published, a.first_seen) AS published,
           src.name AS source, a.title, a.canonical_url AS url,
           row_number() OVER (
               PARTITION BY s.id ORDER BY coalesce(a.published, a.first_seen) DESC, a.id DESC
           ) AS position
    FROM (SELECT DISTINCT article_id, show_id FROM article_shows) l
    JOIN shows s ON s.id = l.show_id
    JOIN articles a ON a.id = l.article_id
    JOIN sources src ON src.id = a.source_id
    WHERE a.duplicate_of_id IS NULL
)
SELECT show, id, published, source, title, url FROM ranked
WHERE position <= {LATEST}
ORDER BY show, position
"""

# A story is shown when any member, the original or a copy, is filed under the show: the
# same clusters as `marquee stories --show`.
SHOW_STORIES = """
WITH wanted AS (
    SELECT id FROM shows WHERE lower(name) = lower(:show)
    UNION SELECT show_id FROM show_aliases WHERE lower(alias) = lower(:show)
),
stories AS (
    SELECT DISTINCT coalesce(a.duplicate_of_id, a.id) AS story
    FROM article_shows l JOIN articles a ON a.id = l.article_id
    WHERE l.show_id IN (SELECT id FROM wanted)
)
SELECT st.story, a.id,
       CASE WHEN a.id = st.story THEN 'original' ELSE 'copy' END AS role,
       src.name AS source, a.published, a.similarity, a.title, a.canonical_url AS url
FROM stories st
JOIN articles o ON o.id = st.story
JOIN articles a ON a.id = st.story OR a.duplicate_of_id = st.story
JOIN sources src ON src.id = a.source_id
WHERE EXISTS (SELECT 1 FROM articles c WHERE c.duplicate_of_id = st.story)
ORDER BY o.published DESC NULLS LAST, st.story, a.id <> st.story, a.published, a.id
"""

# An article filed under several seasons of one show counts once for it.
WEEKLY_COUNTS = f"""
SELECT s.name AS show, {WEEK} AS week, count(DISTINCT a.id) AS articles
FROM article_shows l
JOIN shows s ON s.id = l.show_id
JOIN articles a ON a.id = l.article_id
WHERE a.duplicate_of_id IS NULL
GROUP BY s.name, week
ORDER BY week DESC, articles DESC, show
"""

# Shares as `marquee health` takes them: of the run's articles, failures of the pages lost and
# the articles stored together; NULL when there is nothing to take a share of.
SOURCE_HEALTH = """
WITH ranked AS (
    SELECT h.*, row_number() OVER (PARTITION BY h.source ORDER BY h.run_id DESC) AS position
    FROM source_health h
)
SELECT h.source, h.run_id AS run, r.started_at, h.pages, h.articles,
       round(100.0 * h.with_title / nullif(h.articles, 0), 1) AS title_pct,
       round(100.0 * h.with_date / nullif(h.articles, 0), 1) AS date_pct,
       round(100.0 * h.with_author / nullif(h.articles, 0), 1) AS author_pct,
       round(100.0 * h.long_text / nullif(h.articles, 0), 1) AS long_text_pct,
       h.failed,
       round(100.0 * h.failed / nullif(h.articles + h.failed, 0), 1) AS failed_pct,
       h.boilerplate, h.boilerplate_examples
FROM ranked h JOIN crawl_runs r ON r.id = h.run_id
WHERE h.position = 1
ORDER BY h.source
"""

SHOW_OPTIONS = "SELECT name FROM shows ORDER BY name"

# The chosen show's articles, or every article when no show is chosen: datasette-dashboards
# keeps a [[ ... ]] clause only when its parameter has a value, and finds the clause only
# within one line of SQL.
FILED_UNDER_SHOW = (
    "a.id IN (SELECT l.article_id FROM article_shows l JOIN shows s ON s.id = l.show_id "
    "WHERE s.name = :show)"
)
SHOW_WEEKLY_BY_SOURCE = f"""
SELECT {WEEK} AS week, src.name AS source, count(*) AS articles
FROM articles a JOIN sources src ON src.id = a.source_id
WHERE a.duplicate_of_id IS NULL [[ AND {FILED_UNDER_SHOW} ]]
GROUP BY week, source
ORDER BY week, source
"""

TOP_SHOWS = 5
TOP_SHOWS_WEEKLY = f"""
WITH top AS (
    SELECT s.id, s.name
    FROM shows s
    JOIN article_shows l ON l.show_id = s.id
    JOIN articles a ON a.id = l.article_id
    WHERE a.duplicate_of_id IS NULL
    GROUP BY s.id, s.name
    ORDER BY count(DISTINCT a.id) DESC, s.name
    LIMIT {TOP_SHOWS}
)
SELECT {WEEK} AS week, t.name AS show, count(DISTINCT a.id) AS articles
FROM top t
JOIN article_shows l ON l.show_id = t.id
JOIN articles a ON a.id = l.article_id
WHERE a.duplicate_of_id IS NULL
GROUP BY week, show
ORDER BY week, show
"""


# Weeks as labelled categories (their Monday's date): a time axis would tick at noons and
# Sundays. Counts are whole numbers.
WEEK_AXIS: Metadata = {"field": "week", "type": "ordinal", "title": "Week (from Monday)"}
COUNT_AXIS: Metadata = {
    "field": "articles",
    "type": "quantitative",
    "title": "Articles",
    "axis": {"tickMinStep": 1, "format": "d"},
}


def database_name(path: Path) -> str:
    """The name Datasette gives a database file (and its URL path): the file name's stem."""
    return path.stem


def build_metadata(database: str) -> Metadata:
    """Datasette metadata for a Marquee store served under the name ``database``."""
    return {
        "title": TITLE,
        "description_html": _description_html(database),
        "about": ABOUT,
        "databases": {
            database: {
                "description_html": _description_html(database),
                "tables": _tables(),
                "queries": _queries(),
            }
        },
        "plugins": {"datasette-dashboards": {DASHBOARD: _dashboard(database)}},
    }


def _description_html(database: str) -> str:
    articles = html.escape(f"/{quote(database)}/article_list", quote=True)
    dashboard = f"/-/dashboards/{DASHBOARD}"
    return (
        f"<p>{html.escape(DESCRIPTION)}</p><p>Start with the "
        f'<a href="{articles}">articles</a> (facets on source, show and date; full-text '
        f'search), the canned queries of the database, or the <a href="{dashboard}">articles '
        "over time</a> dashboard.</p>"
    )


def _tables() -> dict[str, Metadata]:
    tables: dict[str, Metadata] = {name: {"hidden": True} for name in HIDDEN_TABLES}
    tables.update(
        {
            "article_list": _article_list(),
            "articles": _articles(),
            "sources": {
                "description": "The news sites, by their name in the sources file.",
                "label_column": "name",
            },
            "shows": {
                "description": "The TV shows articles are filed under, with their ids in "
                "outside catalogues (external_ids, e.g. tmdb).",
                "label_column": "name",
            },
            "show_aliases": {
                "description": "Every spelling of a show's name: the name itself, spellings "
                "seen in titles, typos matched fuzzily and aliases added by operators.",
                "columns": {"key": "The normalised spelling; a key belongs to one show."},
            },
            "article_shows": {
                "description": "Which article is filed under which show, for which season.",
                "columns": {
                    "season": "The season the title states, or empty.",
                    "confidence": "How sure the linker was (1.0: a known name before a "
                    "season or show marker).",
                },
            },
            "article_urls": {
                "description": "Every URL an article was seen at, its canonical URL included.",
            },
            "revisions": {
                "description": "Every fetched version of an article, the current one "
                "included; raw_html is the page as fetched, zlib-compressed.",
            },
            "crawl_runs": {"description": "The crawls: when they ran and how they ended."},
            "crawl_run_sources": {
                "description": "Per crawl run and source: pages fetched and articles new, "
                "updated, duplicate, unchanged and failed.",
            },
            "source_health": {
                "description": "Per crawl run and source: what extraction made of the pages "
                "(see the source_health query for shares).",
            },
            "failures": {
                "description": "Pages a crawl lost: where (fetch, extract, store) and why.",
            },
        }
    )
    return tables


def _article_list() -> Metadata:
    return {
        "title": "Articles",
        "description_html": (
            "One row per article, newest first. Copies of a story at other sites have "
            'duplicate_of set: <a href="?duplicate_of__isnull=1">originals only</a>.'
        ),
        "facets": ["source", {"array": "shows"}, {"date": "published"}],
        "sort_desc": "published",
        # The view has the articles' ids, so the articles' full-text index searches it.
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "columns": {
            "source": "The site it was published on.",
            "published": "When it was published (UTC), as the page states it.",
            "shows": "The shows it is filed under.",
            "url": "Its canonical URL.",
            "duplicate_of": "The id of the story's original when this article is a copy.",
            "revision": "1, 2, ... when the article changed in place.",
            "first_seen": "When Marquee first stored it (UTC).",
        },
    }


def _articles() -> Metadata:
    return {
        "description": "The stored articles as the crawler keeps them (article_list is the "
        "friendlier view).",
        "columns": {
            "duplicate_of_id": "The story's original when this article is a copy.",
            "similarity": "How much of the shorter text the longer one holds, for a copy.",
            "minhash": "The text's MinHash signature (near-duplicate detection).",
        },
    }


def _queries() -> dict[str, Metadata]:
    return {
        "latest_per_show": {
            "title": "Latest articles per show",
            "description": f"Each show's {LATEST} newest articles, copies left out.",
            "sql": LATEST_PER_SHOW.strip(),
        },
        "show_stories": {
            "title": "A show's story clusters",
            "description": "Stories (an original and its copies at other sites) with an "
            "article filed under the show: its name or any alias, in any case.",
            "sql": SHOW_STORIES.strip(),
            "params": ["show"],
        },
        "weekly_counts": {
            "title": "Articles per show per week",
            "description": "Weeks start on Monday; copies are left out.",
            "sql": WEEKLY_COUNTS.strip(),
        },
        "source_health": {
            "title": "Source health",
            "description": "Each source's latest crawl run: shares of its articles with a "
            "title, a date, an author and a long text, and of pages lost (percent).",
            "sql": SOURCE_HEALTH.strip(),
        },
    }


def _dashboard(database: str) -> Metadata:
    return {
        "title": "Articles over time",
        "description": "Articles per week (from Monday), copies left out.",
        "layout": [["show-weekly"], ["top-shows"]],
        "filters": {
            "show": {"name": "Show", "type": "select", "db": database, "query": SHOW_OPTIONS},
        },
        "charts": {
            "show-weekly": {
                "title": "Articles per week per source (the chosen show, or all articles)",
                "db": database,
                "query": SHOW_WEEKLY_BY_SOURCE.strip(),
                "library": "vega-lite",
                "display": _stacked_bars(colour="source"),
            },
            "top-shows": {
                "title": f"Articles per week: the {TOP_SHOWS} shows with the most articles",
                "db": database,
                "query": TOP_SHOWS_WEEKLY.strip(),
                "library": "vega-lite",
                "display": _lines(colour="show"),
            },
        },
    }


def _stacked_bars(colour: str) -> Metadata:
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": WEEK_AXIS,
            "y": {**COUNT_AXIS, "aggregate": "sum"},
            "color": {"field": colour, "type": "nominal"},
        },
    }


def _lines(colour: str) -> Metadata:
    return {
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": WEEK_AXIS,
            "y": COUNT_AXIS,
            "color": {"field": colour, "type": "nominal"},
        },
    }
