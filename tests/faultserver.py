"""A local site that misbehaves on purpose: each path answers with a chosen fault (a status with
Retry-After, a hang, a drip, a reset, a broken body, a redirect chain, a compression bomb ...).

One FaultServer is one site (127.0.0.1 on a free port). Tests route paths to responders, run a
real `marquee crawl` against one or more such sites (``crawl``), then read what the server saw
(every request, with the moment it arrived) and what the store holds (``Crawled``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import socket
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import brotli
from click.testing import CliRunner

from crawler.cli import cli

Headers = Sequence[tuple[str, str]]
Responder = Callable[["FaultHandler"], None]

HTML = "text/html; charset=utf-8"
# A hanging response gives up after this long, or when the server stops, whichever is first.
HANG_SECONDS = 30.0
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the server received."""

    path: str  # with the query string
    at: float  # time.monotonic() when it arrived
    user_agent: str


class FaultServer:
    """A site on 127.0.0.1 whose paths answer as routed; unrouted paths are 404."""

    def __init__(self) -> None:
        self._routes: dict[str, Responder] = {}
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at once
        self.stopping = threading.Event()
        self._server = _Server(self)

    def start(self) -> FaultServer:
        thread = threading.Thread(target=self._server.serve_forever, name="faults", daemon=True)
        thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT, without a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, responder: Responder) -> str:
        """Answer requests for path (its query string ignored) with responder; returns the URL."""
        with self._lock:
            self._routes[urlsplit(path).path] = responder
        return self.base + path

    def hits(self, path: str | None = None) -> list[Hit]:
        """Requests received, in order; only those for path (query string ignored) if given."""
        with self._lock:
            hits = list(self._hits)
        if path is None:
            return hits
        return [hit for hit in hits if urlsplit(hit.path).path == path]

    def gaps(self, path: str) -> list[float]:
        """Seconds between consecutive requests for the path."""
        times = [hit.at for hit in self.hits(path)]
        return [later - earlier for earlier, later in itertools.pairwise(times)]

    def paths(self) -> list[str]:
        """Paths requested, with query strings, in order."""
        return [hit.path for hit in self.hits()]

    def answer(self, handler: FaultHandler) -> None:
        """Record the request, then let its path's responder answer it."""
        user_agent = handler.headers.get("User-Agent", "")
        with self._lock:
            self._hits.append(Hit(handler.path, time.monotonic(), user_agent))
            respond = self._routes.get(urlsplit(handler.path).path, NOT_FOUND)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            respond(handler)
        finally:
            with self._lock:
                self._in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, faults: FaultServer) -> None:
        self.faults = faults
        super().__init__(("127.0.0.1", 0), FaultHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-fault is the point of most faults: stay quiet."""


class FaultHandler(BaseHTTPRequestHandler):
    """Hands each request to its path's responder, which writes whatever it likes."""

    server: _Server
    protocol_version = "HTTP/1.1"  # chunked bodies need it; every response closes its connection

    def do_GET(self) -> None:
        self.close_connection = True
        # The crawler hanging up mid-response is what most faults are for.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.faults.answer(self)

    def head(self, status: int, headers: Headers = (), length: int | None = None) -> None:
        """Status line and headers; Content-Length when given; Connection: close."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def hang(self, seconds: float = HANG_SECONDS) -> None:
        """Send nothing more until the crawler gives up (or the server stops)."""
        self.server.faults.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP reset (SO_LINGER 0), not a clean close."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


# ---------------------------------------------------------------- responders


def page(
    body: bytes | str, content_type: str = HTML, status: int = 200, headers: Headers = ()
) -> Responder:
    """A complete response."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def respond(handler: FaultHandler) -> None:
        handler.head(status, [("Content-Type", content_type), *headers], len(data))
        handler.raw(data)

    return respond


NOT_FOUND = page("<html><body><h1>Not Found</h1></body></html>", status=404)


def status(code: int, retry_after: str | None = None) -> Responder:
    """An error status, with Retry-After when given."""
    headers = [("Retry-After", retry_after)] if retry_after is not None else []
    return page(f"<html><body><h1>{code}</h1></body></html>", status=code, headers=headers)


def sequence(*responders: Responder) -> Responder:
    """The first request gets the first responder, the next the next; the last one repeats."""
    answered = 0
    lock = threading.Lock()

    def respond(handler: FaultHandler) -> None:
        nonlocal answered
        with lock:
            current = responders[min(answered, len(responders) - 1)]
            answered += 1
        current(handler)

    return respond


def status_retry_at(code: int, seconds: float) -> Responder:
    """An error status whose Retry-After is the HTTP date ``seconds`` from the moment of asking."""
    return lambda handler: status(code, formatdate(time.time() + seconds, usegmt=True))(handler)


def slow(responder: Responder, seconds: float) -> Responder:
    """The responder's answer, after a pause."""

    def respond(handler: FaultHandler) -> None:
        handler.server.faults.stopping.wait(seconds)
        responder(handler)

    return respond


def redirect(location: str, code: int = 302) -> Responder:
    return page("", status=code, headers=[("Location", location)])


def hang_before_headers() -> Responder:
    """Accept the request, then answer nothing."""
    return lambda handler: handler.hang()


def hang_after_headers(length: int = 5000) -> Responder:
    """Headers promising a body, then nothing."""

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML)], length)
        handler.hang()

    return respond


