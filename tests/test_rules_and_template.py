"""Per-source rules (pipeline/rules.py) and the learned template (pipeline/template.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from lxml.html import tostring

from pipeline.dom import parse, text_of
from pipeline.extract import extract
from pipeline.rules import apply_selectors, check_selector
from pipeline.template import block_fingerprint, block_fingerprints, remove_template_blocks
from pipeline.types import ExtractOptions

URL = "https://fake.example/2024/05/story/"
STORY = (
    "The drama's second season opens a year after the first ended, and the writers have said "
    "that the quiet harbour town will look very different when the characters return to it."
)
MORE = (
    "Filming took place over the winter, and the cast spent several weeks on location by the "
    "sea, where the storm scenes of the finale were shot at night in freezing weather."
)
AD = "Sponsored: buy tickets for the fan meeting now, limited seats available this weekend."
PROMO = "Read the full interview with the director in our print magazine, out every Friday."


def page(content: str = "", *, head: str = "", outside: str = "") -> str:
    """A small article page: the story's two paragraphs plus ``content`` inside the post."""
    return f"""<html><head><title>Moonlit Harbor Season 2 - Fake Site</title>
<meta property="og:title" content="Moonlit Harbor Season 2: Everything We Know">
<meta property="article:published_time" content="2024-05-20T08:00:00+00:00">
<meta name="author" content="Meta Author">{head}</head>
<body><div class="layout">
  <div class="post">
    <h1 class="headline">Moonlit Harbor Season 2: Release Date</h1>
    <p class="byline">by <span class="name">Jina Park</span></p>
    <p class="when"><time datetime="2024-05-22T09:30:00+00:00">May 22, 2024</time></p>
    <div class="story"><p>{STORY}</p><p class="note">{AD}</p><p>{MORE}</p></div>
    {content}
  </div>
  {outside}
</div></body></html>"""


def extracted_text(html: str, **options: object) -> str:
    return extract(html, URL, ExtractOptions(**options)).text  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ selectors


def test_check_selector_accepts_css_and_names_the_problem() -> None:
    assert check_selector("div.story > p:first-child") == "div.story > p:first-child"
    with pytest.raises(ValueError, match=r"invalid CSS selector 'p\.\.x': Expected ident"):
        check_selector("p..x")


def test_content_selector_limits_extraction_to_that_element() -> None:
    promo = f'<p class="promo">{PROMO} {PROMO}</p>'
    assert PROMO in extracted_text(page(promo))
    text = extracted_text(page(promo), content_selector="div.story")
    assert STORY in text and MORE in text
    assert PROMO not in text


def test_content_selector_keeps_the_head_and_json_ld() -> None:
    json_ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "From JSON-LD", "datePublished": "2024-05-19T07:00:00+00:00"}</script>'
    )
    html = page(outside=json_ld)
    result = extract(html, URL, ExtractOptions(content_selector="div.story"))
    assert result.title == "Moonlit Harbor Season 2: Everything We Know"  # og:title, in <head>
    assert result.published == datetime(2024, 5, 19, 7, tzinfo=UTC)  # JSON-LD, outside the post


def test_a_content_selector_that_matches_nothing_changes_nothing() -> None:
    html = page()
    assert extracted_text(html, content_selector="div.nowhere") == extracted_text(html)


def test_drop_selectors_remove_their_elements() -> None:
    assert AD in extracted_text(page())
    text = extracted_text(page(), drop_selectors=("p.note", ".nowhere"))
    assert AD not in text
    assert STORY in text and MORE in text


def test_drop_selectors_never_remove_the_page_itself() -> None:
    root = parse(page())
    apply_selectors(root, ExtractOptions(drop_selectors=("html", "body", "head")))
    assert root.find("head") is not None and root.find("body") is not None
    assert STORY in text_of(root)


def test_metadata_selectors_win_over_the_pages_other_markup() -> None:
    plain = extract(page(), URL)
    assert (plain.title, plain.author) == (
        "Moonlit Harbor Season 2: Everything We Know",
        "Meta Author",
    )
    ruled = extract(
        page(),
        URL,
        ExtractOptions(
            title_selector="h1.headline",
            author_selector="p.byline",
            date_selector="p.when time",
        ),
    )
    assert ruled.title == "Moonlit Harbor Season 2: Release Date"
    assert ruled.author == "Jina Park"  # "by " is not part of the name
    assert ruled.published == datetime(2024, 5, 22, 9, 30, tzinfo=UTC)  # the datetime attribute
    assert STORY in ruled.text and MORE in ruled.text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<meta itemprop="datePublished" content="2024-05-23T10:00:00Z">',
            datetime(2024, 5, 23, 10),
        ),
        ('<span class="d">May 24, 2024</span>', datetime(2024, 5, 24)),
        ('<time datetime="not a date">May 25, 2024</time>', datetime(2024, 5, 25)),
    ],
)
def test_a_date_selector_reads_content_attributes_and_text(markup: str, expected: datetime) -> None:
    html = page(f'<div class="dated">{markup}</div>')
    result = extract(html, URL, ExtractOptions(date_selector=".dated > *"))
    assert result.published == expected.replace(tzinfo=UTC)


