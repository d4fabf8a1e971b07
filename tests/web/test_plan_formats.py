"""The export formats as the CLI, the API and the pages offer them: exactly the registry's
(socialops.plan.formats), each with its label in both languages, its media type and its file
extension."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from socialops.i18n import MESSAGES
from socialops.plan.formats import format_names, formats

WS = "/api/v1/workspaces/main"


def test_every_format_has_its_label_in_both_languages() -> None:
    for f in formats():
        ko, en = MESSAGES[f.label_key]
        assert ko and en and ko != en, f.name


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOCIALOPS_HOME": str(home), "COLUMNS": "200", "SOCIALOPS_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "socialops", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.slow
def test_the_cli_offers_exactly_the_registry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shown = _cli(home, "plan", "export", "--help")
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if "--format" in x)
    found = re.search(r"((?:[a-z]+ \| )+[a-z]+)", line)
    assert found is not None and tuple(found.group(1).split(" | ")) == format_names()
    made = _cli(
        home,
        *("plan", "new", "--template", "product-launch", "--name", "형식 점검", "--json"),
        *("--start", "2026-03-02", "--end", "2026-03-15"),
    )
    assert made.returncode == 0, made.stderr
    plan_id = json.loads(made.stdout)["plan_id"]
    for f in formats():
        out = tmp_path / f"plan.{f.extension}"
        done = _cli(home, "plan", "export", plan_id, "--format", f.name, "--out", str(out))
        assert done.returncode == 0 and out.stat().st_size > 100, done.stderr
    refused = _cli(home, "plan", "export", plan_id, "-f", "docx", "-o", str(tmp_path / "x.docx"))
    assert refused.returncode == 2 and not (tmp_path / "x.docx").exists()
    assert ", ".join(format_names()) in refused.stderr


def test_the_api_accepts_exactly_the_registry(web: Any) -> None:
    schema = web.call("viewer", "GET", "/openapi.json").json()
    op = schema["paths"][WS.replace("main", "{ws}") + "/plans/{plan_id}/export"]["get"]
    (param,) = [p for p in op["parameters"] if p["name"] == "format"]
    ref = param["schema"].get("$ref", "")
    enum = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["enum"] if ref else None
    assert tuple(enum or param["schema"]["enum"]) == format_names()
    assert set(op["responses"]["200"]["content"]) == {f.media_type for f in formats()}
    made = web.call(
        "manager",
        "POST",
        f"{WS}/plans",
        json={"template": "product-launch", "name": "형식 점검", "start": "2026-03-02"}
        | {"end": "2026-03-15"},
    )
    assert made.status_code == 201, made.text
    plan_id = made.json()["plan_id"]
    for f in formats():
        r = web.call("viewer", "GET", f"{WS}/plans/{plan_id}/export", params={"format": f.name})
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            f.media_type.split(";")[0]
        )
        assert f'filename="plan-{plan_id}.{f.extension}"' in r.headers["content-disposition"]
    bad = web.call("viewer", "GET", f"{WS}/plans/{plan_id}/export", params={"format": "docx"})
    assert bad.status_code == 422
    page = web.signed_in("viewer").get(f"/w/main/plans/{plan_id}")
    assert page.status_code == 200
    links = re.findall(rf"/w/main/plans/{plan_id}/export\.([a-z]+)\"", page.text)
    assert tuple(dict.fromkeys(links)) == format_names()