def drip(body: bytes, interval: float = 1.0) -> Responder:
    """The body one byte per interval."""

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML)], len(body))
        for byte in body:
            handler.raw(bytes([byte]))
            if handler.server.faults.stopping.wait(interval):
                return

    return respond


def reset_midway(body: bytes) -> Responder:
    """Half the body, then a TCP reset."""

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML)], len(body))
        handler.raw(body[: len(body) // 2])
        handler.reset()

    return respond


def reset_at_once() -> Responder:
    """A TCP reset before any byte of the response."""
    return lambda handler: handler.reset()


def short_body(body: bytes) -> Responder:
    """A Content-Length the body never reaches, then a clean close."""

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML)], len(body) * 2)
        handler.raw(body)

    return respond


def broken_chunked(body: bytes) -> Responder:
    """A good first chunk, then a chunk-size line that is not hexadecimal, then a close."""

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML), ("Transfer-Encoding", "chunked")])
        half = body[: len(body) // 2]
        handler.raw(b"%x\r\n%s\r\n" % (len(half), half))
        handler.raw(b"zz-not-a-size\r\nmore bytes\r\n")

    return respond


def stream(size: int, with_length: bool) -> Responder:
    """A huge HTML page written a megabyte at a time (never held whole)."""
    filler = b"<p>" + b"x" * (CHUNK - 8) + b"</p>\n"

    def respond(handler: FaultHandler) -> None:
        handler.head(200, [("Content-Type", HTML)], size if with_length else None)
        handler.raw(b"<html><body>")
        sent = 12
        while sent < size and not handler.server.faults.stopping.is_set():
            piece = filler[: size - sent]
            handler.raw(piece)
            sent += len(piece)

    return respond


# ---------------------------------------------------------------- bodies


def gzip_bomb(size: int) -> bytes:
    """Gzip data that decompresses to ``size`` zero bytes, compressed a megabyte at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(CHUNK)
    parts = [compressor.compress(zeros) for _ in range(size // CHUNK)]
    return b"".join([*parts, compressor.flush()])


def brotli_bomb(size: int) -> bytes:
    """Brotli data that decompresses to ``size`` zero bytes (about a kilobyte per gigabyte)."""
    compressor = brotli.Compressor(quality=5)
    zeros = bytes(CHUNK)
    parts = [compressor.process(zeros) for _ in range(size // CHUNK)]
    return b"".join([*parts, compressor.finish()])


VOCABULARY = (
    "actor actress episode season finale premiere director studio network streaming series "
    "drama comedy thriller romance mystery cast crew script scene trailer teaser viewers fans "
    "critics ratings review chapter villain hero sister brother village city palace school "
    "hospital office courtroom detective doctor lawyer soldier singer dancer writer painter "
    "winter summer spring autumn morning evening midnight journey secret promise betrayal "
    "revenge friendship wedding funeral festival concert interview audition contract rumour "
    "announcement confirmation schedule delay budget sequel prequel remake adaptation novel "
    "webtoon manga original ending opening twist cliffhanger reunion debut comeback award"
)


def prose(seed: int, paragraphs: int = 4) -> list[str]:
    """Paragraphs of made-up sentences, different for every seed (so never near-duplicates)."""
    rng = random.Random(seed)
    vocabulary = VOCABULARY.split()

    def sentence() -> str:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(10, 16))]
        return " ".join(words).capitalize() + "."

    return [" ".join(sentence() for _ in range(5)) for _ in range(paragraphs)]


def article_html(
    title: str, paragraphs: Sequence[str], head: str = "", body_prefix: str = ""
) -> str:
    """An article page the pipeline accepts: a title, a byline and paragraphs of text."""
    text = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head>{head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p class='byline'>By Test Writer</p>{body_prefix}"
        f"<div class='entry-content'>{text}</div></article></body></html>"
    )


def deep_dom(depth: int, paragraphs: Sequence[str]) -> Iterator[bytes]:
    """An article nested ``depth`` divs deep, as byte pieces."""
    yield b"<!DOCTYPE html><html><head><title>Deep</title></head><body>"
    yield b"<div>" * depth
    yield "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs).encode()
    yield b"</div>" * depth
    yield b"</body></html>"


def links_page(urls: Sequence[str]) -> str:
    """A listing page linking to each URL."""
    items = "".join(f"<li><a href='{url}'>{url}</a></li>" for url in urls)
    return (
        f"<!DOCTYPE html><html><head><title>Home</title></head><body><ul>{items}</ul></body></html>"
    )


# ---------------------------------------------------------------- crawling fault servers

# Local servers answer at once: no politeness delay, short deadlines, one retry, quick batches.
QUICK = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "DOWNLOAD_TIMEOUT=3",
    "RETRY_TIMES=1",
    "MARQUEE_STORE_WAIT=0.2",
    "LOG_LEVEL=INFO",
)


@dataclass(frozen=True)
class Site:
    """One source of a test crawl: a fault server and the paths to start from."""

    name: str
    server: FaultServer
    start: Sequence[str] = ("/",)
    feeds: Sequence[str] = ()
    sitemaps: Sequence[str] = ()

    def entry(self) -> dict[str, object]:
        """The site's sources-file entry; article pages live under /a/."""
        base = self.server.base
        return {
            "name": self.name,
            "start_urls": [base + path for path in self.start],
            "feeds": [base + path for path in self.feeds],
            "sitemaps": [base + path for path in self.sitemaps],
            "allow": ["/a/"],
        }


@dataclass(frozen=True)
class Crawled:
    """A finished crawl: its summary, its log, and what it left in the SQLite store."""

    db_path: Path
    output: str
    log: str = field(repr=False)

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def failures(self, url: str) -> list[tuple[str, str]]:
        """(reason, detail) of each failure recorded for the URL."""
        return [
            (str(reason), str(detail))
            for reason, detail in self.rows(
                "SELECT reason, detail FROM failures WHERE url = ? ORDER BY id", url
            )
        ]

    def article_ids(self, url: str) -> list[int]:
        """The articles the URL is stored under (at most one, or the store is broken)."""
        rows = self.rows("SELECT article_id FROM article_urls WHERE url = ?", url)
        return [int(article_id) for (article_id,) in rows]

    def article_text(self, url: str) -> str:
        (article_id,) = self.article_ids(url)
        ((text,),) = self.rows("SELECT text FROM articles WHERE id = ?", article_id)
        return str(text)

    def revision(self, url: str) -> tuple[str | None, bytes]:
        """Encoding and raw HTML of the newest revision of the article at the URL."""
        (article_id,) = self.article_ids(url)
        encoding, raw = self.rows(
            "SELECT encoding, raw_html FROM revisions WHERE article_id = ? ORDER BY id DESC",
            article_id,
        )[0]
        return encoding, zlib.decompress(raw)

    def everything(self) -> str:
        """The whole store as text, raw HTML decompressed: to look for what must not be there."""
        with sqlite3.connect(self.db_path) as conn:
            dump = "\n".join(conn.iterdump())
            pages = [
                zlib.decompress(raw) for (raw,) in conn.execute("SELECT raw_html FROM revisions")
            ]
        return dump + "\n".join(page.decode("utf-8", "replace") for page in pages)


def crawl(directory: Path, sites: Sequence[Site], *settings: str) -> Crawled:
    """`marquee crawl` of the sites into a new store, with QUICK then ``settings`` (NAME=VALUE)."""
    directory.mkdir(parents=True, exist_ok=True)
    sources = directory / "sources.toml"
    sources.write_text(_sources_toml([site.entry() for site in sites]), encoding="utf-8")
    db_path = directory / "marquee.db"
    log = directory / "crawl.log"
    overrides = [
        item for setting in (*QUICK, f"LOG_FILE={log}", *settings) for item in ("-s", setting)
    ]
    args = ["crawl", "--sources", str(sources), "--db", f"sqlite:///{db_path}"]
    result = CliRunner().invoke(cli, [*args, *overrides], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Crawled(db_path, result.output, log.read_text(encoding="utf-8"))


def _sources_toml(entries: Sequence[dict[str, object]]) -> str:
    # JSON strings and arrays of them are valid TOML values.
    blocks = [
        "[[sources]]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in entry.items())
        for entry in entries
    ]
    return "\n".join(blocks)