def test_metadata_selectors_that_find_nothing_leave_the_metadata_alone() -> None:
    options = ExtractOptions(
        title_selector=".none", author_selector=".none", date_selector="p.byline"
    )
    result = extract(page(), URL, options)  # p.byline holds no date
    plain = extract(page(), URL)
    assert (result.title, result.author, result.published) == (
        plain.title,
        plain.author,
        plain.published,
    )


# ------------------------------------------------------------------------------ template

SIDEBAR = "Fake Site is an independent blog about television dramas, run by two fans."
FOOTER = "Copyright 2024 Fake Site Media. Reproduction without permission is prohibited."


def test_block_fingerprints_cover_text_blocks_of_twenty_characters_or_more() -> None:
    html = f"""<html><head><title>A title long enough to count</title></head><body>
    <p>{STORY}</p>
    <ul><li><a href="/x">A linked headline of another story</a></li><li>Short item</li></ul>
    <table><tr><td>A table cell with enough text in it</td></tr></table>
    <div class="foot">{FOOTER} <a href="/privacy">Privacy</a></div>
    <div class="wrapper"><p>{SIDEBAR}</p></div>
    <script>var text = "script text is never a block of the page";</script>
    </body></html>"""
    fingerprints = block_fingerprints(parse(html))
    for text in (
        STORY,
        "A linked headline of another story",  # the <li> and the <a> alike
        "A table cell with enough text in it",
        f"{FOOTER} Privacy",  # a <div> with text of its own
        SIDEBAR,  # the <p>; the wrapper <div> holds no text of its own
    ):
        assert block_fingerprint(text) in fingerprints, text
    assert block_fingerprint("Short item") not in fingerprints
    assert block_fingerprint("A title long enough to count") not in fingerprints  # <head>
    assert len(fingerprints) == 5


def test_fingerprints_ignore_case_whitespace_and_typography() -> None:
    assert block_fingerprint("It’s  the  FINAL season — really") == block_fingerprint(
        "it's the final season - really"
    )
    assert len(block_fingerprint(STORY)) == 16


def test_template_blocks_are_removed_with_the_element_around_them() -> None:
    html = f"""<html><body><main><article>
    <h1>{SIDEBAR}</h1>
    <p>{STORY}</p>
    <p>Read <a href="/x">{FOOTER}</a> for the background to this story.</p>
    </article></main>
    <aside><ul><li class="only-link"><a href="/x">{FOOTER}</a></li></ul>
    <section><div><p>{SIDEBAR}</p></div><p>A paragraph kept in the sidebar too.</p></section>
    </aside>
    <div class="foot"><span>{FOOTER}</span> <span>Another line here, kept.</span></div>
    </body></html>"""
    root = parse(html)
    template = frozenset({block_fingerprint(SIDEBAR), block_fingerprint(FOOTER)})
    assert remove_template_blocks(root, template) == 3
    assert root.xpath("//li[@class='only-link']") == []  # the <li>, not just its link
    assert root.xpath("//aside/section/div") == []  # the wrapper holding only that text
    assert text_of(root.find(".//h1")) == SIDEBAR  # the headline always stays
    assert FOOTER in text_of(root.find(".//article"))  # a link inside a sentence stays
    assert "A paragraph kept in the sidebar too." in text_of(root)
    assert "Another line here, kept." in text_of(root)
    assert root.xpath("//div[@class='foot']/span")


def test_the_page_skeleton_is_never_removed() -> None:
    root = parse(f"<html><body><main><article><p>{STORY}</p></article></main></body>")
    assert remove_template_blocks(root, frozenset({block_fingerprint(STORY)})) == 1
    article = root.find(".//body/main/article")
    assert article is not None
    assert text_of(article) == ""


def test_an_empty_template_changes_nothing() -> None:
    root = parse(page())
    before = tostring(root)
    assert remove_template_blocks(root, frozenset()) == 0
    assert tostring(root) == before


def page_blocks(html: str, options: ExtractOptions) -> frozenset[str]:
    return extract(html, URL, replace(options, collect_blocks=True)).blocks


def test_page_blocks_see_the_page_as_extraction_does() -> None:
    html = page(outside=f'<div class="side"><p>{SIDEBAR}</p></div>')
    everything = page_blocks(html, ExtractOptions())
    assert {block_fingerprint(STORY), block_fingerprint(SIDEBAR)} <= everything
    content_only = page_blocks(html, ExtractOptions(content_selector="div.story"))
    assert block_fingerprint(STORY) in content_only
    assert block_fingerprint(SIDEBAR) not in content_only


def test_a_template_removes_its_blocks_from_the_extracted_text() -> None:
    html = page(f"<p>{PROMO}</p>")
    assert PROMO in extracted_text(html)
    text = extracted_text(html, template=frozenset({block_fingerprint(PROMO)}))
    assert PROMO not in text
    assert STORY in text and MORE in text
