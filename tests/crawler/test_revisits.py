"""crawler.revisits: a known article is left alone until its revisit is due or its feed or
sitemap says it changed, and is then asked for conditionally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.revisits import Revisit, Revisits, load_revisits
from storage import checks
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.records import CheckRow

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
URL = "https://site.example/2026/11/story/"
CHECKED = CheckRow(URL, NOW - timedelta(hours=5), '"abc"', "Sat, 21 Nov 2026 09:00:00 GMT")
REVISITS = Revisits({URL: CHECKED}, timedelta(days=1), NOW)


def test_an_unknown_url_is_fetched_plainly() -> None:
    assert REVISITS.decide("https://site.example/new/") == Revisit({})


def test_a_known_url_is_left_alone_until_its_revisit_is_due() -> None:
    assert REVISITS.decide(URL) is None
    assert REVISITS.decide(URL, lastmod=NOW - timedelta(days=2)) is None  # older than the check
    later = Revisits({URL: CHECKED}, timedelta(hours=4), NOW)
    assert later.decide(URL) == Revisit(
        {"If-None-Match": '"abc"', "If-Modified-Since": "Sat, 21 Nov 2026 09:00:00 GMT"}
    )


def test_a_newer_lastmod_fetches_it_again_conditionally() -> None:
    revisit = REVISITS.decide(URL, lastmod=NOW - timedelta(hours=1))
    assert revisit is not None and revisit.headers["If-None-Match"] == '"abc"'


def test_checks_round_trip_and_a_304_keeps_the_validators(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'marquee.db'}"
    assert load_revisits(url, "site", timedelta(days=1)).checks == {}  # no store yet
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        checks.record_checks(session, "site", [CHECKED])
        checks.record_checks(session, "site", [CheckRow(URL, NOW)])  # a 304: no validators
    engine.dispose()
    loaded = load_revisits(url, "site", timedelta(days=1)).checks[URL]
    assert loaded == CheckRow(URL, NOW, CHECKED.etag, CHECKED.last_modified)
    assert load_revisits(url, "other", timedelta(days=1)).checks == {}
