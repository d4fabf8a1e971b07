"""``socialops measure attribution``: end to end as a user runs it on a workspace
with imported conversions and a touches file, in this process through the CLI's own ``main``
(a subprocess costs seconds each)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error

from socialops.measure.metrics import import_metrics
from socialops.store.workspace import Workspace


def test_attribution_json_and_touches(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ws = Workspace.open(home)
    conv = tmp_path / "ga.csv"
    conv.write_text(
        "date,source,medium,campaign,conversions,revenue,cost\n"
        "2026-11-02,ig,paid_social,winter26,30,3000000,600000\n"
        "2026-11-05,naver,cpc,winter26,40,4000000,\n"
        "2026-12-05,naver,cpc,winter26,1,1,\n",
        encoding="utf-8",
    )
    import_metrics(ws, conv, "conversions")
    touches = tmp_path / "touches.csv"
    touches.write_text(
        "customer_id,timestamp,channel,event,value\n"
        "a,2026-11-01 10:00,ig,click,\na,2026-11-02 10:00,naver,click,\n"
        "a,2026-11-02 11:00,,purchase,9000\n",
        encoding="utf-8",
    )
    p = run(
        ["measure", "attribution", "--from", "2026-11-01", "--to", "2026-11-30",
         "--touches", str(touches), "--model", "position", "--json"],
        home,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    by = {r["channel"]: r for r in data["utm"]["by_channel"]}
    assert by["ig"]["conversions"] == 30 and by["naver"]["conversions"] == 40
    credit = {r["channel"]: r["conversions"] for r in data["touches"]["by_channel"]}
    assert credit == {"ig": 0.5, "naver": 0.5}
    p = run(["measure", "attribution", "--model", "linear"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2
    assert "Unknown attribution model 'linear'" in one_line_error(p)
