"""``socialops --help`` as a user reads it: flags are drawn as flags (issue 14, item 12: the help
showed ``--version <bool>``, as if the flag took a value)."""

from __future__ import annotations

import re
from pathlib import Path

from cli_run import run

from socialops import __version__


def test_flags_take_no_value_in_the_help(tmp_path: Path) -> None:
    shown = run(["--help"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    version = next(x for x in lines if "--version" in x)
    assert re.match(r"^\s*--version\s+Print the version\.", version), version
    assert "<bool>" not in shown.stdout
    # an option that takes a value still says what it takes
    assert re.search(r"--workspace <str>", shown.stdout), shown.stdout
    serve = run(["serve", "--help"], tmp_path)
    assert serve.returncode == 0 and "<bool>" not in serve.stdout, serve.stdout
    assert re.search(r"^\s*--sample-data\s+On first start", serve.stdout, re.M), serve.stdout


def test_version_flag(tmp_path: Path) -> None:
    done = run(["--version"], tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"socialops {__version__}"
