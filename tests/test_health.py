"""End to end: crawls of a local site record its health, and `marquee health` flags the site
once its layout changes (dates and bylines gone, a promo box in every article)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli

pytestmark = pytest.mark.crawl

# Local sites answer at once: no politeness delays, and no waiting for a store batch to fill.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
        "-s", "MARQUEE_STORE_WAIT=0.1"]  # fmt: skip
SITE = "syndicator"
ARTICLES = sorted((Path(__file__).parent / "sites" / SITE / "news").glob("*.html"))
# The redesign's promo box, at the top of every article body.
PROMO = (
    "Watch every trailer first in the Streamline Daily app, free for thirty days on any phone.",
    "Streamline Daily picks the best new series for you every single weekend of the year.",
)


def updated(html: str, run: int, slug: str) -> str:
    """The article with an update paragraph of its own: a new revision in each run."""
    note = f"<p>Update {run} for {slug}: our editors checked this story again this morning.</p>"
    return html.replace('<div class="story-body">', f'<div class="story-body">{note}')


def relaid(html: str) -> str:
    """The article as the redesigned site serves it: no date or byline, a promo box on top."""
    html = re.sub(r'\s*<meta property="article:published_time"[^>]*>', "", html)
    html = re.sub(r'\s*<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<div class="byline">.*?</div>', "", html, flags=re.S)
    box = "".join(f'<p class="promo">{line}</p>' for line in PROMO)
    return html.replace('<div class="story-body">', f'<div class="story-body">{box}')


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", db_url], catch_exceptions=False)


def crawl(sites: Any, db_url: str, sources: Path, serve: Any = None) -> None:
    """A crawl of the site, its articles served changed by ``serve(html, slug)`` when given."""
    if serve is not None:
        for page in ARTICLES:
            html = serve(page.read_text(encoding="utf-8"), page.stem)
            sites.override(SITE, f"/news/{page.name}", html)
        time.sleep(1.1)  # the source's revisit interval (1 s) passes: they are asked for again
    result = run(db_url, "crawl", "--sources", str(sources), *FAST)
    assert result.exit_code == 0, result.output


def test_health_flags_a_source_after_its_layout_changes(sites_reset: Any, tmp_path: Path) -> None:
    sites = sites_reset
    sources = sites.write_sources(tmp_path / "sources.toml", [SITE], revisit="1s")
    db_url = f"sqlite:///{tmp_path / 'marquee.db'}"
    crawl(sites, db_url, sources)
    crawl(sites, db_url, sources, lambda html, slug: updated(html, 2, slug))

    healthy = run(db_url, "health")

    assert healthy.exit_code == 0, healthy.output
    row = next(line for line in healthy.stdout.splitlines() if SITE in line)
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    # source, run, articles, title, date, author, long_text, failed, boilerplate, history, flags:
    # the site names no author; one earlier run is too few for medians (and for flags).
    assert cells == [SITE, "2", "3", "100%", "100%", "0%", "100%", "0%", "0", "1", ""]
    assert healthy.stderr == ""

    crawl(sites, db_url, sources, lambda html, _slug: relaid(html))
    flagged = run(db_url, "health", "--source", SITE, "--format", "json")

    assert flagged.exit_code == 1
    [record] = json.loads(flagged.stdout)
    assert record["flags"] == ["date 100% → 0%", "boilerplate 0 → 2"]
    assert (record["articles"], record["date"], record["date_median"]) == (3, 0.0, 100.0)
    assert sorted(record["boilerplate_examples"]) == sorted(PROMO)
    assert flagged.stderr == f"{SITE} flagged: date 100% → 0%, boilerplate 0 → 2\n"
