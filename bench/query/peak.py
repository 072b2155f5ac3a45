"""Run one command and write its wall time, exit code and peak RSS to a JSON file:

    python -m bench.query.peak RESULT.json COMMAND [ARGS...]

Why a launcher: Linux keeps a process's peak RSS (ru_maxrss) across exec, and a child forked
(or vforked) from a large process starts out counting the parent's pages, so a command started
straight from the benchmark would report the benchmark's own size whenever its real peak is
lower. Started from this small process, the command's ru_maxrss is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; record how it ran; exit with its exit code."""
    result, *command = sys.argv[1:] if argv is None else argv
    start = time.perf_counter()
    with Path(result).with_suffix(".stderr").open("wb") as errors:
        code = subprocess.call(command, stdout=subprocess.DEVNULL, stderr=errors)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    Path(result).write_text(
        json.dumps({"seconds": seconds, "peak_rss_kib": peak_kib, "exit_code": code}),
        encoding="utf-8",
    )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
