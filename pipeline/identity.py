"""URL identity: cleaned URLs, AMP variants, same-site checks and an article's canonical URL."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from pipeline.types import Identity

# Query parameters that only say how a reader arrived (campaigns, click ids, referrers).
TRACKING_PARAMS = frozenset(
    {
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "cmpid",
        "dclid",
        "fbclid",
        "gbraid",
        "gclid",
        "gclsrc",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "msclkid",
        "ncid",
        "ref",
        "ref_src",
        "ref_url",
        "s_cid",
        "spm",
        "ttclid",
        "twclid",
        "wbraid",
        "yclid",
    }
)
# Whole families of tracking parameters: Google Analytics, Piwik, Matomo, HubSpot ads.
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_")
DEFAULT_PORTS = MappingProxyType({"http": 80, "https": 443})

# AMP variants of a page's URL.
AMP_PATH_SUFFIX = re.compile(r"/amp(/?)$")  # /story/amp/ and /story/amp
AMP_EXTENSION = re.compile(r"\.amp(?=(?:\.html?)?$)")  # /story.amp and /story.amp.html
AMP_FLAG_VALUES = frozenset({"", "1", "true"})  # ?amp, ?amp=1, ?amp=true


def clean_url(url: str) -> str:
    """The URL with lowercase scheme and host, no fragment, default port or tracking parameters,
    and the remaining query parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = urlencode(_without_tracking(parts.query))
    cleaned = urlunsplit(
        (scheme, _netloc(parts.hostname, _port(url), parts.username), parts.path or "/", query, "")
    )
    return canonicalize_url(cleaned)


def amp_to_canonical(url: str) -> str:
    """The normal page for an AMP URL (``/amp/``, ``?amp=1``, ``outputType=amp``, ``.amp.html``);
    other URLs are returned unchanged."""
    parts = urlsplit(url)
    path = AMP_EXTENSION.sub("", AMP_PATH_SUFFIX.sub(r"\1", parts.path)) or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _is_amp_flag(name, value)]
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def same_site(a: str, b: str) -> bool:
    """Same host (a leading "www." ignored) and same port (default ports count as none)."""
    site = site_key(a)
    return bool(site[0]) and site == site_key(b)


def identify(
    url: str, declared_urls: Sequence[str] = (), seen_urls: Sequence[str] = ()
) -> Identity:
    """Canonical URL and every known URL of the article fetched from ``url``.

    The canonical is the first declared URL on the same site that is not a broken canonical
    (the site's root for a page that has a path), else ``url``; cross-site declarations are
    syndication hints, not identity. ``urls`` keeps the raw variants, canonical first.
    """
    declared = [urljoin(url, d) for d in declared_urls if d]
    accepted = [d for d in declared if same_site(d, url) and not _broken_canonical(d, url)]
    canonical = clean_url(amp_to_canonical(accepted[0] if accepted else url))
    urls = (canonical, url, *seen_urls, *accepted)
    return Identity(canonical_url=canonical, urls=tuple(dict.fromkeys(u for u in urls if u)))


def _without_tracking(query: str) -> list[tuple[str, str]]:
    pairs = parse_qsl(query, keep_blank_values=True)
    return [(name, value) for name, value in pairs if not _is_tracking(name)]


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _is_amp_flag(name: str, value: str) -> bool:
    if name.lower() == "amp":
        return value.lower() in AMP_FLAG_VALUES
    return name.lower() == "outputtype" and value.lower() == "amp"


def _port(url: str) -> int | None:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the host, drop the port
        return None
    return None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port


def _netloc(host: str | None, port: int | None, username: str | None) -> str:
    host = host or ""
    if ":" in host:  # IPv6 literals keep their brackets
        host = f"[{host}]"
    userinfo = f"{username}@" if username else ""
    return f"{userinfo}{host}:{port}" if port is not None else f"{userinfo}{host}"


def site_key(url: str) -> tuple[str, int | None]:
    """What makes two URLs one site: the host without a leading "www.", and a non-default port."""
    host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    return host, _port(url)


def _broken_canonical(declared: str, url: str) -> bool:
    # CMS misconfigurations point every page's canonical at the homepage.
    return _is_root(declared) and not _is_root(url)


def _is_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query
