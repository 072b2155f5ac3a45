"""The fixture pages of the pipeline tests, their URLs and their expected main text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES = Path(__file__).parent / "pages"

REELRUNDOWN_URL = "https://www.reelrundown.example/all-of-us-are-dead-season-2/"
REELRUNDOWN_AMP_URL = "https://www.reelrundown.example/all-of-us-are-dead-season-2/amp/"
TECHRADAR_URL = "https://techradar247.example/all-of-us-are-dead-season-2-cast-production-update/"
NODATE_URL = "https://bingebulletin.example/sweet-home-season-3-ending-explained"
LISTING_URL = "https://www.reelrundown.example/category/kdrama/"


def read_page(name: str) -> str:
    """A fixture page's HTML (or any file under pages/)."""
    return (PAGES / name).read_text(encoding="utf-8")


def expected_text(name: str) -> str:
    """The main text a page must yield, written from the seed, not from the extractor's output."""
    return read_page(f"{name}.expected.txt").strip()


@dataclass(frozen=True, slots=True)
class BoilerplatePage:
    """A fixture page written to exercise boilerplate removal in one family of markup.

    ``markers`` are strings of this page's boilerplate that must not reach the text, on top of
    the markers every page shares (see test_boilerplate_pages.py)."""

    name: str
    url: str
    markup: str
    markers: tuple[str, ...] = ()


BOILERPLATE_PAGES: tuple[BoilerplatePage, ...] = (
    BoilerplatePage(
        "hallyuhub_glass_orchard_s2",
        "https://hallyuhub.example/2024/06/the-glass-orchard-season-2-confirmed/",
        "WordPress classic (entry-content)",
        ("instant K-drama updates", "Mina Kwon has covered", "View all posts", "orchardwatcher"),
    ),
    BoilerplatePage(
        "hallyuhub_midnight_pharmacy_whatsapp_leak",
        "https://hallyuhub.example/2024/07/midnight-pharmacy-scripts-leaked-whatsapp-group/",
        "WordPress classic, an article about a WhatsApp group (near-miss)",
        ("Follow HallyuHub", "Finale Breaks", "honestly thought it was fan fiction"),
    ),
    BoilerplatePage(
        "hallyuhub_baek_jun_ho_enlistment",
        "https://hallyuhub.example/2024/09/baek-jun-ho-military-service-letter/",
        "WordPress classic, author bio and related list inside the content",
        ("Daniel Cho is", "Related Stories", "Stay safe, Jun-ho", "Eighteen months will fly"),
    ),
    BoilerplatePage(
        "dramapulse_midnight_pharmacy_review",
        "https://dramapulse.example/reviews/midnight-pharmacy-review/",
        "WordPress Gutenberg blocks",
        (
            "Join Telegram",
            "Subscribe on YouTube",
            "Sign me up",
            "every Sunday morning",
            "Han Seo-jin as",
        ),
    ),
    BoilerplatePage(
        "dramapulse_han_seo_jin_newsletter",
        "https://dramapulse.example/news/han-seo-jin-launches-newsletter/",
        "WordPress Gutenberg, an article about a newsletter (near-miss)",
        ("Drama Pulse newsletter", "Sign up for our", "opt out", "Night Ferry Casting"),
    ),
    BoilerplatePage(
        "kdramadiaries_crown_of_salt_ending",
        "https://kdramadiaries.example/2024/08/crown-of-salt-ending-explained.html",
        "Blogger/Blogspot template",
        ("Studio Hanbit |", "@kdramadiaries", "BlogThis", "Email This", "Post a Comment", "Minji"),
    ),
    BoilerplatePage(
        "starwire_kang_do_yun_night_ferry",
        "https://www.starwire.example/news/kang-do-yun-night-ferry-netflix",
        "Next.js div soup with hashed class names",
        ("Reject all", "Copy link", "Han Ji-ho", "Seo Ha-neul Reveals", "senior entertainment"),
    ),
    BoilerplatePage(
        "starwire_critics_circle_awards",
        "https://www.starwire.example/news/seoul-critics-circle-awards-moonlit-harbor",
        "Next.js div soup, ad labels between paragraphs",
        ("K-Drama Briefing", "in your inbox", "Sign up", "White Slope Shares"),
    ),
    BoilerplatePage(
        "kpopcorner_seo_ha_neul_ski_resort_amp",
        "https://kpopcorner.example/seo-ha-neul-next-drama-ski-resort/amp/",
        "AMP",
        ("Hallyu Screen Awards 2024: The Full List", "Filming Locations", "@seohaneul.official"),
    ),
    BoilerplatePage(
        "showbizbuzz_ten_oclock_meeting_s2",
        "https://showbizbuzz.example/ten-oclock-meeting-season-2/",
        "WordPress with a table CTA box",
        ("WhatsApp Channel", "Instagram", "daily updates", "Ski Resort Comedy", "Is It Happening"),
    ),
    BoilerplatePage(
        "showbizbuzz_park_seo_yeon_wrap_photos",
        "https://showbizbuzz.example/park-seo-yeon-wrap-party-photos/",
        "WordPress with picture credits in plain paragraphs and spans",
        ("@parkseoyeon.official", "Getty", "Love this cast"),
    ),
)
