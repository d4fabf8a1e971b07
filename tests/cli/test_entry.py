"""The console script's quick look at the command line: which command lines start the
enrichment pool's fork server before the CLI loads."""

from __future__ import annotations

import pytest

from socialops.cli.entry import enrich_pool_workers


@pytest.mark.parametrize(
    ("args", "setting", "expected"),
    [
        (["enrich"], "duckdb", 0),
        (["enrich", "--json"], "", 0),
        (["--workspace", "enrich", "enrich", "--workers", "3"], "duckdb", 3),
        (["-w", "/tmp/x", "enrich", "--workers=2", "--rebuild"], "duckdb", 2),
        (["enrich", "--engine", "DuckDB"], "spark", 0),
        (["enrich", "--engine", "spark"], "duckdb", None),
        (["enrich", "--engine=spark://h:7077"], "duckdb", None),
        (["enrich"], "spark", None),
        (["enrich", "--workers", "two"], "duckdb", None),
        (["enrich", "--workers"], "duckdb", None),
        (["enrich", "--help"], "duckdb", None),
        (["import", "enrich.csv"], "duckdb", None),
        (["demo"], "duckdb", None),
        ([], "duckdb", None),
    ],
)
def test_enrich_pool_workers(args: list[str], setting: str, expected: int | None) -> None:
    assert enrich_pool_workers(args, setting) == expected
