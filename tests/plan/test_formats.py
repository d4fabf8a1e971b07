"""The export format registry (socialops.plan.formats): the built-in formats are its entries, one
module each; every registered format exports a plan of every built-in template; a format added
to the registry is one export_plan renders with no other change."""

from __future__ import annotations

import io
import json
import pkgutil
import zipfile
from datetime import date
from importlib import import_module

import pytest
from icalendar import Calendar

from socialops.domain.plan import Plan
from socialops.plan import formats
from socialops.plan.export import FORMATS, MEDIA_TYPES, export_plan
from socialops.plan.formats import ExportFormat, format_names, get_format, register
from socialops.plan.messages import PlanError
from socialops.plan.templates import TEMPLATES, plan_from_template
from socialops.store.workspace import Workspace

BUILT_IN = ("html", "pdf", "ics", "xlsx", "json")


def test_the_builtin_formats_are_the_registry_one_module_each() -> None:
    assert format_names() == BUILT_IN == FORMATS
    modules = [m.name for m in pkgutil.iter_modules(formats.__path__)]
    registered = {import_module(f"socialops.plan.formats.{m}").FORMAT.name for m in modules}
    assert registered == set(format_names()) and len(modules) == len(BUILT_IN)
    for f in formats.formats():
        assert f.extension and "/" in f.media_type and f.label_key == f"plans.export.{f.name}"
        assert MEDIA_TYPES[f.name] == f.media_type and get_format(f.name) is f


def test_unknown_format_names_the_registered_ones() -> None:
    with pytest.raises(PlanError) as err:
        get_format("docx")
    assert err.value.code == "plan.export_format"
    assert "html, pdf, ics, xlsx, json" in err.value.text("en")
    with pytest.raises(ValueError, match="twice"):
        register(ExportFormat("html", "text/plain", "txt", "plans.export.html", lambda *a: b""))


def _check(fmt: str, data: bytes, plan: Plan) -> None:
    if fmt == "html":
        assert data.lstrip()[:15].lower() == b"<!doctype html>" and plan.name.encode() in data
    elif fmt == "pdf":
        assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    elif fmt == "ics":
        events = Calendar.from_ical(data).walk("VEVENT")
        assert len(events) == len(plan.calendar)
    elif fmt == "xlsx":
        assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    elif fmt == "json":
        assert json.loads(data)["name"] == plan.name
    else:  # a format added later: at least some bytes
        assert data


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_format_exports_every_template_plan(workspace: Workspace, template: str) -> None:
    plan = plan_from_template(
        template, plan_name=f"{template} 계획", start=date(2026, 3, 2), end=date(2026, 4, 12)
    )
    plan.plan_id = f"t-{template}"
    for f in formats.formats():
        for lang in ("ko", "en"):
            data = export_plan(workspace, plan, f.name, lang, today=date(2026, 3, 20))
            _check(f.name, data, plan)


def test_a_registered_format_is_exported_with_no_other_change(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
        return f"{plan.name}\t{lang}\n".encode()

    monkeypatch.setattr(formats, "_FORMATS", dict(formats._FORMATS))
    register(ExportFormat("tsv", "text/tab-separated-values", "tsv", "plans.export.tsv", render))
    assert format_names()[-1] == "tsv"
    plan = plan_from_template(
        TEMPLATES[0], plan_name="탭 계획", start=date(2026, 3, 2), end=date(2026, 3, 15)
    )
    assert export_plan(workspace, plan, "tsv", "en") == "탭 계획\ten\n".encode()
