"""The plan forms of the web workspace: a plan as the edit form's fields and back (a calendar
item's form: :mod:`socialops.web.plan_item_forms`). Pure: no I/O, no request.

Repeatable blocks (segments, budget lines, KPI targets, UTM and response times per channel) are
parallel lists of fields with the same name (``seg_name``, ``seg_ages``, …: the n-th of each is
the n-th block; a block with an empty key field is left out). Two lists are one line each, in a
mini-syntax the form shows:

- escalation rules: ``팀 | 키워드1, 키워드2 | 분류1, 분류2 | 처리 시한(분)``
  (team | keywords | categories | within minutes; the last two may be left out)
- crisis levels: ``단계 | 이름 | 발생 조건 | 조치1; 조치2 | 부정 비율(0~1) | 시간당 언급``
  (level | name | trigger | actions | min negative share | min mentions per hour; the last
  three may be left out)

What the form cannot say (the channel mix, the calendar, the workflow's state, approvals and
history) is kept from the stored plan. Input that cannot be read is a :class:`FormError`, with
the sentence in Korean and English (``socialops.i18n``, keys ``planform.*``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from socialops.domain.plan import (
    DIRECT_ROLES,
    MAX_PUBLISH_APPROVALS,
    CrisisLevel,
    EscalationRule,
    Plan,
)
from socialops.i18n import t

__all__ = [
    "CRISIS_SYNTAX",
    "ESCALATION_SYNTAX",
    "Fields",
    "FormError",
    "edit_doc",
    "edit_form",
    "edit_form_of_fields",
    "split_list",
]

Fields = Mapping[str, Sequence[str]]
ESCALATION_SYNTAX = {
    "ko": "팀 | 키워드1, 키워드2 | 분류1, 분류2 | 처리 시한(분)",
    "en": "team | keyword1, keyword2 | category1, category2 | within minutes",
}
CRISIS_SYNTAX = {
    "ko": "단계 | 이름 | 발생 조건 | 조치1; 조치2 | 부정 비율(0~1) | 시간당 언급",
    "en": "level | name | trigger | action1; action2 | negative share (0-1) | mentions per hour",
}
MAX_BLOCKS = 100
MAX_COUNT = 366
MAX_KRW = 10**13


class FormError(ValueError):
    """A form field that cannot be read; :meth:`text` is the sentence in ``lang``."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        params = {k: v[lang] if isinstance(v, dict) else v for k, v in self.params.items()}
        return t(f"planform.{self.key}", lang, **params)


# -- small readers ---------------------------------------------------------------------------
def _one(f: Fields, name: str, default: str = "") -> str:
    values = f.get(name) or []
    return str(values[0]) if values else default


def _all(f: Fields, name: str) -> list[str]:
    return [str(v) for v in (f.get(name) or [])][:MAX_BLOCKS]


def _at(values: list[str], i: int) -> str:
    return values[i] if i < len(values) else ""


def split_list(text: str, seps: str = ",\n") -> list[str]:
    """``"a, b\\nc"`` → ``["a", "b", "c"]`` (empty parts dropped)."""
    parts = re.split("[" + re.escape(seps) + "]", text or "")
    return [p.strip() for p in parts if p.strip()]


def _int(value: str, field: str, *, low: int = 0, high: int = MAX_KRW) -> int:
    text = re.sub(r"[,\s_원]", "", value or "")
    if not re.fullmatch(r"\d{1,16}", text) or not low <= int(text) <= high:
        raise FormError("bad_number", field=field, value=(value or "")[:30], low=low, high=high)
    return int(text)


def _float(value: str, field: str, *, low: float = 0.0, high: float = 1e15) -> float:
    text = re.sub(r"[,\s_]", "", value or "")
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not number == number or not low <= number <= high:  # NaN or out of range
        raise FormError("bad_decimal", field=field, value=(value or "")[:30], low=low, high=high)
    return number


def _opt_int(value: str, field: str, *, low: int = 0, high: int = MAX_KRW) -> int | None:
    return _int(value, field, low=low, high=high) if (value or "").strip() else None


def _opt_float(value: str, field: str, *, low: float = 0.0, high: float = 1e15) -> float | None:
    return _float(value, field, low=low, high=high) if (value or "").strip() else None


def _krw_text(value: int) -> str:
    return f"{value:,}"


