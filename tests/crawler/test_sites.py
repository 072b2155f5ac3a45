"""The local test sites: templates served with their base URLs, hits, overrides, sources files."""

from __future__ import annotations

import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.sources import load_sources
from tests.sitesserver import LocalSites

# Loopback only: never let an HTTP(S)_PROXY from the environment see these requests.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ARTICLE_A = "/2024/05/all-of-us-are-dead-season-2-release-date-latest-updates/"


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def text(url: str) -> str:
    return get(url)[2].decode("utf-8")


def test_each_site_has_its_own_loopback_port(sites: LocalSites) -> None:
    bases = {name: sites.base(name) for name in ("kdramabuzz", "syndicator")}
    assert all(base.startswith("http://127.0.0.1:") for base in bases.values())
    assert len(set(bases.values())) == 2


def test_templates_are_served_with_the_site_base(sites_reset: LocalSites) -> None:
    base = sites_reset.base("kdramabuzz")
    status, content_type, raw = get(base + ARTICLE_A)
    body = raw.decode("utf-8")
    assert status == 200
    assert content_type == "text/html; charset=utf-8"
    assert f'<link rel="canonical" href="{base}{ARTICLE_A}">' in body
    assert "{{" not in body


def test_other_sites_are_named_by_placeholder(sites_reset: LocalSites) -> None:
    body = text(sites_reset.base("kdramabuzz") + "/")
    assert f'href="{sites_reset.base("syndicator")}/"' in body


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/feed.xml", "application/xml"),
        ("/sitemap_index.xml", "application/xml"),
        ("/about/", "text/html; charset=utf-8"),
    ],
)
def test_content_types_follow_the_extension(
    sites_reset: LocalSites, path: str, content_type: str
) -> None:
    status, served_type, _ = get(sites_reset.base("kdramabuzz") + path)
    assert (status, served_type) == (200, content_type)


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-page/",
        "/2024/04/sweet-home-season-3-ending-explained/",
        "/source.toml",
        "/../syndicator/index.html",
    ],
)
def test_missing_pages_and_the_source_template_are_404(sites_reset: LocalSites, path: str) -> None:
    status, _, _ = get(sites_reset.base("kdramabuzz") + path)
    assert status == 404


def test_hits_record_paths_with_query_strings_in_order(sites_reset: LocalSites) -> None:
    base = sites_reset.base("syndicator")
    sites_reset.clear_hits()
    get(base + "/feed.xml")
    get(base + "/?utm_source=x")
    assert sites_reset.hits("syndicator") == ["/feed.xml", "/?utm_source=x"]
    assert sites_reset.hits("kdramabuzz") == []


def test_overrides_replace_a_page_until_removed(sites_reset: LocalSites) -> None:
    url = sites_reset.base("kdramabuzz") + ARTICLE_A
    sites_reset.override("kdramabuzz", ARTICLE_A, "<p>updated at {{BASE}}</p>")
    assert text(url) == f"<p>updated at {sites_reset.base('kdramabuzz')}</p>"
    sites_reset.override("kdramabuzz", ARTICLE_A, None)
    assert "All Of Us Are Dead" in text(url)


def test_bytes_overrides_are_served_as_they_are(sites_reset: LocalSites) -> None:
    sites_reset.override("kdramabuzz", "/cover.jpg", b"\xff\xd8{{BASE}}")
    status, content_type, body = get(sites_reset.base("kdramabuzz") + "/cover.jpg")
    assert (status, content_type, body) == (200, "application/octet-stream", b"\xff\xd8{{BASE}}")


def test_reset_forgets_hits_and_overrides(sites: LocalSites) -> None:
    sites.override("syndicator", "/", "replaced")
    get(sites.base("syndicator") + "/")
    sites.reset()
    assert sites.hits("syndicator") == []
    assert "Streamline" in text(sites.base("syndicator") + "/")


def test_write_sources_makes_a_valid_sources_file(sites: LocalSites, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "sources.toml")
    by_name = {source.name: source for source in load_sources(path)}
    assert set(by_name) == {"kdramabuzz", "syndicator", "zombiewire"}
    kdramabuzz = by_name["kdramabuzz"]
    assert kdramabuzz.start_urls == (sites.base("kdramabuzz") + "/",)
    assert kdramabuzz.sitemaps == (sites.base("kdramabuzz") + "/sitemap_index.xml",)
    assert kdramabuzz.allow == (r"/\d{4}/\d{2}/",)
    assert by_name["syndicator"].feeds == (sites.base("syndicator") + "/feed.xml",)


def test_write_sources_takes_names_and_overrides(sites: LocalSites, tmp_path: Path) -> None:
    path = sites.write_sources(tmp_path / "s.toml", ["syndicator"], max_pages=3, enabled=False)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [entry["name"] for entry in data["sources"]] == ["syndicator"]
    (source,) = load_sources(path)
    assert (source.max_pages, source.enabled) == (3, False)
