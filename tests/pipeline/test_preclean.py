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


# --- generalisation: each kind of boilerplate in markup of every sort, inside the content ------

PROSE = (
    "Seo Ha-neul thanked the crew of Moonlit Harbor in a long speech, and the audience stood up "
    "when she dedicated the award to every actor still waiting for a first chance."
)


def cleaned_content(snippet: str) -> str:
    """The visible text of an article body holding prose, the snippet, and prose again."""
    html = (
        '<html><body><article><h1>Headline</h1><div class="entry-content">'
        f"<p>{PROSE}</p>{snippet}<p>{PROSE}</p></div></article></body></html>"
    )
    return visible_text(preclean(html))


@pytest.mark.parametrize(
    ("snippet", "boilerplate"),
    [
        # calls to action, in paragraphs, links, buttons, spans, tables
        ('<p><a href="#">Subscribe to our YouTube channel</a></p>', "YouTube"),
        ("<p><strong>Follow us on Instagram @kdramabuzz</strong></p>", "Instagram"),
        ("<div><span>Join KDramaBuzz on WhatsApp</span><button>Join</button></div>", "WhatsApp"),
        ('<p><a href="#">Click here to join</a></p>', "Click here"),
        ('<p><a href="#">Follow Starwire on Google News</a></p>', "Google News"),
        ('<div class="wp-block-buttons"><a href="#">Join Telegram</a></div>', "Telegram"),
        (
            '<table><tr><td>Telegram Channel</td><td><a href="#">Join Now</a></td></tr>'
            '<tr><td>Instagram</td><td><a href="#">Follow Now</a></td></tr></table>',
            "Join Now",
        ),
        ("<p>Join our WhatsApp channel for the latest K-drama updates</p>", "WhatsApp"),
        # teasers for other articles
        ('<p><strong>Read More:</strong> <a href="/x">Squid Game Season 3 Cast</a></p>', "Squid"),
        (
            '<div class="sc-1x2y3"><span>ALSO READ</span><a href="/x">Squid Game Cast</a></div>',
            "Squid",
        ),
        ('<p>Don’t Miss – <a href="/x">Squid Game Season 3 Cast Revealed</a></p>', "Squid"),
        ('<p><em>Related:</em> <a href="/x">Squid Game Season 3 Cast Revealed</a></p>', "Squid"),
        ('<h4>Must Read</h4><ul><li><a href="/x">Squid Game Cast</a></li></ul>', "Squid"),
        ('<div class="also-read"><a href="/x">Squid Game Season 3 Cast</a></div>', "Squid"),
        # ad labels
        ("<p>ADVERTISEMENT</p>", "ADVERTISEMENT"),
        ('<div class="sc-9z"><span>Advertisement</span><div id="div-gpt-ad-1"></div></div>', "Adv"),
        ("<div>Story continues below advertisement</div>", "continues"),
        ("<div>Scroll to continue with content</div>", "Scroll"),
        ("<p>Sponsored</p>", "Sponsored"),
        ('<div class="ad-slot"><p>Ad</p></div>', " Ad "),
        # picture credits and captions
        ("<p>Photo: tvN</p>", "tvN"),
        ("<p><em>Image credit: Netflix</em></p>", "Netflix"),
        ('<div><img src="x.jpg"><span>(Image: Netflix)</span></div>', "Netflix"),
        ("<p>Credit: Getty Images</p>", "Getty"),
        ("<p>Seo Ha-neul at the awards (Photo: Instagram/@seo.haneul)</p>", "Instagram"),
        ("<p>Photo by Kim Min-ho/JBS Drama</p>", "Kim Min-ho"),
        ('<table class="tr-caption-container"><tr><td>Seo Ha-neul</td></tr></table>', "Ha-neul S"),
        # author bios
        (
            '<div data-testid="author-bio"><img src="a.jpg"><a href="/authors/hana">Hana Lee</a>'
            "<p>Hana Lee writes about Korean television and film for the site.</p></div>",
            "Hana Lee",
        ),
        (
            "<h3>About the author</h3><p>Hana Lee writes about Korean television for the site.</p>",
            "Hana Lee",
        ),
        # newsletters
        ('<p><a href="/newsletter">Sign up for our free newsletter</a></p>', "newsletter"),
        (
            "<div><h4>Never miss a premiere</h4><p>The week's news in your inbox.</p>"
            '<form><input type="email"><button>Subscribe</button></form></div>',
            "premiere",
        ),
        # cookie notices
        (
            '<div><p>We use cookies to improve your experience. <a href="/p">Privacy</a></p>'
            "<button>Accept all</button><button>Reject all</button></div>",
            "cookies",
        ),
        ('<div class="cookie-banner"><p>Cookies help us.</p><button>OK</button></div>', "Cookies"),
        # share bars
        (
            '<div class="sc-4k"><span>Share</span><a href="#">Facebook</a><a href="#">X</a>'
            '<a href="#">WhatsApp</a><button>Copy link</button></div>',
            "Facebook",
        ),
        # comments without a comment service's markup
        (
            '<section class="talk"><h3>Comments (2)</h3><div><p>Great!</p></div>'
            "<div><p>She deserved it.</p></div></section>",
            "deserved",
        ),
        ('<div class="x"><h3>Join the discussion</h3><div><p>First!</p></div></div>', "First!"),
    ],
)
def test_boilerplate_inside_the_content_is_removed(snippet: str, boilerplate: str) -> None:
    text = cleaned_content(snippet)
    assert boilerplate not in f" {text} "
    assert text.count(PROSE) == 2


