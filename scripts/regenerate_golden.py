"""Regenerate the golden .json files from the current pipeline, or add a golden page.

    python scripts/regenerate_golden.py                 # every tests/golden/<source>/<name>.json
    python scripts/regenerate_golden.py SOURCE [...]    # only these sources
    python scripts/regenerate_golden.py --add SOURCE NAME PAGE URL

``--add`` gzips PAGE (an .html file; a tests/sites template's ``{{BASE}}`` becomes URL's origin
and ``{{SITE:x}}`` becomes ``http://x.test``) into tests/golden/SOURCE/NAME.html.gz and writes its
.json. Each page goes through ``pipeline.process.process_page`` at its ``url``. Fields listed
under ``pending`` keep their hand-written value. Review every changed .json by hand (git diff)
before keeping it: a golden file records what is right, not whatever the code produces.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Run as a file from anywhere: the golden-file helpers live in the tests package.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.process import process_page  # noqa: E402
from tests.golden import (  # noqa: E402
    GoldenCase,
    golden_cases,
    golden_record,
    write_html,
    write_json,
)

SITE_PLACEHOLDER = re.compile(r"\{\{SITE:([a-z0-9_-]+)\}\}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.add:
        source, name, page, url = args.add
        _add(GoldenCase(source, name), Path(page), url)
        return 0
    cases = [case for case in golden_cases() if not args.sources or case.source in args.sources]
    for case in cases:
        _regenerate(case, case.expected())
    print(f"{len(cases)} golden files checked; review the changes with git diff")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="*", help="only regenerate these sources")
    parser.add_argument(
        "--add", nargs=4, metavar=("SOURCE", "NAME", "PAGE", "URL"), help="add a golden page"
    )
    return parser


def _add(case: GoldenCase, page: Path, url: str) -> None:
    write_html(case.html_path, _render(page.read_text(encoding="utf-8"), url))
    _regenerate(case, {"url": url})


def _render(template: str, url: str) -> str:
    # tests/sites pages are templates: the golden copy is the page as served from a fixed host.
    parts = urlsplit(url)
    html = template.replace("{{BASE}}", f"{parts.scheme}://{parts.netloc}")
    return SITE_PLACEHOLDER.sub(lambda match: f"http://{match[1]}.test", html)


def _regenerate(case: GoldenCase, old: dict[str, Any]) -> None:
    record = golden_record(process_page(case.html(), old["url"]))
    pending: dict[str, str] = old.get("pending", {})
    for field in pending:
        record[field] = old[field]  # written by hand: the pipeline does not get it right yet
    new = {"url": old["url"], **record, **({"pending": pending} if pending else {})}
    changed = [field for field in new if new.get(field) != old.get(field)]
    if changed:
        write_json(case.json_path, new)
        print(f"{case.id}: {', '.join(changed)}")


if __name__ == "__main__":
    sys.exit(main())
