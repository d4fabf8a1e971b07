"""Running ``socialops`` in this test process, for the CLI tests: the CLI's own ``main`` with
``SOCIALOPS_HOME=home`` and any extra environment, its stdout and stderr captured and its exit
status kept, returned as a ``CompletedProcess`` like ``cli_run.run`` (so ``one_line_error`` reads
it the same way). A subprocess imports the whole stack for every command (3–8 s each); this
costs milliseconds once the modules are loaded. It sets nothing beyond the call: the environment
and the CLI's global state are restored afterwards, so module-scoped fixtures can use it too."""

from __future__ import annotations

import io
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from socialops.cli import common
from socialops.cli.main import main


def run_main(
    args: list[str], home: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """``socialops ARGS`` in process, in this process's environment (as a subprocess inherits it;
    tests/conftest.py makes it English unless a test gives ``SOCIALOPS_LANG``)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setattr(common.state, "workspace", None)
        mp.setenv("SOCIALOPS_HOME", str(home))
        mp.setenv("COLUMNS", "200")
        # the consoles were made when the CLI was first imported, with the width of that moment
        # (80 in a test worker): a wide table would wrap an id across lines
        for console in (common.console, common.err_console):
            mp.setattr(console, "_width", 200)
        for key, value in env.items():
            mp.setenv(key, value)
        if stdin is not None:
            mp.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), "utf-8"))
        try:
            main(args)
        except SystemExit as stop:
            if isinstance(stop.code, str):  # sys.exit("message"): printed, status 1
                err.write(stop.code + "\n")
                code = 1
            else:
                code = int(stop.code or 0)
    return subprocess.CompletedProcess(["socialops", *args], code, out.getvalue(), err.getvalue())