@pytest.mark.parametrize(
    "prose",
    [
        # mentions of the platforms, verbs and labels that calls to action use
        '<p>The teaser went out on <a href="#">WhatsApp</a> first, and fans who joined the '
        "Telegram group got it a day early.</p>",
        "<h2>Follow the Cast on Instagram</h2>",
        "<p>“Join the WhatsApp group here,” one message read, followed by a link.</p>",
        "<p>The WhatsApp group has since been deleted.</p>",
        '<p>Channel Dawn asked fans to follow <a href="#">its official Instagram account</a>.</p>',
        '<p>Read more about the finale in <a href="/x">our review of the last episode</a>.</p>',
        "<p>Also read by millions, the webtoon was adapted twice before this drama.</p>",
        '<p>Related: the director also said <a href="/x">the finale</a> was filmed twice, in '
        "two different harbours, because the first storm scene looked too calm.</p>",
        # newsletters as a subject
        "<h2>Why a Newsletter?</h2>",
        '<p>Fans can sign up for the newsletter on <a href="#">her agency’s website</a>.</p>',
        "<p>“Get the newsletter, not the gossip,” she joked.</p>",
        # pictures, credits, ads and cookies as a subject
        "<p>She captioned the photo: “Can we survive again?”</p>",
        "<p>The photos, credited to the stills photographer, show the whole cast.</p>",
        "<p>An advertisement for the finale ran during the baseball final.</p>",
        "<p>The drama is sponsored by a noodle brand, which explains the kitchen scenes.</p>",
        "<p>“We use cookies to bribe the crew,” the director joked.</p>",
        # lists and headings
        '<ul class="cast-credits"><li>Park Eun-bin as Woo Young-woo</li>'
        "<li>Kang Tae-oh as Lee Jun-ho</li></ul>",
        "<h2>Comments From the Cast</h2>",
        "<h3>Share of the Audience</h3>",
        # words of a sentence that happen to be a link, and markup names that are not widgets
        '<p>You can also <a href="#">subscribe to this newsletter</a> here, every Friday.</p>',
        '<h2 id="h-what-share-of-viewers-came-back">What Share of Viewers Came Back?</h2>',
        '<div class="social-media-embed"><blockquote>Moonlit Harbor made me cry on a train '
        "again. Thank you, Seo Ha-neul.</blockquote></div>",
    ],
)
def test_prose_about_the_same_things_is_kept(prose: str) -> None:
    expected = visible_text(prose)
    text = cleaned_content(prose)
    assert expected in text
    assert text.count(PROSE) == 2