def _num_text(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- the edit form -----------------------------------------------------------------------------
def edit_form(plan: Plan) -> dict[str, Any]:
    """The edit form's values for ``plan`` (what the template shows)."""
    p = plan.policy
    utm = [
        {
            "channel": c,
            "source": plan.utm.sources.get(c, ""),
            "medium": plan.utm.mediums.get(c, ""),
        }
        for c in plan.channel_keys()
    ]
    return {
        "name": plan.name,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "timezone": plan.timezone,
        "objectives": list(plan.objectives),
        "brief_message": plan.brief_message,
        "brief_offer": plan.brief_offer,
        "brief_visual": plan.brief_visual,
        "topics": list(plan.topics),
        "owner": plan.owner,
        "approvers": ", ".join(plan.approvers),
        "segments": [
            {
                "name": s.name,
                "ages": ", ".join(s.age_bands),
                "gender": s.genders[0] if len(s.genders) == 1 else "",
                "regions": ", ".join(s.regions),
                "interests": ", ".join(s.interests),
                "customer": s.customer,
                "history": s.purchase_history,
                "size": _num_text(s.size_estimate),
                "saved": s.saved,
            }
            for s in plan.segments
        ],
        "budget_total": _krw_text(plan.budget_total_krw),
        "budget": [
            {
                "channel": b.channel,
                "kind": b.kind,
                "amount": _krw_text(b.amount_krw),
                "note": b.note,
            }
            for b in plan.budget
        ],
        "utm_campaign": plan.utm.campaign,
        "utm": utm,
        "kpis": [
            {
                "kpi": k.kpi,
                "target": _num_text(k.target),
                "channel": k.channel or "",
                "topic": k.topic or "",
            }
            for k in plan.kpis
        ],
        "tone": p.tone,
        "business_hours": p.business_hours,
        "notes": p.notes,
        "response": [
            {"channel": c, "minutes": _num_text(p.response_minutes.get(c))}
            for c in plan.channel_keys()
        ],
        "escalation": "\n".join(
            " | ".join(
                [
                    e.team,
                    ", ".join(e.keywords),
                    ", ".join(e.categories),
                    _num_text(e.within_minutes),
                ]
            ).rstrip(" |")
            for e in p.escalation
        ),
        "crisis": "\n".join(
            " | ".join(
                [
                    str(c.level),
                    c.name,
                    c.trigger,
                    "; ".join(c.actions),
                    _num_text(c.min_negative_share),
                    _num_text(c.min_mentions_per_hour),
                ]
            ).rstrip(" |")
            for c in p.crisis_levels
        ),
        "approval_rules": "\n".join(p.approval_rules),
        "banned_words": ", ".join(p.banned_words),
        "publish_approvals": str(p.publish_approvals),
        "direct_roles": list(p.direct_roles),
    }


def edit_form_of_fields(f: Fields) -> dict[str, Any]:
    """The edit form's values as they were sent (to show them again with an error)."""
    seg_names = _all(f, "seg_name")
    seg = {k: _all(f, f"seg_{k}") for k in ("ages", "gender", "regions", "interests", "customer")}
    seg_history, seg_size = _all(f, "seg_history"), _all(f, "seg_size")
    seg_saved = _all(f, "seg_saved")
    bud = {k: _all(f, f"bud_{k}") for k in ("channel", "kind", "amount", "note")}
    kpi = {k: _all(f, f"kpi_{k}") for k in ("id", "target", "channel", "topic")}
    utm = {k: _all(f, f"utm_{k}") for k in ("channel", "source", "medium")}
    resp = {k: _all(f, f"resp_{k}") for k in ("channel", "minutes")}
    return {
        "name": _one(f, "name"),
        "start": _one(f, "start"),
        "end": _one(f, "end"),
        "timezone": _one(f, "timezone", "Asia/Seoul"),
        "objectives": _all(f, "objectives"),
        "brief_message": _one(f, "brief_message"),
        "brief_offer": _one(f, "brief_offer"),
        "brief_visual": _one(f, "brief_visual"),
        "topics": _all(f, "topics"),
        "owner": _one(f, "owner"),
        "approvers": _one(f, "approvers"),
        "segments": [
            {
                "name": name,
                **{k: _at(v, i) for k, v in seg.items()},
                "history": _at(seg_history, i),
                "size": _at(seg_size, i),
                "saved": _at(seg_saved, i),
            }
            for i, name in enumerate(seg_names)
            if name.strip()
        ],
        "budget_total": _one(f, "budget_total"),
        "budget": [
            {k: _at(v, i) for k, v in bud.items()}
            for i, c in enumerate(bud["channel"])
            if c.strip()
        ],
        "utm_campaign": _one(f, "utm_campaign"),
        "utm": [{k: _at(v, i) for k, v in utm.items()} for i in range(len(utm["channel"]))],
        "kpis": [
            {
                "kpi": k,
                "target": _at(kpi["target"], i),
                "channel": _at(kpi["channel"], i),
                "topic": _at(kpi["topic"], i),
            }
            for i, k in enumerate(kpi["id"])
            if k.strip()
        ],
        "tone": _one(f, "tone"),
        "business_hours": _one(f, "business_hours"),
        "notes": _one(f, "notes"),
        "response": [{k: _at(v, i) for k, v in resp.items()} for i in range(len(resp["channel"]))],
        "escalation": _one(f, "escalation"),
        "crisis": _one(f, "crisis"),
        "approval_rules": _one(f, "approval_rules"),
        "banned_words": _one(f, "banned_words"),
        # the form always sends these (a select, and checkboxes after an empty hidden field);
        # a form without them means the policy's defaults
        "publish_approvals": _one(f, "publish_approvals", "0"),
        "direct_roles": (
            [r for r in _all(f, "direct_roles") if r] if "direct_roles" in f else list(DIRECT_ROLES)
        ),
    }


def _escalation(text: str) -> list[dict[str, Any]]:
    rules = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 4 or not parts[0]:
            raise FormError("bad_line", field="escalation", line=n, syntax=ESCALATION_SYNTAX)
        parts += [""] * (4 - len(parts))
        rules.append(
            EscalationRule(
                team=parts[0],
                keywords=split_list(parts[1], ","),
                categories=split_list(parts[2], ","),
                within_minutes=_opt_int(parts[3], f"escalation {n}", low=1, high=100_000),
            )
        )
    return [r.__dict__ for r in rules]


def _crisis(text: str) -> list[dict[str, Any]]:
    levels = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 6 or len(parts) < 3 or not parts[1]:
            raise FormError("bad_line", field="crisis", line=n, syntax=CRISIS_SYNTAX)
        parts += [""] * (6 - len(parts))
        levels.append(
            CrisisLevel(
                level=_int(parts[0], f"crisis {n}", low=0, high=99),
                name=parts[1],
                trigger=parts[2],
                actions=split_list(parts[3], ";"),
                min_negative_share=_opt_float(parts[4], f"crisis {n}", low=0.0, high=1.0),
                min_mentions_per_hour=_opt_int(parts[5], f"crisis {n}", low=0, high=10**9),
            )
        )
    return [c.__dict__ for c in levels]


def edit_doc(old: Plan, form: dict[str, Any]) -> dict[str, Any]:
    """The plan document of ``form`` (an :func:`edit_form_of_fields` result) on top of
    ``old``: what the form does not hold is kept. Baselines of KPI targets that were already
    there are kept too."""
    doc = old.to_dict()
    baselines = {
        (k.kpi, k.channel or "", k.topic or ""): (k.baseline, k.baseline_note) for k in old.kpis
    }
    doc.update(
        {
            "name": form["name"].strip(),
            "start": form["start"].strip(),
            "end": form["end"].strip(),
            "timezone": form["timezone"].strip() or "Asia/Seoul",
            "objectives": list(dict.fromkeys(form["objectives"])),
            "brief_message": form["brief_message"],
            "brief_offer": form["brief_offer"],
            "brief_visual": form["brief_visual"],
            "topics": list(dict.fromkeys(x for x in form["topics"] if x)),
            "owner": form["owner"].strip(),
            "approvers": list(dict.fromkeys(split_list(form["approvers"], ",;\n "))),
        }
    )
    doc["segments"] = [
        {
            "name": s["name"].strip(),
            "age_bands": split_list(s["ages"], ", "),
            "genders": [s["gender"]] if s["gender"] else [],
            "regions": split_list(s["regions"]),
            "interests": split_list(s["interests"]),
            "customer": s["customer"] or "any",
            "purchase_history": s["history"].strip(),
            "size_estimate": _opt_int(s["size"], f"segments.{s['name'][:20]}", high=10**10),
            "saved": s.get("saved", "").strip(),
        }
        for s in form["segments"]
    ]
    doc["budget_total_krw"] = _opt_int(form["budget_total"], "budget_total_krw") or 0
    doc["budget"] = [
        {
            "channel": b["channel"],
            "kind": b["kind"] or "paid",
            "amount_krw": _int(b["amount"], f"budget.{b['channel']}"),
            "note": b["note"].strip(),
        }
        for b in form["budget"]
    ]
    doc["utm"] = {
        "campaign": form["utm_campaign"].strip(),
        "sources": {u["channel"]: u["source"].strip() for u in form["utm"] if u["source"].strip()},
        "mediums": {u["channel"]: u["medium"].strip() for u in form["utm"] if u["medium"].strip()},
    }
    kpis = []
    for k in form["kpis"]:
        key = (k["kpi"], k["channel"], k["topic"])
        baseline, note = baselines.get(key, (None, ""))
        kpis.append(
            {
                "kpi": k["kpi"],
                # the range is the model's to check (net sentiment may be negative)
                "target": _float(k["target"], f"kpis.{k['kpi']}", low=-1e15),
                "channel": k["channel"] or None,
                "topic": k["topic"] or None,
                "baseline": baseline,
                "baseline_note": note,
            }
        )
    doc["kpis"] = kpis
    doc["policy"] = {
        **doc["policy"],
        "tone": form["tone"],
        "business_hours": form["business_hours"].strip(),
        "notes": form["notes"],
        "response_minutes": {
            r["channel"]: _int(r["minutes"], f"policy.response_minutes.{r['channel']}", low=1)
            for r in form["response"]
            if r["minutes"].strip()
        },
        "escalation": _escalation(form["escalation"]),
        "crisis_levels": _crisis(form["crisis"]),
        "approval_rules": split_list(form["approval_rules"], "\n"),
        "banned_words": split_list(form["banned_words"]),
        "publish_approvals": _int(
            form["publish_approvals"], "policy.publish_approvals", high=MAX_PUBLISH_APPROVALS
        ),
        "direct_roles": list(dict.fromkeys(form["direct_roles"])),
    }
    return doc
