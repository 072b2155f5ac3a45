"""The sources file: read it, validate it into frozen Source objects, or fail with a SourceError."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from crawler.exceptions import SourceError
from pipeline.rules import check_selector
from pipeline.types import ExtractOptions

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = [
    "Source",
    "SourceError",
    "default_sources_path",
    "load_sources",
    "packaged_sources_path",
    "select_sources",
]

SOURCES_ENV = "MARQUEE_SOURCES"
LOCAL_SOURCES_FILE = "sources.toml"
PACKAGED_SOURCES_FILE = "default_sources.toml"
NAME_PATTERN = r"^[a-z0-9_-]+$"
DEFAULT_MAX_PAGES = 500
# How often `marquee schedule run` crawls a source that sets neither `every` nor `cron`.
DEFAULT_EVERY = "6h"
# How long a stored article is left alone before it is fetched again (conditionally) to catch
# edits, unless its feed or sitemap says it changed.
DEFAULT_REVISIT = "3d"
DURATION = re.compile(r"(?:(\d+)([smhd]))")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    """Accept an absolute http(s) URL and keep it exactly as written."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError as exc:
        raise ValueError(f"invalid URL {value!r}: {exc.errors()[0]['msg']}") from None
    return value


def _regex(value: str) -> str:
    """Accept a pattern that Python's re compiles."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regex {value!r}: {exc.msg}") from None
    return value


def duration_seconds(value: str) -> int:
    """Seconds in a duration written like "90s", "15m", "2h", "1d" or "1h30m"."""
    text = value.strip().lower()
    parts = DURATION.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f'invalid duration {value!r}: write it like "30m", "2h" or "1d12h"')
    seconds = sum(int(number) * DURATION_UNITS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"invalid duration {value!r}: it must be longer than zero")
    return seconds


def _duration(value: str) -> str:
    duration_seconds(value)
    return value


def _cron(value: str) -> str:
    """Accept a five-field crontab line that APScheduler understands."""
    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(f"invalid cron line {value!r}: {exc}") from None
    return value


Url = Annotated[StrictStr, AfterValidator(_http_url)]
Duration = Annotated[StrictStr, AfterValidator(_duration)]
Cron = Annotated[StrictStr, AfterValidator(_cron)]
Regex = Annotated[StrictStr, AfterValidator(_regex)]
Selector = Annotated[StrictStr, AfterValidator(check_selector)]  # CSS, as cssselect reads it


class Source(BaseModel):
    """One site to crawl: where to start, which URLs are articles, and how much to fetch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[StrictStr, Field(pattern=NAME_PATTERN)]
    start_urls: tuple[Url, ...] = ()
    feeds: tuple[Url, ...] = ()
    sitemaps: tuple[Url, ...] = ()
    allow: tuple[Regex, ...] = ()
    deny: tuple[Regex, ...] = ()
    max_pages: Annotated[StrictInt, Field(gt=0)] = DEFAULT_MAX_PAGES
    enabled: StrictBool = True
    # When `marquee schedule run` crawls it: every so long, or on a crontab line (not both).
    every: Duration | None = None
    cron: Cron | None = None
    # How long a stored article is left alone before it is fetched again to catch edits.
    revisit: Duration = DEFAULT_REVISIT
    # Extraction rules for sites the generic extraction gets wrong (see pipeline/rules.py).
    content_selector: Selector | None = None
    drop_selectors: tuple[Selector, ...] = ()
    title_selector: Selector | None = None
    date_selector: Selector | None = None
    author_selector: Selector | None = None

    @model_validator(mode="after")
    def _has_an_entry_point(self) -> Source:
        if not (self.start_urls or self.feeds or self.sitemaps):
            raise ValueError(
                '"start_urls", "feeds" and "sitemaps" are all empty; give at least one'
            )
        if self.every is not None and self.cron is not None:
            raise ValueError('"every" and "cron" are both set; give one')
        return self

    @property
    def revisit_seconds(self) -> int:
        """How long a stored article is left alone before it is fetched again, in seconds."""
        return duration_seconds(self.revisit)

    @property
    def cadence(self) -> str:
        """When the scheduler crawls this source, as written: "every 2h" or "cron 0 */2 * * *"."""
        return (
            f"cron {self.cron}" if self.cron is not None else f"every {self.every or DEFAULT_EVERY}"
        )

    def follows(self, url: str) -> bool:
        """Whether a link may be followed at all: no deny pattern is found in it."""
        # re keeps its own cache of compiled patterns, so searching by string costs no recompiling.
        return not any(re.search(pattern, url) for pattern in self.deny)

    def is_article_url(self, url: str) -> bool:
        """Whether a URL is an article: not denied, and an allow pattern (if any) is found in it."""
        if not self.follows(url):
            return False
        return not self.allow or any(re.search(pattern, url) for pattern in self.allow)

    def extract_options(self, template: frozenset[str] = frozenset()) -> ExtractOptions:
        """How to extract this source's pages: its selectors, plus its learned template."""
        return ExtractOptions(
            content_selector=self.content_selector,
            drop_selectors=self.drop_selectors,
            title_selector=self.title_selector,
            date_selector=self.date_selector,
            author_selector=self.author_selector,
            template=template,
        )

    def effective_max_pages(self, limit: int | None) -> int:
        """The page budget of one crawl: max_pages, lowered to limit when one is given."""
        if limit is None:
            return self.max_pages
        if limit <= 0:
            raise ValueError(f"limit must be a positive number of pages, not {limit}")
        return min(self.max_pages, limit)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file; every problem in it is reported in one SourceError."""
    path = Path(path)
    entries = _source_entries(path, _read_toml(path))
    sources: list[tuple[int, Source]] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        try:
            sources.append((index, Source.model_validate(entry)))
        except ValidationError as exc:
            label = _label(entry, index)
            problems += [_describe(path, label, error) for error in exc.errors()]
    problems += _duplicate_names(path, sources)
    if problems:
        raise SourceError("\n".join(problems))
    return [source for _, source in sources]


def select_sources(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The named sources (enabled or not) in the order given, or every enabled one if none named."""
    if not names:
        return [source for source in sources if source.enabled]
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        wanted = ", ".join(f'"{name}"' for name in unknown)
        known = ", ".join(by_name) or "(none)"
        raise SourceError(f"unknown source {wanted}; known sources: {known}")
    return [by_name[name] for name in dict.fromkeys(names)]


