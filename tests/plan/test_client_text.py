"""What a client reads in a plan document is written for the client (issue 14, item 8): every
template and every demo plan, exported in Korean and English (HTML, the PDF's text, JSON), cites
no lecture paragraph (``#17``, ``강의``), no file of this repository (``PRODUCT.md``) and no
command (``socialops …``, ``--flag``); and the airline's care plan says nothing of a bank."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from socialops.domain.plan import Plan
from socialops.i18n import LANGS
from socialops.plan.demo import add_demo_plans
from socialops.plan.document import plan_document
from socialops.plan.export import export_plan
from socialops.plan.store import PlanStore
from socialops.plan.templates import TEMPLATES, plan_from_template, reason_text
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace

TODAY = date(2026, 3, 15)
INTERNAL = re.compile(r"#\d|강의|PRODUCT\.md|DESIGN\.md|socialops |--|seed/")
BANK = re.compile(
    r"은행|보이스피싱|준법감시|금융소비자|\bbank|compliance officer|voice phishing", re.I
)


class _Text(HTMLParser):
    """The text a reader sees in an HTML page: no markup, no style sheet, no comment."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:  # text a reader also sees: titles, alt text
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    p = _Text()
    p.feed(data.decode("utf-8"))
    return "\n".join(p.parts)


def json_text(data: bytes) -> str:
    def strings(o: object) -> Iterator[str]:
        if isinstance(o, str):
            yield o
        elif isinstance(o, dict):
            for v in o.values():
                yield from strings(v)
        elif isinstance(o, list):
            for v in o:
                yield from strings(v)

    return "\n".join(strings(json.loads(data)))


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def documents(ws: Workspace, plan: Plan) -> Iterator[tuple[str, str]]:
    for lang in LANGS:
        yield f"{lang}.html", html_text(export_plan(ws, plan, "html", lang, today=TODAY))
        yield f"{lang}.json", json_text(export_plan(ws, plan, "json", lang, today=TODAY))
        yield f"{lang}.pdf", pdf_text(export_plan(ws, plan, "pdf", lang, today=TODAY))


def internal_references(ws: Workspace, plan: Plan) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for what, text in documents(ws, plan):
        lines = [line.strip() for line in text.splitlines() if INTERNAL.search(line)]
        if lines:
            found[what] = lines[:5]
    return found


def test_the_checks_see_internal_references() -> None:
    assert INTERNAL.search("채널 특성(#6)") and INTERNAL.search("강의 #17")
    assert INTERNAL.search("`socialops metrics import`") and INTERNAL.search("PRODUCT.md")
    assert not INTERNAL.search("#보이스피싱 2026–03–15 #신제품")
    assert html_text(b"<style>:root{--m:#116329}</style><p title='t'>a &amp; b</p>") == "t\na & b"


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_exports_for_a_client(name: str, workspace: Workspace) -> None:
    plan = plan_from_template(
        name,
        plan_name="고객사 제출용 계획",
        start=date(2026, 3, 2),
        end=date(2026, 5, 31),
        topics=["우리 브랜드", "경쟁사"],
    )
    plan.plan_id = "p-client"
    assert internal_references(workspace, plan) == {}
    # the template's channel reasons read in English for an English reader (kept in Korean)
    assert all(re.search("[가-힣]", r) for c in plan.channels for r in c.reasons)
    rows = plan_document(workspace, plan, "en", TODAY)["channels"]["rows"]
    reasons = [r for row in rows for r in row["reasons"]]
    korean = [r for r in reasons if re.search("[가-힣]", re.sub(r"'[^']*'", "", r))]
    assert reasons and not korean, korean  # a quoted Korean label ('(광고)') may stay
    assert reason_text("우리가 쓴 이유", "en") == "우리가 쓴 이유"  # someone's own: as written


@pytest.mark.slow
def test_every_demo_plan_exports_for_a_client(
    airline_ws: Workspace, nsmc_ws: Workspace, data_dir: Path, tmp_path: Path
) -> None:
    seen = 0
    for i, source in enumerate((airline_ws, nsmc_ws)):
        copy_workspace(source.root, tmp_path / f"ws{i}")
        ws = Workspace.open(tmp_path / f"ws{i}", create=False)
        add_demo_plans(ws, data_dir)
        store = PlanStore(ws)
        for row in store.list():
            plan = store.get(row["plan_id"])
            seen += 1
            assert internal_references(ws, plan) == {}, plan.name
            # every channel reason (a template's, the demo's own) in English for English readers
            rows = plan_document(ws, plan, "en", TODAY)["channels"]["rows"]
            said = [r for row in rows for r in [*row["reasons"], row["override_reason"]] if r]
            korean = [r for r in said if re.search("[가-힣]", re.sub(r"'[^']*'", "", r))]
            assert said and not korean, (plan.name, korean)
            if "항공" in plan.name:  # an airline's care plan: nothing of a bank
                for what, text in documents(ws, plan):
                    assert not BANK.search(text), (what, BANK.findall(text))
    assert seen >= 3
