"""The docs say what the code does: the CLI reference is generated from --help and must match it."""

from __future__ import annotations

import re
from pathlib import Path

from crawler.clidoc import render_reference

ROOT = Path(__file__).parent.parent


def test_cli_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render_reference(), "run: python -m crawler.clidoc > docs/cli.md"


def test_readme_names_the_ci_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    test_command = next(line for block in blocks for line in block.splitlines() if "pytest" in line)
    assert test_command.strip() in ci
