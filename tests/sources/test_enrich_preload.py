"""The enrichment pool's fork server (``socialops.sources.enrich_preload``): its workers work
without pandas, and it leaves as soon as the pool's process has ended, so whoever reads the
command's output is not kept waiting for its tear-down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from concurrent.futures import ProcessPoolExecutor


def probe():
    import pyarrow as pa

    built = pa.array(["배송", "ready"]).to_pylist()  # pyarrow's first array from Python values
    try:
        import pandas  # noqa: F401
        pandas_found = True
    except ModuleNotFoundError:
        pandas_found = False
    return built, pandas_found


if __name__ == "__main__":
    from socialops.sources.enrich_pool import pool_context

    ctx = pool_context()
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        built, pandas_found = pool.submit(probe).result()
    import pandas  # noqa: F401  (this process still has it)

    print(ctx.get_start_method(), built, pandas_found, sep="|", flush=True)
"""


def test_the_fork_server_s_workers_run_without_pandas_and_it_leaves_with_its_parent(
    tmp_path: Path,
) -> None:
    if sys.platform != "linux":
        pytest.skip("fork servers: Linux here")
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    # communicate() returns once every holder of the pipe has closed it: the fork server
    # inherits it, so this also waits for the server to be gone
    p = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert p.returncode == 0, p.stderr
    method, built, pandas_found = p.stdout.strip().split("|")
    assert method == "forkserver"
    assert "['배송', 'ready']" in built
    assert pandas_found == "False"
    assert "Traceback" not in p.stderr


def test_importing_the_preload_elsewhere_changes_nothing() -> None:
    """Only the fork server's interpreter hides pandas and leaves early."""
    code = (
        "import atexit, sys\n"
        "atexit.register(print, 'tear-down ran')\n"  # runs after any hook the import adds
        "import socialops.sources.enrich_preload as p\n"
        "import pandas\n"
        "print(p.IN_FORK_SERVER, "
        "any(type(f).__name__ == '_NoPandas' for f in sys.meta_path))\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["False False", "tear-down ran"]
