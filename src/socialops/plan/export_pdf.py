"""The plan document as an A4 PDF (fpdf2), with a Hangul TrueType font embedded.

The font is the ``pdf_font`` setting (``SOCIALOPS_PDF_FONT``, default NanumGothic of Debian's
``fonts-nanum``); its bold face is the file of the same name with ``Bold`` before ``.ttf`` when
there is one. Text is embedded with a Unicode map, so readers (and ``pypdf``) can extract it.
Characters the font has no glyph for (emoji, mostly) are printed as ``□``; table cells too tall
for one page are shortened with ``…`` (the HTML document and the workbook keep the full text).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, VAlign, WrapMode, XPos, YPos

from socialops.plan.messages import PlanError
from socialops.settings import SETTINGS, get

__all__ = ["DEFAULT_FONT", "FONT_ENV", "font_paths", "render_pdf"]

DEFAULT_FONT = SETTINGS["pdf_font"].default
FONT_ENV = SETTINGS["pdf_font"].env
_FAMILY = "plan"
_MISSING = "□"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAGE_W = 182.0  # A4 (210 mm) less 14 mm margins on each side
_HEAD_FILL = (233, 238, 244)
_STATUS_FILL = {
    "on_track": (218, 251, 225),
    "ahead": (218, 251, 225),
    "off_track": (255, 235, 233),
}
_MAX_LINES = 28  # a table cell taller than this is shortened (a row must fit on one page)


def font_paths() -> tuple[Path, Path]:
    """(regular, bold) font files; bold is the regular face when no bold file sits beside it."""
    regular = Path(get("pdf_font")).expanduser()
    if not regular.is_file():
        raise PlanError("plan.pdf_font", path=str(regular))
    bold = regular.with_name(f"{regular.stem}Bold{regular.suffix}")
    return regular, bold if bold.is_file() else regular


class _Doc(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, "", 7.5)
        self.set_text_color(110, 118, 126)
        self.cell(_PAGE_W / 2, 6, self.footer_text[:80], align="L")
        self.cell(_PAGE_W / 2, 6, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class _Writer:
    """Lays the document out; every text goes through :meth:`clean`."""

    def __init__(self, doc: dict[str, Any]) -> None:
        regular, bold = font_paths()
        self.doc = doc
        self.L: dict[str, str] = doc["L"]
        pdf = _Doc(orientation="P", unit="mm", format="A4")
        try:
            pdf.add_font(_FAMILY, "", str(regular))
            pdf.add_font(_FAMILY, "B", str(bold))
        except Exception as exc:  # fontTools raises many kinds for a file that is no font
            raise PlanError("plan.pdf_font", path=f"{regular} ({type(exc).__name__})") from None
        self.glyphs = _glyphs(str(regular))
        pdf.set_margins(14, 14, 14)
        pdf.set_auto_page_break(True, margin=16)
        pdf.set_title(doc["plan"]["name"][:200])
        pdf.set_lang(doc["lang"])
        pdf.set_creator("socialops")
        pdf.footer_text = self.clean(doc["plan"]["name"])
        self.pdf = pdf

    # -- text ----------------------------------------------------------------------------

    def clean(self, value: Any) -> str:
        text = _CONTROL.sub(" ", "" if value is None else str(value)).replace("\r", "")
        glyphs = self.glyphs
        if all(ord(ch) in glyphs or ch == "\n" for ch in text):
            return text
        return "".join(ch if ch == "\n" or ord(ch) in glyphs else _MISSING for ch in text)

    def fit(self, value: Any, width: float) -> str:
        """``value`` cleaned and shortened to at most ``_MAX_LINES`` lines of ``width`` mm."""
        text = self.clean(value)
        usable = max(width - 2.5, 5.0)
        lines = 0
        for par in text.split("\n"):
            lines += max(1, math.ceil(self.pdf.get_string_width(par) / usable))
        if lines <= _MAX_LINES:
            return text
        keep = max(1, int(len(text) * _MAX_LINES / lines * 0.85))
        cut = text[:keep]
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space > keep // 2:  # at a word (eojeol) boundary, not inside a Korean word
            cut = cut[:space]
        return cut.rstrip() + "…"

    # -- blocks --------------------------------------------------------------------------

    def h1(self, text: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        pdf.ln(4)
        pdf.start_section(self.clean(text)[:120])
        pdf.set_font(_FAMILY, "B", 13)
        pdf.set_text_color(26, 95, 180)
        pdf.multi_cell(0, 7, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(26, 95, 180)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + _PAGE_W, pdf.get_y())
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)

    def h2(self, text: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(1)
        pdf.set_font(_FAMILY, "B", 10)
        pdf.multi_cell(0, 6, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: Any, size: float = 9.5, muted: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font(_FAMILY, "", size)
        if muted:
            pdf.set_text_color(89, 99, 110)
        pdf.multi_cell(0, size * 0.5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def kv(self, rows: list[tuple[str, Any]]) -> None:
        """A two-column table of field and value."""
        pdf = self.pdf
        pdf.set_font(_FAMILY, "", 9)
        widths = (44.0, _PAGE_W - 44.0)
        head = FontFace(emphasis="BOLD", fill_color=_HEAD_FILL)
        with pdf.table(
            col_widths=widths,
            first_row_as_headings=False,
            text_align="LEFT",
            line_height=4.8,
            padding=1.2,
        ) as table:
            for key, value in rows:
                row = table.row()
                row.cell(self.fit(key, widths[0]), style=head)
                row.cell(self.fit(value if value not in (None, "") else "—", widths[1]))
        pdf.ln(2)

    def table(
        self,
        headings: list[str],
        widths: list[float],
        rows: list[list[Any]],
        *,
        size: float = 8.0,
        fills: list[tuple[int, int, int] | None] | None = None,
        fill_col: int = -1,
        bold_last: int = 0,
        align_right: tuple[int, ...] = (),
    ) -> None:
        """A table with a heading row repeated on every page; ``fills`` colour one column."""
        pdf = self.pdf
        if not rows:
            self.para(self.L["field.none"], muted=True)
            return
        pdf.set_font(_FAMILY, "", size)
        scale = _PAGE_W / sum(widths)
        widths = [w * scale for w in widths]
        align = tuple("RIGHT" if i in align_right else "LEFT" for i in range(len(widths)))
        with pdf.table(
            col_widths=tuple(widths),
            text_align=align,
            line_height=size * 0.52,
            padding=1.0,
            headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL),
            cell_fill_mode=TableCellFillMode.NONE,
            v_align=VAlign.T,
            # at spaces, so Korean breaks between words (eojeol), never inside one ("블로/그");
            # only a word wider than its column (a long link) is broken where it must be
            wrapmode=WrapMode.WORD,
        ) as table:
            head = table.row()
            for h in headings:
                head.cell(self.clean(h))
            for i, values in enumerate(rows):
                row = table.row()
                last = bold_last and i >= len(rows) - bold_last
                for j, value in enumerate(values):
                    style = None
                    if fills is not None and j == fill_col and fills[i] is not None:
                        style = FontFace(fill_color=fills[i])
                    if last:
                        style = FontFace(emphasis="BOLD", fill_color=_HEAD_FILL)
                    row.cell(self.fit(value, widths[j]), style=style)
        pdf.ln(2)

    # -- the document --------------------------------------------------------------------

    def render(self) -> bytes:
        d, L = self.doc, self.L
        self.title_page()
        pdf = self.pdf
        pdf.add_page()
        self.summary(d, L)
        self.h1(f"2. {L['section.objectives']}")
        self.para("\n".join(f"• {o['label']}" for o in d["objectives"]) or L["field.none"])
        self.h1(f"3. {L['section.brief']}")
        self.kv(
            [
                (L["field.message"], d["brief"]["message"]),
                (L["field.offer"], d["brief"]["offer"]),
                (L["field.visual"], d["brief"]["visual"]),
            ]
        )
        self.segments(d, L)
        self.channels(d, L)
        self.budget(d, L)
        self.utm(d, L)
        self.kpis(d, L)
        self.calendar(d, L)
        self.policy(d, L)
        self.history(d, L)
        with _quiet("fontTools"):
            return bytes(pdf.output())

    def title_page(self) -> None:
        d, L, pdf = self.doc, self.L, self.pdf
        p = d["plan"]
        pdf.add_page()
        pdf.set_y(70)
        pdf.set_font(_FAMILY, "", 12)
        pdf.set_text_color(89, 99, 110)
        pdf.cell(0, 8, self.clean(L["field.document"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(_FAMILY, "B", 24)
        pdf.multi_cell(0, 12, self.fit(p["name"], 400), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(26, 95, 180)
        pdf.set_line_width(0.8)
        pdf.line(pdf.l_margin, pdf.get_y() + 3, pdf.l_margin + 60, pdf.get_y() + 3)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(10)
        pdf.set_font(_FAMILY, "", 11)
        days = f"{p['days']} days" if d["lang"] == "en" else f"{p['days']}일"
        for key, value in (
            ("field.period", f"{p['period_text']} ({days}, {p['timezone']})"),
            ("field.state", p["state_label"]),
            ("field.objectives", p["objectives_text"]),
            ("field.budget_total", p["budget_total_text"]),
            ("field.owner", p["owner"] or "—"),
            ("field.approvers", ", ".join(p["approvers"]) or "—"),
            ("field.generated", d["as_of"].isoformat()),
            ("field.plan_id", p["plan_id"] or "—"),
        ):
            pdf.set_font(_FAMILY, "B", 11)
            pdf.cell(36, 7, self.clean(L[key]))
            pdf.set_font(_FAMILY, "", 11)
            pdf.multi_cell(0, 7, self.fit(value, 140), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def summary(self, d: dict[str, Any], L: dict[str, str]) -> None:
        p = d["plan"]
        self.h1(f"1. {L['section.summary']}")
        self.kv(
            [
                (L["field.name"], p["name"]),
                (L["field.period"], f"{p['period_text']} ({p['timezone']})"),
                (L["field.state"], p["state_label"]),
                (L["field.objectives"], p["objectives_text"]),
                (L["field.budget_total"], p["budget_total_text"]),
                (L["field.template"], p["template"]),
                (L["field.owner"], p["owner"]),
                (L["field.approvers"], ", ".join(p["approvers"])),
                (L["field.approvals"], ", ".join(p["approvals"])),
                (L["field.topics"], ", ".join(d["topics"])),
                (L["field.version"], f"{p['version']} · {p['updated_at'] or '—'}"),
            ]
        )

    def segments(self, d: dict[str, Any], L: dict[str, str]) -> None:
        self.h1(f"4. {L['section.segments']}")
        self.table(
            [
                L["field.segment"],
                L["field.age_bands"],
                L["field.genders"],
                L["field.regions"],
                L["field.interests"],
                L["field.customer"],
                L["field.purchase_history"],
                L["field.size_estimate"],
            ],
            [26, 20, 16, 22, 30, 18, 30, 20],
            [
                [
                    s["name"],
                    s["age_bands"],
                    s["genders"],
                    s["regions"],
                    s["interests"],
                    s["customer"],
                    s["purchase_history"],
                    s["size_text"],
                ]
                for s in d["segments"]
            ],
            align_right=(7,),
        )

    def channels(self, d: dict[str, Any], L: dict[str, str]) -> None:
        self.h1(f"5. {L['section.channels']}")
        rows = []
        for c in d["channels"]["rows"]:
            score = c["score_text"] + (f"\n{c['breakdown_text']}" if c["breakdown_text"] else "")
            reasons = "\n".join(f"• {r}" for r in c["reasons"]) or "—"
            rows.append([c["name"], c["role"], score, reasons, c["override_reason"] or "—"])
        self.table(
            [
                L["field.channel"],
                L["field.role"],
                L["field.score"],
                L["field.reasons"],
                L["field.override_reason"],
            ],
            [26, 16, 30, 70, 40],
            rows,
        )
        others = d["channels"]["not_chosen"]
        if others:
            names = ", ".join(f"{c['name']} ({c['score_text']})" for c in others)
            self.para(f"{L['field.not_chosen']}: {names}", size=8.5, muted=True)

    def budget(self, d: dict[str, Any], L: dict[str, str]) -> None:
        b = d["budget"]
        self.h1(f"6. {L['section.budget']}")
        rows: list[list[Any]] = [
            [r["name"], r["paid_text"], r["organic_text"], r["total_text"], r["share_text"]]
            for r in b["by_channel"]
        ]
        rows.append(
            [
                L["field.total"],
                f"{b['paid_total_text']} ({b['paid_share_text']})",
                f"{b['organic_total_text']} ({b['organic_share_text']})",
                b["total_text"],
                "100.0%" if b["total"] else "—",
            ]
        )
        rows.append(
            [L["field.plan_total"], "", "", b["plan_total_text"], "✓" if b["matches"] else "≠"]
        )
        self.table(
            [
                L["field.channel"],
                L["budget.paid"],
                L["budget.organic"],
                L["field.total"],
                L["field.share"],
            ],
            [46, 38, 38, 36, 24],
            rows,
            bold_last=2,
            align_right=(1, 2, 3, 4),
        )
        notes = [f"{r['name']} · {r['kind_label']}: {r['note']}" for r in b["rows"] if r["note"]]
        if notes:
            self.para("\n".join(notes), size=8.5, muted=True)

    def utm(self, d: dict[str, Any], L: dict[str, str]) -> None:
        u = d["utm"]
        self.h1(f"7. {L['section.utm']}")
        self.para(f"{L['field.campaign']} = {u['campaign']}")
        self.table(
            [L["field.channel"], L["field.source"], L["field.medium"], L["field.example_link"]],
            [28, 26, 26, 102],
            [[r["name"], r["source"] or "—", r["medium"] or "—", r["example"]] for r in u["rows"]],
        )

    def kpis(self, d: dict[str, Any], L: dict[str, str]) -> None:
        k = d["kpis"]
        self.h1(f"8. {L['section.kpis']}")
        line = f"{L['field.generated']}: {k['as_of'].isoformat()}"
        if k["elapsed"] is not None:
            line += f" · {L['field.elapsed']} {k['elapsed_text']}"
        if not k["measured"]:
            line += f" · {L['field.no_actuals']}"
        self.para(line, size=8.5, muted=True)
        rows = []
        fills: list[tuple[int, int, int] | None] = []
        for r in k["rows"]:
            name = r["name"] + (f" · {r['topic']}" if r["topic"] else "")
            status = r["status_label"] + (f"\n{r['note']}" if r["note"] else "")
            rows.append(
                [
                    f"{name}\n{r['formula']}",
                    r["channel_name"],
                    r["baseline_text"],
                    r["target_text"],
                    r["actual_text"],
                    r["expected_text"],
                    r["pacing_text"],
                    status,
                ]
            )
            fills.append(_STATUS_FILL.get(r["status"]))
        self.table(
            [
                L["field.kpi"],
                L["field.channel"],
                L["field.baseline"],
                L["field.target"],
                L["field.actual"],
                L["field.expected"],
                L["field.pacing"],
                L["field.status"],
            ],
            [50, 20, 18, 18, 18, 18, 14, 26],
            rows,
            size=7.5,
            fills=fills,
            fill_col=7,
            align_right=(2, 3, 4, 5, 6),
        )

    def calendar(self, d: dict[str, Any], L: dict[str, str]) -> None:
        c = d["calendar"]
        self.h1(f"9. {L['section.calendar']}")
        self.para(f"{L['field.occurrences']}: {len(c['rows']):,}", size=8.5, muted=True)
        rows = []
        for day in c["days"]:
            when = f"{day['date_text']} ({day['weekday']})"
            special = ", ".join(day["special"])
            if not day["items"]:
                rows.append([f"{when}\n{special}", "", "", "", "", "", "", ""])
                continue
            for i, r in enumerate(day["items"]):
                first = f"{when}\n{special}".strip() if i == 0 else ""
                body = r["title"] + (f" [{r['pillar']}]" if r["pillar"] else "")
                if r["copy"]:
                    body += "\n" + r["copy"]
                if r["tracked_link"]:
                    body += "\n" + r["tracked_link"]
                for w in r["warnings"]:
                    body += f"\n⚠ {w}"
                time = r["time_text"] + (
                    "" if r["zone"] == d["plan"]["timezone"] else f"\n{r['zone']}"
                )
                rows.append(
                    [
                        first,
                        time,
                        r["channel_name"],
                        r["format"] or "—",
                        body,
                        r["segment"] or "—",
                        r["owner"] or "—",
                        r["status_label"],
                    ]
                )
        self.table(
            [
                L["field.date"],
                L["field.time"],
                L["field.channel"],
                L["field.format"],
                f"{L['field.title']} / {L['field.copy']}",
                L["field.segment"],
                L["field.owner"],
                L["field.item_status"],
            ],
            [22, 11, 20, 16, 63, 18, 16, 16],
            rows,
            size=7.0,
        )
        if c["warnings"]:
            self.h2(f"{L['field.warnings']} ({len(c['warnings'])})")
            self.para(
                "\n".join(
                    f"• {w['kind_label']}{' · ' + w['day_text'] if w['day_text'] else ''}: "
                    f"{w['text']}"
                    for w in c["warnings"]
                ),
                size=8.5,
            )
        if c["special_days"]:
            self.h2(L["field.special_days"])
            self.para(
                "\n".join(
                    f"• {s['day_text']} {s['name']} ({s['kind']})" for s in c["special_days"]
                ),
                size=8.5,
            )

    def policy(self, d: dict[str, Any], L: dict[str, str]) -> None:
        p = d["policy"]
        self.h1(f"10. {L['section.policy']}")
        self.kv(
            [
                (L["field.tone"], p["tone"]),
                (L["field.business_hours"], p["business_hours"]),
                (L["field.banned_words"], p["banned_text"]),
            ]
        )
        if p["notes"]:
            self.h2(L["field.notes"])
            self.para(p["notes"])
        if p["response"]:
            self.h2(L["field.response_minutes"])
            self.table(
                [L["field.channel"], L["field.response_minutes"]],
                [60, 40],
                [[r["name"], f"{r['minutes']:,}"] for r in p["response"]],
                align_right=(1,),
            )
        if p["escalation"]:
            self.h2(L["field.escalation"])
            self.table(
                [
                    L["field.team"],
                    L["field.keywords"],
                    L["field.categories"],
                    L["field.within_minutes"],
                ],
                [34, 80, 44, 24],
                [
                    [e["team"], e["keywords"], e["categories"], e["within_text"]]
                    for e in p["escalation"]
                ],
                align_right=(3,),
            )
        if p["crisis_levels"]:
            self.h2(L["field.crisis_levels"])
            self.table(
                [L["field.level"], L["field.level_name"], L["field.trigger"], L["field.actions"]],
                [12, 30, 70, 70],
                [
                    [
                        str(c["level"]),
                        c["name"],
                        c["trigger"]
                        + (f"\n{c['structured_text']}" if c["structured_text"] else ""),
                        "\n".join(f"• {a}" for a in c["actions"]) or "—",
                    ]
                    for c in p["crisis_levels"]
                ],
            )
        if p["approval_rules"]:
            self.h2(L["field.approval_rules"])
            self.para("\n".join(f"• {r}" for r in p["approval_rules"]), size=9)

    def history(self, d: dict[str, Any], L: dict[str, str]) -> None:
        p = d["plan"]
        self.h1(f"11. {L['section.history']}")
        self.para(
            f"{L['field.approvers']}: {', '.join(p['approvers']) or L['field.none']} · "
            f"{L['field.approvals']}: {', '.join(p['approvals']) or L['field.none']}",
            size=9,
        )
        self.table(
            [
                L["field.at"],
                L["field.actor"],
                L["field.action"],
                L["field.from_state"],
                L["field.to_state"],
                L["field.note"],
            ],
            [34, 30, 22, 20, 20, 56],
            [
                [h["at"], h["actor"], h["action"], h["from_state"] or "—", h["to_state"], h["note"]]
                for h in d["history"]
            ],
        )


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Hide a library's warnings while it subsets the font (it lists tables it drops)."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@cache
def _glyphs(path: str) -> frozenset[int]:
    """Code points the font at ``path`` has a glyph for."""
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def render_pdf(doc: dict[str, Any]) -> bytes:
    """The document of :func:`socialops.plan.export.plan_document` as PDF bytes."""
    return _Writer(doc).render()
