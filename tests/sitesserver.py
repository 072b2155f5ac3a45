"""Local fake news sites: every tests/sites/<name>/ directory served on its own 127.0.0.1 port."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import tomllib
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SOURCE_TEMPLATE = "source.toml"  # a site's sources entry for write_sources; not served (not a page)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".rss": "application/rss+xml",
    ".feed": "application/rss+xml",
}
BINARY_TYPE = "application/octet-stream"
SITE_PLACEHOLDER = re.compile(r"\{\{SITE:([a-z0-9_-]+)\}\}")


class LocalSites:
    """The running sites: their base URLs, the paths requested from them, and page overrides."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names = sorted(path.name for path in root.iterdir() if path.is_dir())
        self._servers: dict[str, _SiteServer] = {}
        self._hits: dict[str, list[str]] = {name: [] for name in self.names}
        self._not_modified: dict[str, list[str]] = {name: [] for name in self.names}
        self._overrides: dict[tuple[str, str], str | bytes] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        for name in self.names:
            server = _SiteServer(self, name)
            threading.Thread(target=server.serve_forever, name=f"site-{name}", daemon=True).start()
            self._servers[name] = server

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def base(self, name: str) -> str:
        """The site's base URL, without a trailing slash: http://127.0.0.1:PORT."""
        host, port = self._servers[name].server_address[:2]
        return f"http://{host!s}:{port}"

    def hits(self, name: str) -> list[str]:
        """Paths (with query strings) requested from the site, in order."""
        with self._lock:
            return list(self._hits[name])

    def not_modified(self, name: str) -> list[str]:
        """Paths the site answered with 304 Not Modified (a conditional request, unchanged)."""
        with self._lock:
            return list(self._not_modified[name])

    def clear_hits(self) -> None:
        with self._lock:
            for hits in (*self._hits.values(), *self._not_modified.values()):
                hits.clear()

    def note_not_modified(self, name: str, target: str) -> None:
        with self._lock:
            self._not_modified[name].append(target)

    def override(self, name: str, path: str, content: str | bytes | None) -> None:
        """Serve content at path instead of the file (str is a template too); None undoes it."""
        with self._lock:
            if content is None:
                self._overrides.pop((name, path), None)
            else:
                self._overrides[(name, path)] = content

    def reset(self) -> None:
        """Forget hits and overrides: each test starts from the sites as checked in."""
        self.clear_hits()
        with self._lock:
            self._overrides.clear()

    def render(self, name: str, text: str) -> str:
        """Fill a template's {{BASE}} with this site's base URL and {{SITE:x}} with site x's."""
        text = text.replace("{{BASE}}", self.base(name))
        return SITE_PLACEHOLDER.sub(lambda match: self.base(match[1]), text)

    def source_entry(self, name: str) -> dict[str, object]:
        """The site's sources entry, from its source.toml template."""
        text = (self.root / name / SOURCE_TEMPLATE).read_text(encoding="utf-8")
        entry: dict[str, object] = tomllib.loads(self.render(name, text))["sources"][0]
        return entry

    def write_sources(
        self, path: Path, names: Sequence[str] | None = None, **overrides: object
    ) -> Path:
        """Write a sources file for the given sites (default: all), overrides applied to each."""
        chosen = self.names if names is None else list(names)
        entries = [self.source_entry(name) | overrides for name in chosen]
        path.write_text(_sources_toml(entries), encoding="utf-8")
        return path

    def respond(self, name: str, target: str) -> tuple[int, str, bytes]:
        """Status, content type and body for a request target; records the hit."""
        with self._lock:
            self._hits[name].append(target)
        path = urlsplit(target).path
        content_type = _content_type(path)
        content = self._overrides.get((name, path))
        if isinstance(content, bytes):
            return 200, content_type, content
        if content is None:
            content = self._read_template(name, path) if content_type != BINARY_TYPE else None
        if content is None:
            return 404, CONTENT_TYPES[".html"], b"<html><body><h1>Not Found</h1></body></html>"
        return 200, content_type, self.render(name, content).encode("utf-8")

    def _read_template(self, name: str, path: str) -> str | None:
        site = (self.root / name).resolve()
        relative = unquote(path).lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        file = (site / relative).resolve()
        if not file.is_relative_to(site) or not file.is_file():
            return None
        return file.read_text(encoding="utf-8")


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sites: LocalSites, name: str) -> None:
        self.sites = sites
        self.name = name
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer

    def do_GET(self) -> None:
        status, content_type, body = self.server.sites.respond(self.server.name, self.path)
        # Like most web servers: an ETag from the content, and 304 for a request that has it.
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        if status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
            self.server.sites.note_not_modified(self.server.name, self.path)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == HTTPStatus.OK:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


def _content_type(path: str) -> str:
    if path.endswith("/"):
        return CONTENT_TYPES[".html"]
    return CONTENT_TYPES.get(Path(path).suffix, BINARY_TYPE)


def _sources_toml(entries: Sequence[dict[str, object]]) -> str:
    # JSON strings, numbers, booleans and arrays of them are valid TOML values.
    blocks = [
        "[[sources]]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in entry.items())
        for entry in entries
    ]
    return "# Written by tests/sitesserver.py for the local test sites.\n\n" + "\n".join(blocks)