def test_a_byline_box_with_its_date_is_not_an_author_bio() -> None:
    byline = (
        '<div class="author-box"><img src="a.jpg"><span>By Hana Lee, entertainment reporter at '
        'the site</span> <time datetime="2024-05-01">May 1, 2024</time></div>'
    )
    text = visible_text(preclean(f"<div>{byline}<p>{PROSE}</p></div>"))
    assert "By Hana Lee" in text
    assert "May 1, 2024" in text


def test_a_comment_count_in_the_byline_leaves_the_byline_alone() -> None:
    meta = '<div class="meta"><a href="#comments">3 Comments</a> <time>May 1, 2024</time></div>'
    text = visible_text(preclean(f"<div>{meta}<p>{PROSE}</p></div>"))
    assert "May 1, 2024" in text


def test_a_cta_line_between_line_breaks_goes_alone() -> None:
    html = f"<div>{PROSE}<br><b>Follow us on Instagram @kdramabuzz</b><br>{LONG_SENTENCE}</div>"
    text = visible_text(preclean(html))
    assert "Instagram" not in text
    assert PROSE in text
    assert LONG_SENTENCE in text


def content(body: str) -> str:
    """The visible text of an article body after cleaning."""
    return visible_text(
        preclean(f'<html><body><div class="entry-content">{body}</div></body></html>')
    )


def test_a_paragraph_that_is_one_link_to_another_page_goes() -> None:
    text = content(
        f"<p>{LONG_SENTENCE}</p>"
        '<p><a href="/other-story">CLICK HERE TO GET THE FOX NEWS APP</a></p>'
        '<p><a href="#section-2">Jump to the cast list</a></p>'
        '<p>Read <a href="/other">the earlier review</a> for background on the first season.</p>'
    )
    assert "FOX NEWS APP" not in text
    assert "Jump to the cast list" in text  # an anchor within the page is navigation of its own
    assert "for background on the first season" in text  # a link inside a sentence stays


def test_a_list_made_only_of_links_to_other_headlines_goes() -> None:
    text = content(
        f"<p>{LONG_SENTENCE}</p>"
        '<ul><li><a href="/a">Moon Rush: Private Lunar Lander Plans</a></li>'
        '<li><a href="/b">Where Commercial Landers Will Land on the Moon</a></li></ul>'
        '<ul><li>Blue Origin, Kent, Washington</li><li><a href="/c">SpaceX</a>, Hawthorne</li></ul>'
    )
    assert "Moon Rush" not in text
    assert "Blue Origin, Kent, Washington" in text and "Hawthorne" in text


def test_a_follow_us_sentence_naming_several_platforms_goes() -> None:
    text = content(
        f"<p>{LONG_SENTENCE}</p>"
        '<p><i>Follow Newsbeat on </i><a href="https://instagram.com/x">Instagram</a>, '
        '<a href="https://facebook.com/x">Facebook</a> and <a href="https://x.com/x">Twitter</a>.'
        "</p>"
        "<p>Follow the cast on Instagram for behind-the-scenes photos from the set.</p>"
    )
    assert "Follow Newsbeat" not in text
    assert "Follow the cast on Instagram" in text  # one platform, a piece of the story


@pytest.mark.parametrize(
    "label", ["Leggi anche:", "Veja também:", "Lesen Sie auch:", "Lire aussi :"]
)
def test_related_links_labelled_in_other_languages_go(label: str) -> None:
    text = content(f'<p>{LONG_SENTENCE}</p><p>{label} <a href="/x">Another headline here</a></p>')
    assert "Another headline here" not in text
