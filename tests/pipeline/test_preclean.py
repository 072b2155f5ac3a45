"""Boilerplate removal: each kind goes, and only the smallest element that is the boilerplate."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.clean import preclean
from tests.pipeline.pipeline_pages import read_page

LONG_SENTENCE = (
    "The cast confirmed the renewal in a video first posted to the show's WhatsApp channel, "
    "and fans who join the official Telegram group got the teaser a day before everyone else."
)


def visible_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())


@pytest.fixture(scope="module")
def reelrundown_text() -> str:
    return visible_text(preclean(read_page("reelrundown_aouad_s2.html")))


@pytest.fixture(scope="module")
def techradar_text() -> str:
    return visible_text(preclean(read_page("techradar247_aouad_s2.html")))


@pytest.mark.parametrize(
    "boilerplate",
    [
        "WhatsApp Group",
        "Telegram Group",
        "Join Now",
        "4 thoughts on",
        "I rewatched season one",  # a comment
        "May 27, 2024 at 3:15 pm",  # a comment's date
        "Leave a Comment",
        "Cancel reply",
        "Save my name, email, and website",
        "Share this:",
        "Also Read:",
        "(Credit: Netflix)",  # figcaption
        "All Of Us Are Dead Season 2 Cast",  # figcaption inside the content
    ],
)
def test_wordpress_boilerplate_is_removed(reelrundown_text: str, boilerplate: str) -> None:
    assert boilerplate not in reelrundown_text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "WhatsApp Group",  # CTA as a table
        "Join Now",
        "Follow us on Google News",
        "3 Responses to",  # comments without WordPress markup
        "Finally some real news",
        "June 4, 2024",
        "Leave a Reply",
        "Your email address will not be published",
        "Spread the love",  # heateor share bar
        "Read More:",
        "Subscribe to the TechRadar247 newsletter",
        "All Of Us Dead Season 2",  # wp-caption-text
    ],
)
def test_custom_theme_boilerplate_is_removed(techradar_text: str, boilerplate: str) -> None:
    assert boilerplate not in techradar_text


def test_article_around_the_boilerplate_is_kept(reelrundown_text: str) -> None:
    assert "474.26 million hours." in reelrundown_text  # just before the CTA box
    assert "Release Date: When Can the Season 2 Come?" in reelrundown_text  # just after it
    assert "Kim Bo-yoon as Hyo-ryung" in reelrundown_text
    assert "January 15, 2024" in reelrundown_text  # the byline date beside "Leave a Comment"
    assert "Priya Sharma" in reelrundown_text


def test_a_paragraph_that_mentions_whatsapp_is_kept() -> None:
    html = (
        '<div class="entry-content">'
        f"<p>{LONG_SENTENCE}</p>"
        '<p>Teaser shared on <a href="https://t.me/x">Telegram</a> first.</p>'
        '<div class="cta"><p>WhatsApp Group</p><a href="#">Join Now</a></div>'
        "</div>"
    )
    text = visible_text(preclean(html))
    assert LONG_SENTENCE in text
    assert "Teaser shared on Telegram first." in text
    assert "Join Now" not in text


def test_a_container_holding_a_cta_and_prose_keeps_the_prose() -> None:
    html = (
        '<div class="wrap"><section class="box">'
        f"<p>{LONG_SENTENCE}</p><p><strong>Join our WhatsApp channel</strong></p>"
        "</section></div>"
    )
    cleaned = preclean(html)
    assert LONG_SENTENCE in visible_text(cleaned)
    assert "Join our WhatsApp channel" not in visible_text(cleaned)
    assert '<section class="box">' in cleaned


def test_related_words_without_a_link_are_prose() -> None:
    html = "<p>Related to this, the director said the finale was filmed twice.</p>"
    assert "Related to this" in visible_text(preclean(html))


def test_a_share_class_on_the_article_itself_does_not_remove_it() -> None:
    html = f'<article class="post has-share-buttons"><h1>Title</h1><p>{LONG_SENTENCE}</p></article>'
    assert LONG_SENTENCE in visible_text(preclean(html))


def test_a_long_section_is_not_a_share_widget() -> None:
    body = " ".join([LONG_SENTENCE] * 20)  # > MAX_WIDGET_CHARS
    html = f'<div class="social-links-and-story"><p>{body}</p></div>'
    assert LONG_SENTENCE in visible_text(preclean(html))


def test_newsletter_box_goes_with_its_form() -> None:
    html = (
        f"<div><p>{LONG_SENTENCE}</p>"
        '<div class="promo"><h4>Sign up for our newsletter</h4>'
        "<p>The week's streaming news, every Friday.</p>"
        '<form><input type="email"><button>Subscribe</button></form></div></div>'
    )
    text = visible_text(preclean(html))
    assert "newsletter" not in text
    assert "every Friday" not in text
    assert LONG_SENTENCE in text


def test_preclean_leaves_head_metadata_alone() -> None:
    cleaned = preclean(read_page("reelrundown_aouad_s2.html"))
    assert 'rel="canonical"' in cleaned
    assert "application/ld+json" in cleaned
    assert 'property="article:published_time"' in cleaned


def test_identical_cta_boxes_are_all_removed() -> None:
    box = '<div class="cta"><p>WhatsApp Group</p><a href="#">Join Now</a></div>'
    html = f"<div><p>{LONG_SENTENCE}</p>{box}<p>{LONG_SENTENCE}</p>{box}</div>"
    text = visible_text(preclean(html))
    assert "WhatsApp Group" not in text
    assert "Join Now" not in text
    assert text.count(LONG_SENTENCE) == 2
