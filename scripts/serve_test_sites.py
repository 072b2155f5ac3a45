"""Serve the local test sites (tests/sites/) on 127.0.0.1 and write a sources file for them.

    python scripts/serve_test_sites.py /tmp/demo/sources.toml
    marquee crawl --sources /tmp/demo/sources.toml --db sqlite:////tmp/demo/marquee.db \\
        -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False

A demo of the whole path without the internet; the sites run until Ctrl-C.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitesserver import LocalSites  # noqa: E402  (the project root is put on the path first)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sources = Path(argv[0])
    sources.parent.mkdir(parents=True, exist_ok=True)
    sites = LocalSites(ROOT / "tests" / "sites")
    sites.start()
    sites.write_sources(sources)
    for name in sites.names:
        print(f"{name}: {sites.base(name)}")
    print(f"sources file: {sources} (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sites.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
