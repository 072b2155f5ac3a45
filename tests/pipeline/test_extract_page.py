"""Extraction of the fixture pages: structured text, metadata from the article's own markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.errors import NotAnArticle, PageTooLarge, UnreadablePage
from pipeline.extract import extract
from pipeline.types import Extracted, ExtractOptions
from tests.pipeline.pipeline_pages import LISTING_URL, TECHRADAR_URL, expected_text, read_page

IST = timezone(timedelta(hours=5, minutes=30))
CAST = (
    "Yoon Chan-young as Lee Cheong-san",
    "Park Ji-hu as Nam On-jo",
    "Cho Yi-hyun as Choi Nam-ra",
    "Lomon as Lee Su-hyeok",
    "Park Solomon as Su-hyeok",
    "Im Jae-hyuk as Dae-su",
    "Ha Seung-ri as Ha-ri",
    "Lee Eun-saem as Mi-jin",
    "Kim Bo-yoon as Hyo-ryung",
)
BOILERPLATE = (
    "WhatsApp",
    "Telegram",
    "Join Now",
    "Google News",
    "thoughts on",
    "Responses to",
    "Leave a",
    "Your email address",
    "Required fields",
    "Share this",
    "Spread the love",
    "Also Read",
    "Read More",
    "newsletter",
    "Credit: Netflix",
    "Recent Posts",
    "Squid Game Season 3: Netflix Confirms",  # a sidebar headline
    "May 27, 2024 at",  # a comment date
)
PROSE = (
    "The director said the second season will follow the survivors after the bombing, with new "
    "kinds of zombies and a bigger cast. Filming is planned for the end of the year."
)


def article_page(head: str = "", header: str = "", after: str = "") -> str:
    """A minimal article page; the parts under test are passed in."""
    return (
        "<!DOCTYPE html><html><head><title>Test Show Season 2: News - Test Site</title>"
        f"{head}</head><body><article><header><h1>Test Show Season 2: News</h1>{header}</header>"
        f'<div class="entry-content"><p>{PROSE}</p><p>{PROSE} Again.</p></div></article>'
        f"{after}</body></html>"
    )


# --- main text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("reelrundown", "reelrundown_aouad_s2"),
        ("techradar", "techradar247_aouad_s2"),
        ("reelrundown_amp", "reelrundown_aouad_s2"),
    ],
)
def test_text_is_exactly_the_article(
    request: pytest.FixtureRequest, fixture: str, expected: str
) -> None:
    extracted: Extracted = request.getfixturevalue(fixture)
    assert extracted.text == expected_text(expected)


@pytest.mark.parametrize("fixture", ["reelrundown", "techradar", "reelrundown_amp", "nodate"])
@pytest.mark.parametrize("boilerplate", BOILERPLATE)
def test_no_boilerplate_in_text(
    request: pytest.FixtureRequest, fixture: str, boilerplate: str
) -> None:
    assert boilerplate not in request.getfixturevalue(fixture).text


def test_every_paragraph_is_its_own_block(reelrundown: Extracted, techradar: Extracted) -> None:
    for extracted, name in (
        (reelrundown, "reelrundown_aouad_s2"),
        (techradar, "techradar247_aouad_s2"),
    ):
        blocks = extracted.text.split("\n\n")
        for paragraph in expected_text(name).split("\n\n"):
            assert paragraph in blocks
        assert "\n\n\n" not in extracted.text


def test_headings_stand_alone(reelrundown: Extracted) -> None:
    blocks = reelrundown.text.split("\n\n")
    assert "Release Date: When Can the Season 2 Come?" in blocks
    assert "Final Words" in blocks


def test_cast_list_is_one_item_per_line(reelrundown: Extracted) -> None:
    lines = reelrundown.text.splitlines()
    for member in CAST:
        assert f"- {member}" in lines
    start = lines.index(f"- {CAST[0]}")
    assert lines[start : start + len(CAST)] == [f"- {member}" for member in CAST]


def test_headline_inside_the_content_is_not_text(nodate: Extracted) -> None:
    assert nodate.text.startswith("Sweet Home has finally reached its end.")


# --- title, author ----------------------------------------------------------------------------


def test_titles_lose_the_site_name(
    reelrundown: Extracted, techradar: Extracted, nodate: Extracted
) -> None:
    assert reelrundown.title == (
        "All Of Us Are Dead Season 2: Release Date, Latest Updates, Story and All We Know"
    )
    # The site name here is only known from the host name.
    assert techradar.title == (
        "All Of Us Are Dead Season 2: Cast Teases Production Update! Returning In 2023?"
    )
    assert nodate.title == "Sweet Home Season 3 Ending Explained: Who Survived The Final Battle?"


def test_title_with_pipe_suffix_from_og_site_name() -> None:
    head = (
        '<meta property="og:title" content="Test Show Season 2: News | Binge Bulletin">'
        '<meta property="og:site_name" content="Binge Bulletin">'
    )
    assert extract(article_page(head=head), "https://x.example/a").title == (
        "Test Show Season 2: News"
    )


def test_authors(reelrundown: Extracted, techradar: Extracted, nodate: Extracted) -> None:
    assert reelrundown.author == "Priya Sharma"  # JSON-LD author via the Yoast graph
    assert techradar.author is None  # only "Admin" is named
    assert nodate.author == "Daniel Park"  # the "By Daniel Park" byline


def test_meta_author_is_used_but_not_a_generic_account() -> None:
    named = article_page(head='<meta name="author" content="Hana Lee">')
    generic = article_page(head='<meta name="author" content="admin">')
    assert extract(named, "https://x.example/a").author == "Hana Lee"
    assert extract(generic, "https://x.example/a").author is None


def json_ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def test_json_ld_author_by_reference_is_resolved() -> None:
    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "author": {"@id": "#hana"}},'
        '{"@type": "Person", "@id": "#hana", "name": "Hana Lee"}]}'
    )
    assert extract(article_page(head=json_ld(graph)), "https://x.example/a").author == "Hana Lee"


def test_organisation_is_not_an_author_and_bad_json_ld_is_skipped() -> None:
    org = '{"@type": "Article", "author": {"@type": "Organization", "name": "Test Site"}}'
    head = json_ld("{not json") + json_ld(org) + '<meta name="author" content="Mina Cho">'
    assert extract(article_page(head=head), "https://x.example/a").author == "Mina Cho"


# --- dates ------------------------------------------------------------------------------------


def test_dates_from_json_ld(reelrundown: Extracted, reelrundown_amp: Extracted) -> None:
    for extracted in (reelrundown, reelrundown_amp):
        assert extracted.published == datetime(2024, 1, 15, 9, 12, 44, tzinfo=IST)
        assert extracted.modified == datetime(2024, 2, 3, 11, 20, 5, tzinfo=IST)
        assert extracted.published is not None
        assert extracted.published.utcoffset() == timedelta(hours=5, minutes=30)


def test_dates_from_meta_and_time_never_from_comments(techradar: Extracted) -> None:
    assert techradar.published == datetime(2024, 5, 27, 8, 30, tzinfo=UTC)
    # No meta for it: the article's own <time class="updated">, not the June comment dates.
    assert techradar.modified == datetime(2024, 5, 28, 10, 0, tzinfo=UTC)


def test_no_date_metadata_means_no_date(nodate: Extracted) -> None:
    # The comments are dated May 27, 2024 and the prose names December 18, 2020: neither counts.
    assert nodate.published is None
    assert nodate.modified is None


JSON_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", '
    '"@type": "NewsArticle", "headline": "Test Show Season 2: News", '
    '"datePublished": "2024-03-01T10:00:00+09:00"}</script>'
)
META = '<meta property="article:published_time" content="2024-03-02T10:00:00Z">'
OWN_TIME = '<time class="entry-date published" datetime="2024-03-03T10:00:00+01:00">Mar 3</time>'
COMMENT = (
    '<div id="comments"><ol class="comment-list"><li><time datetime="2024-03-04T10:00:00Z">'
    "March 4, 2024</time> Great!</li></ol></div>"
)


@pytest.mark.parametrize(
    ("head", "header", "published"),
    [
        (JSON_LD + META, OWN_TIME, datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=9)))),
        (META, OWN_TIME, datetime(2024, 3, 2, 10, tzinfo=UTC)),
        ("", OWN_TIME, datetime(2024, 3, 3, 10, tzinfo=timezone(timedelta(hours=1)))),
        ("", "<time>March 5, 2024</time>", datetime(2024, 3, 5, tzinfo=UTC)),
        (
            '<meta property="article:published_time" content="2024-03-06">',
            "",
            datetime(2024, 3, 6, tzinfo=UTC),
        ),
        (
            '<meta property="article:published_time" content="2024-03-07 08:00:00">',
            "",
            datetime(2024, 3, 7, 8, tzinfo=UTC),
        ),
        ("", "", None),
    ],
)
def test_published_precedence(head: str, header: str, published: datetime | None) -> None:
    extracted = extract(
        article_page(head=head, header=header, after=COMMENT), "https://x.example/a"
    )
    assert extracted.published == published


# --- tags, language, declared URLs ------------------------------------------------------------


def test_tags_merged_deduplicated_in_order(reelrundown: Extracted, techradar: Extracted) -> None:
    # article:tag, then JSON-LD keywords, then categories; "KDrama" is "K-Drama" again.
    assert reelrundown.tags == ("All of Us Are Dead", "K-Drama", "Netflix", "Zombie", "TV Shows")
    assert techradar.tags == (
        "All of Us Are Dead",
        "Netflix",
        "K-Drama",
        "Entertainment",
        "KDrama News",
        "TV Shows",
    )


def test_language(reelrundown: Extracted, techradar: Extracted, nodate: Extracted) -> None:
    assert reelrundown.language == "en"  # <html lang="en-US">
    assert techradar.language == "en"  # <html lang="en-GB">
    assert nodate.language is None
    locale_only = article_page(head='<meta property="og:locale" content="pt_BR">')
    assert extract(locale_only, "https://x.example/a").language == "pt"


def test_declared_urls(reelrundown: Extracted, techradar: Extracted, nodate: Extracted) -> None:
    assert reelrundown.declared_urls == (
        "https://www.reelrundown.example/all-of-us-are-dead-season-2/",
    )
    # The broken homepage canonical is reported as declared; identity decides what to trust.
    assert techradar.declared_urls == ("https://techradar247.example/", TECHRADAR_URL)
    assert nodate.declared_urls == ()


# --- errors -----------------------------------------------------------------------------------


def test_listing_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract(read_page("listing_kdrama.html"), LISTING_URL)
    assert str(raised.value).startswith("not-an-article: ")


def test_listing_page_without_json_ld_is_not_an_article() -> None:
    html = read_page("listing_kdrama.html").replace('"CollectionPage"', '"WebPage"')
    # Its headlines are lone links to other pages: teasers, removed, which leaves too little.
    with pytest.raises(NotAnArticle, match="characters of main text"):
        extract(html, LISTING_URL)


def test_the_paragraph_check_rejects_pages_of_short_lines_when_asked() -> None:
    page = article_page()
    assert extract(page, "https://x.example/a").text
    with pytest.raises(NotAnArticle, match="paragraph"):
        extract(page, "https://x.example/a", ExtractOptions(min_paragraph_chars=5000))


def test_short_text_is_not_an_article() -> None:
    page = article_page()
    with pytest.raises(NotAnArticle):
        extract(page, "https://x.example/a", ExtractOptions(min_text_chars=2000))
    assert extract(page, "https://x.example/a", ExtractOptions(min_text_chars=100)).text


def test_page_too_large() -> None:
    with pytest.raises(PageTooLarge):
        extract(article_page(), "https://x.example/a", ExtractOptions(max_html_chars=100))


@pytest.mark.parametrize("html", ["", "   \n ", "\x00\x01\x02\x89PNG\x1a\x00" * 50])
def test_unreadable_html(html: str) -> None:
    with pytest.raises(UnreadablePage):
        extract(html, "https://x.example/a")


def test_lead_image(reelrundown: Extracted, techradar: Extracted) -> None:
    assert (
        reelrundown.image
        == "https://www.reelrundown.example/wp-content/uploads/2024/01/aouad-s2.jpg"
    )
    assert techradar.image is None  # the page names none
    page = article_page(
        head='<script type="application/ld+json">{"@type": "NewsArticle", '
        '"image": {"@type": "ImageObject", "url": "/img/lead.jpg"}}</script>'
    )
    assert extract(page, "https://x.example/a").image == "https://x.example/img/lead.jpg"
