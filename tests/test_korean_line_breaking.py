"""Korean breaks between words (eojeol), never between the syllables of one word (issue 14,
item 9: "주/력", "네이버 블로/그", "않습니/다." in tables, the plan page and the exports): the web
workspace's stylesheet, the listening report's and the plan document's HTML say
``word-break: keep-all`` (with ``overflow-wrap`` so a long link still wraps), and the plan PDF
wraps and shortens text at spaces. The browser check in ``tests/web/test_responsive.py`` reads the
computed style of the pages' text."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from socialops.listen import report
from socialops.plan.export import export_plan
from socialops.store.workspace import Workspace

SRC = Path(__file__).resolve().parents[1] / "src" / "socialops"


def _rule(css: str, selector: str) -> str:
    """The declarations of the first rule whose selector list is exactly ``selector``."""
    found = re.search(r"(?:^|[}\s])" + re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert found is not None, f"no rule for {selector}"
    return re.sub(r"\s+", "", found.group(1))


def _keeps_words(declarations: str) -> None:
    assert "word-break:keep-all" in declarations, declarations
    assert re.search(r"overflow-wrap:(break-word|anywhere)", declarations), declarations


def test_the_workspace_stylesheet_keeps_korean_words_whole() -> None:
    css = (SRC / "web" / "static" / "app.css").read_text(encoding="utf-8")
    _keeps_words(_rule(css, "body"))
    # nothing turns it back to breaking anywhere between syllables
    assert "break-all" not in css and not re.search(r"word-break:\s*normal", css)


def test_the_listening_report_keeps_korean_words_whole() -> None:
    _keeps_words(_rule(report._CSS, "body"))
    assert "break-all" not in report._CSS


def test_the_plan_document_keeps_korean_words_whole() -> None:
    html = (SRC / "plan" / "data" / "html" / "plan.html").read_text(encoding="utf-8")
    css = html[html.index("<style>") : html.index("</style>")]
    _keeps_words(_rule(css, "body"))
    assert "break-all" not in css


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_plan_pdf_wraps_and_shortens_at_spaces(workspace: Workspace) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "plan"))
    from export_samples import sample_plan

    plan = sample_plan()
    words = ("솔직히", "꼼꼼하게", "살펴보았지만", "아쉽게도", "만족스럽지", "않았습니다")
    sentence = " ".join(words) + "."
    plan.calendar[1].copy = (sentence + " ") * 100  # more than a cell shows
    plan.calendar[2].copy = sentence  # a few lines in the calendar's copy column
    text = _pdf_text(export_plan(workspace, plan, "pdf", "ko", today=date(2026, 3, 15)))
    # every line the PDF wrapped ends with a whole word: no syllable of a word on the next line
    tokens = re.findall(r"[가-힣]+", text)
    broken = [
        t for t in tokens if t not in words and any(w.startswith(t) or w.endswith(t) for w in words)
    ]
    assert not broken, broken
    # the shortened cell ends with a whole word before its "…"
    cut = re.search(r"([가-힣]+)\.?…", text)
    assert cut is not None and cut.group(1) in words, cut
    # the channel names of the UTM table are whole ("네이버 블로/그" was seen)
    assert "네이버 블로그" in text and "카카오톡 채널" in text
