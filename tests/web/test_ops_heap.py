"""The web process's heap frozen after start-up (socialops.web.ops.heap): what is alive leaves
every later collection, what was garbage is collected first, and the setting turns it off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from socialops.web.ops.heap import freezing

PROBE = """
import gc, weakref
from socialops.web.ops.heap import freeze_heap


class Node:
    pass


def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


kept = cycle()  # alive: frozen
dropped = weakref.ref(cycle())  # garbage already: collected, not frozen
frozen = freeze_heap()
print(dropped() is None, frozen > 1000, gc.get_freeze_count() == frozen)
# what is allocated later is collected as before
later = weakref.ref(cycle())
gc.collect()
print(later() is None)
"""


def test_freeze_heap_collects_garbage_then_freezes_what_is_alive() -> None:
    # a child process: freezing this test process's heap would outlive the test
    p = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "True", "True", "True"]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), ("1", True), ("0", False), ("false", False)]
)
def test_the_setting_turns_it_off(
    value: str | None, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("SOCIALOPS_GC_FREEZE", raising=False)
    else:
        monkeypatch.setenv("SOCIALOPS_GC_FREEZE", value)
    assert freezing() is expected


WARM_PROBE = """
import logging, os, sys, time
from pathlib import Path
os.environ["SOCIALOPS_WEB_WARM"] = "1"
from fastapi.testclient import TestClient
from socialops.web.app import create_app

seen = []
class Catch(logging.Handler):
    def emit(self, record):
        if record.getMessage() == "warm-up done":
            seen.append((record.process, record.fields["seconds"]))
logging.getLogger("socialops.web").addHandler(Catch())
logging.getLogger("socialops.web").setLevel(logging.INFO)
with TestClient(create_app(Path(sys.argv[1])), base_url="http://testserver") as c:
    assert c.get("/healthz").status_code == 200
    deadline = time.monotonic() + 120
    while not seen and time.monotonic() < deadline:
        time.sleep(0.2)
print(seen and seen[0][0] == os.getpid(), seen and seen[0][1] >= 0)
"""


def test_each_web_process_says_when_its_warm_up_is_done(tmp_path: Path) -> None:
    """One info line per process once its caches and the inbox's models are loaded: operators
    see it, and bench/soak.py reads a process's memory as warm only after it."""
    done = subprocess.run(
        [sys.executable, "-c", WARM_PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"], done.stdout + done.stderr[-2000:]
