"""Golden files: the whole pipeline on stored pages of every source must give the stored output.

A failure here means the pipeline's output drifted. If the change is an improvement, run
``python scripts/regenerate_golden.py``, review the .json diff by hand and keep it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipeline.process import process_page
from tests.golden import GOLDEN_DIR, OUTPUT_FIELDS, GoldenCase, golden_cases, golden_record

SITES_DIR = Path(__file__).parent / "sites"
CASES = golden_cases()


@cache
def pipeline_output(case: GoldenCase) -> dict[str, Any]:
    """The pipeline's record for a golden page, computed once (the pipeline is pure)."""
    return golden_record(process_page(case.html(), case.expected()["url"]))


def settled_fields(case: GoldenCase) -> list[str]:
    return [field for field in OUTPUT_FIELDS if field not in case.expected().get("pending", {})]


def pending_params() -> list[Any]:
    return [
        pytest.param(
            case,
            field,
            marks=pytest.mark.xfail(strict=True, reason=reason),
            id=f"{case.id}:{field}",
        )
        for case in CASES
        for field, reason in case.expected().get("pending", {}).items()
    ]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_pipeline_output_matches_the_golden_file(case: GoldenCase) -> None:
    expected = case.expected()
    output = pipeline_output(case)
    fields = settled_fields(case)
    assert {field: output[field] for field in fields} == {
        field: expected[field] for field in fields
    }


@pytest.mark.parametrize(("case", "field"), pending_params())
def test_pending_field_is_still_wrong(case: GoldenCase, field: str) -> None:
    # Expected to fail. Once it passes, the pipeline gets the field right: take it out of the
    # .json's "pending" (strict xfail turns the pass into a failure so that nobody forgets).
    assert pipeline_output(case)[field] == case.expected()[field]


def test_every_fixture_site_has_golden_files() -> None:
    sites = sorted(path.name for path in SITES_DIR.iterdir() if path.is_dir())
    covered = {case.source for case in CASES}
    assert sites
    assert [site for site in sites if site not in covered] == []


def test_every_golden_page_has_its_json_and_every_json_its_page() -> None:
    pages = {path.name.removesuffix(".html.gz") for path in GOLDEN_DIR.glob("*/*.html.gz")}
    outputs = {path.name.removesuffix(".json") for path in GOLDEN_DIR.glob("*/*.json")}
    assert pages == outputs
    for case in CASES:
        expected = case.expected()
        assert set(expected) <= {"url", *OUTPUT_FIELDS, "pending"}
        assert set(OUTPUT_FIELDS) <= set(expected), case.id
        assert set(expected.get("pending", {})) <= set(OUTPUT_FIELDS), case.id
