"""URL identity: cleaning, AMP variants, same-site checks, and choosing the canonical URL."""

from __future__ import annotations

import pytest

from pipeline.identity import amp_to_canonical, clean_url, identify, same_site

ARTICLE = "https://www.reelrundown.example/all-of-us-are-dead-season-2/"


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        (
            "HTTPS://WWW.ReelRundown.Example:443/Story/?utm_source=fb&utm_medium=social&b=2&a=1#c",
            "https://www.reelrundown.example/Story/?a=1&b=2",
        ),
        ("https://x.example/a?fbclid=IwAR0&gclid=1&msclkid=2&page=2", "https://x.example/a?page=2"),
        (
            "https://x.example/a?ref=tw&ref_src=twsrc&igshid=1&mc_cid=1&mc_eid=2",
            "https://x.example/a",
        ),
        ("https://x.example/a?_ga=2.1&yclid=3&dclid=4&spm=a.b&id=7", "https://x.example/a?id=7"),
        ("http://x.example:80/a", "http://x.example/a"),
        ("http://127.0.0.1:8001/a?UTM_Campaign=x", "http://127.0.0.1:8001/a"),
        ("https://x.example", "https://x.example/"),
        ("https://x.example/a?q=", "https://x.example/a?q="),  # a blank value is still a value
    ],
)
def test_clean_url(url: str, cleaned: str) -> None:
    assert clean_url(url) == cleaned


def test_clean_url_is_idempotent() -> None:
    once = clean_url("HTTP://X.example/a b?z=1&utm_term=x&a=%7e")
    assert clean_url(once) == once


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (ARTICLE + "amp/", ARTICLE),
        (ARTICLE + "amp", ARTICLE.rstrip("/")),  # no slash was there, none is added
        ("https://x.example/story/amp", "https://x.example/story"),
        ("https://x.example/story/?amp", "https://x.example/story/"),
        ("https://x.example/story/?amp=1&page=2", "https://x.example/story/?page=2"),
        ("https://x.example/story?outputType=amp", "https://x.example/story"),
        ("https://x.example/story.amp", "https://x.example/story"),
        ("https://x.example/story-123.amp.html", "https://x.example/story-123.html"),
        ("https://x.example/amplified/", "https://x.example/amplified/"),
        ("https://x.example/camp", "https://x.example/camp"),
        ("https://x.example/story?amp=0", "https://x.example/story?amp=0"),
    ],
)
def test_amp_to_canonical(url: str, canonical: str) -> None:
    assert amp_to_canonical(url) == canonical


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.x.example/a", "https://x.example/b", True),
        ("http://x.example/a", "https://x.example/b", True),
        ("http://X.example:80/a", "http://x.example/b", True),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b", True),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", False),
        ("https://x.example/a", "https://news.x.example/a", False),
        ("https://x.example/a", "https://y.example/a", False),
        ("not a url", "also not", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same
    assert same_site(b, a) is same


def test_declared_canonical_wins_and_all_raw_variants_are_kept() -> None:
    fetched = ARTICLE + "?utm_source=facebook&fbclid=abc"
    seen = [ARTICLE + "amp/", ARTICLE + "#comments", fetched]
    identity = identify(fetched, [ARTICLE, ARTICLE], seen)
    assert identity.canonical_url == ARTICLE
    assert identity.urls == (ARTICLE, fetched, ARTICLE + "amp/", ARTICLE + "#comments")


def test_without_declaration_the_url_itself_is_cleaned_and_de_amped() -> None:
    identity = identify(ARTICLE + "amp/?utm_medium=social")
    assert identity.canonical_url == ARTICLE
    assert identity.urls == (ARTICLE, ARTICLE + "amp/?utm_medium=social")


def test_homepage_canonical_is_broken_so_og_url_is_used() -> None:
    url = "https://techradar247.example/aouad-season-2/"
    identity = identify(url, ["https://techradar247.example/", url])
    assert identity.canonical_url == url
    assert "https://techradar247.example/" not in identity.urls


def test_homepage_canonical_is_fine_for_the_homepage() -> None:
    assert identify("https://x.example/?utm_source=a", ["https://x.example/"]).canonical_url == (
        "https://x.example/"
    )


def test_cross_site_canonical_is_a_syndication_hint_not_identity() -> None:
    url = "https://syndicator.example/news/aouad-s2"
    identity = identify(url, ["https://original.example/aouad-s2/"])
    assert identity.canonical_url == url
    assert identity.urls == (url,)


def test_other_port_is_another_site() -> None:
    url = "http://127.0.0.1:8001/post/1"
    identity = identify(url, ["http://127.0.0.1:8002/post/1"])
    assert identity.canonical_url == url


def test_relative_declared_url_is_resolved() -> None:
    identity = identify("https://x.example/a/b?utm_source=x", ["/a/b"])
    assert identity.canonical_url == "https://x.example/a/b"
    assert identity.urls == ("https://x.example/a/b", "https://x.example/a/b?utm_source=x")


def test_declared_amp_url_is_mapped_too() -> None:
    assert identify("https://x.example/s", ["https://x.example/s?amp=1"]).canonical_url == (
        "https://x.example/s"
    )