def default_sources_path() -> Path:
    """$MARQUEE_SOURCES if set, else ./sources.toml if present, else the packaged default list."""
    from_env = os.environ.get(SOURCES_ENV)
    if from_env:
        return Path(from_env)
    local = Path(LOCAL_SOURCES_FILE)
    if local.is_file():
        return local
    return packaged_sources_path()


def packaged_sources_path() -> Path:
    """The sources file shipped with Marquee (read-only: edits go to a copy of it)."""
    # setuptools installs the package as plain files, so the resource has a real path.
    return Path(str(files("crawler").joinpath(PACKAGED_SOURCES_FILE)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such sources file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the sources file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not valid TOML: the file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from None


def _source_entries(path: Path, data: Mapping[str, Any]) -> list[Any]:
    """The [[sources]] tables; anything else at the top level is a mistake worth reporting."""
    unknown = [key for key in data if key != "sources"]
    if unknown:
        raise SourceError(f'{path}: unknown top-level key "{unknown[0]}" (expected [[sources]])')
    entries = data.get("sources", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise SourceError(f'{path}: key "sources": expected [[sources]] tables')
    if not entries:
        raise SourceError(f"{path}: no sources defined (add a [[sources]] table)")
    return entries


def _label(entry: Mapping[str, Any], index: int) -> str:
    """How a problem names its source: by name when it has a valid one, else by position."""
    name = entry.get("name")
    if isinstance(name, str) and re.fullmatch(NAME_PATTERN, name):
        return f'source "{name}"'
    return f"sources[{index}]"


def _describe(path: Path, label: str, error: ErrorDetails) -> str:
    """One line per problem: file, source, key, and what is wrong."""
    loc = error["loc"]
    key = f', key "{loc[0]}"' if loc else ""
    return f"{path}: {label}{key}: {_message(error)}"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key (known keys: {', '.join(Source.model_fields)})"
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        return f"invalid name {error['input']!r}: use lowercase letters, digits, '_' and '-'"
    return f"{error['msg']}, got {error['input']!r}"


def _duplicate_names(path: Path, sources: Sequence[tuple[int, Source]]) -> list[str]:
    first_index: dict[str, int] = {}
    problems = []
    for index, source in sources:
        if source.name in first_index:
            earlier = first_index[source.name]
            problems.append(
                f'{path}: source "{source.name}" (sources[{index}]), key "name": '
                f"duplicate of sources[{earlier}]"
            )
        else:
            first_index[source.name] = index
    return problems
