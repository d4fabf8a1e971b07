"""The PDF plan document, read back with pypdf: Korean text extractable, pages, font setting."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from export_samples import NAME, SCRIPT, sample_plan
from pypdf import PdfReader

from socialops.plan.export import export_plan
from socialops.plan.export_pdf import DEFAULT_FONT, FONT_ENV, font_paths
from socialops.plan.messages import PlanError
from socialops.store.workspace import Workspace

TODAY = date(2026, 3, 15)
NANUM = Path(DEFAULT_FONT)


@pytest.fixture(autouse=True)
def _font() -> None:
    if not NANUM.is_file():
        pytest.fail(f"{NANUM} is missing: scripts/setup.sh installs fonts-nanum")


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_korean_text_extracts_and_has_several_pages(workspace: Workspace) -> None:
    data = export_plan(workspace, sample_plan(hostile=True), "pdf", "ko", today=TODAY)
    assert data.startswith(b"%PDF-")
    reader, text = _read(data)
    assert len(reader.pages) >= 2
    assert NAME in reader.pages[0].extract_text()  # title page
    for words in ("KPI", "개요", "채널 믹스", "콘텐츠 캘린더", "운영 정책", "승인 이력"):
        assert words in text
    assert "30,000,000원" in text and "인스타그램" in text
    assert SCRIPT in text.replace("\n", "")  # untrusted text, as text
    assert f"1 / {len(reader.pages)}" in text  # page numbers
    assert any("Nanum" in f for f in _fonts(reader))
    assert reader.metadata is not None and reader.metadata.title == NAME


def test_english_document(workspace: Workspace) -> None:
    _, text = _read(export_plan(workspace, sample_plan(), "pdf", "en", today=TODAY))
    for words in ("Summary", "Content calendar", "KPI targets and actuals", "KRW 30,000,000"):
        assert words in text
    assert "콘텐츠 캘린더" not in text and NAME in text


def test_long_copy_emoji_and_many_items_do_not_break_the_layout(workspace: Workspace) -> None:
    plan = sample_plan(items=60)
    plan.calendar[1].copy = "아주 긴 카피 " * 3000  # 21,000 characters, more than a page
    plan.calendar[2].copy = "봄 🌸 세일"
    reader, text = _read(export_plan(workspace, plan, "pdf", "ko", today=TODAY))
    assert len(reader.pages) >= 5
    assert "…" in text  # the over-long cell is shortened here; HTML and XLSX keep it whole
    assert "봄 □ 세일" in text  # no glyph for the emoji in the font: a visible box


def test_font_setting_and_missing_font(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert font_paths() == (NANUM, NANUM.with_name("NanumGothicBold.ttf"))
    other = NANUM.with_name("NanumMyeongjo.ttf")
    if other.is_file():
        monkeypatch.setenv(FONT_ENV, str(other))
        reader, _ = _read(export_plan(workspace, sample_plan(), "pdf", "ko", today=TODAY))
        assert any("NanumMyeongjo" in f for f in _fonts(reader))
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "none.ttf"))
    with pytest.raises(PlanError) as err:
        export_plan(workspace, sample_plan(), "pdf", "ko")
    assert "fonts-nanum" in err.value.text("ko") and FONT_ENV in err.value.text("en")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font at all")
    monkeypatch.setenv(FONT_ENV, str(bad))
    with pytest.raises(PlanError) as err:
        export_plan(workspace, sample_plan(), "pdf", "ko")
    assert err.value.code == "plan.pdf_font"
