"""The Measure analyses of the web, one function each, shared by the pages and the API: the
campaign effect (the stored outcome series, or an uploaded file), promotion and creative tests,
the sample-size planner, attribution with ROI against a plan's budget, and the channel mix.

Reading the stored outcomes needs ``measure.view``; running an analysis ``measure.run``. Each
returns an :class:`~socialops.web.actions.measure_io.Analysis`: the back-end's JSON as it is
(the CLI's keys), its tables, its chart, verdict and caveats in the reader's language. The
numbers are the back-end modules' (socialops.measure.effect, .abtest, .power, .attribution,
.mix); this module only reads forms and files and arranges what they return."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from socialops.errors import DataError, SettingsError
from socialops.i18n import t
from socialops.listen import topics as topics_mod
from socialops.measure import abtest as abtest_mod
from socialops.measure import attribution as attribution_mod
from socialops.measure import effect as effect_mod
from socialops.measure import mix as mix_mod
from socialops.measure import outcomes as outcomes_mod
from socialops.measure import power as power_mod
from socialops.store.workspace import Workspace
from socialops.web.actions.base import Actor
from socialops.web.actions.measure_io import (
    Analysis,
    Table,
    columns_of,
    need,
    uploaded,
    words,
)

__all__ = [
    "abtest_upload",
    "attribution",
    "effect",
    "effect_analysis",
    "effect_topics",
    "effect_upload",
    "mix_upload",
    "outcomes",
    "power",
    "rows_table",
    "stored_outcomes",
]

MIX_COLUMNS = ["channel", "spend", "contribution", "contribution_low", "contribution_high",
               "share", "roi", "roi_low", "roi_high", "mroi", "p_best", "adstock",
               "half_saturation"]  # fmt: skip
ATTR_CHANNEL = ["channel", "conversions", "revenue", "cost", "engagements"]
ROI_COLUMNS = ["channel", "campaign", "budget", "spend", "conversions", "revenue", "engagements",
               "roas", "cpa", "cost_per_engagement"]  # fmt: skip


# -- shared shapes -------------------------------------------------------------------------------
def rows_table(key: str, rows: Any, columns: list[str] | None = None) -> Table:
    """A table from a list of dicts (its keys as the columns, the first row's order)."""
    items = [r for r in (rows or []) if isinstance(r, dict)]
    cols = columns or (list(items[0]) if items else [])
    cols = [c for c in cols if not isinstance(items[0].get(c) if items else None, dict | list)]
    return Table(key, cols, [[r.get(c) for c in cols] for r in items])


def _pct(v: Any) -> str:
    return "–" if v is None else f"{float(v) * 100:+.1f}%"


def _num(v: Any, digits: int = 1) -> str:
    return "–" if v is None else f"{float(v):,.{digits}f}"


def _caveats(data: dict[str, Any], lang: str, *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        out.extend(words(c, lang) for c in data.get(key) or [])
    return out


# -- outcomes and the campaign effect ------------------------------------------------------------
def outcomes(actor: Actor, ws: str) -> list[dict[str, Any]]:
    """The outcome series stored in ``ws`` (``{metric, dimension, grain, first, last, days}``)."""
    actor.access(ws, "measure.view")
    return stored_outcomes(actor.services.workspace(ws))


def stored_outcomes(db: Workspace) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = outcomes_mod.list_outcomes(db)
    return found


EFFECT_COLUMNS = ["date", "observed", "predicted", "predicted_low", "predicted_high", "effect",
                  "effect_low", "effect_high"]  # fmt: skip


def effect_analysis(result: Any, lang: str, note: str = "") -> Analysis:
    """An :class:`EffectResult` as the pages and the API show it: the verdict's first line,
    the caveats after it (:func:`socialops.measure.effect.verdict_text`)."""
    eff = effect_mod
    data = result.to_dict()
    lines = [x for x in str(eff.verdict_text(result, lang)).split("\n") if x.strip()]
    summary = [
        (t("mweb.effect.lift_abs", lang), _num(data.get("lift_abs"))),
        (t("mweb.effect.lift_rel", lang), _pct(data.get("lift_rel"))),
        (
            t("mweb.effect.interval", lang),
            f"{_pct(data.get('ci_low'))} ~ {_pct(data.get('ci_high'))}",
        ),
        (t("mweb.effect.p_effect", lang), f"{float(data.get('p_effect') or 0) * 100:.1f}%"),
    ]
    return Analysis(
        kind="effect",
        data=data,
        tables=[
            rows_table("pointwise", data.get("pointwise"), EFFECT_COLUMNS),
            rows_table(
                "cumulative",
                data.get("cumulative"),
                ["date", "effect", "effect_low", "effect_high"],
            ),
        ],
        summary=summary,
        svg=eff.effect_svg(result, lang),
        verdict=lines[0] if lines else "",
        caveats=[x.lstrip("- ").strip() for x in lines[1:]],
        note=note,
    )


def effect(
    actor: Actor,
    ws: str,
    lang: str,
    *,
    metric: str,
    start: date,
    end: date,
    dimension: str = "",
    controls: list[str] | None = None,
    pre_start: date | None = None,
    control_topics: list[str] | None = None,
) -> Analysis:
    """The effect on the stored outcome ``metric`` (``dimension``: ``''`` the total) over
    ``start``…``end``, other stored dimensions and tracked topics' daily mention volume
    (``control_topics``: names) as control series."""
    actor.access(ws, "measure.run")
    result = effect_mod.effect_from_outcomes(
        actor.services.workspace(ws),
        need(metric, t("mweb.metric", lang)),
        start=start,
        end=end,
        dimension=dimension,
        control_dimensions=tuple(controls or ()),
        pre_start=pre_start,
        control_topics=tuple(n.strip() for n in control_topics or () if n.strip()),
    )
    return effect_analysis(result, lang)


def effect_topics(actor: Actor, ws: str) -> list[str]:
    """The workspace's tracked topics, offered as control series of the effect."""
    actor.access(ws, "measure.view")
    return [tp.name for tp in topics_mod.list_topics(actor.services.workspace(ws))]


def effect_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    date_col: str,
    value_col: str,
    start: date,
    end: date,
    control_cols: list[str] | str | None = None,
    pre_start: date | None = None,
) -> Analysis:
    """The effect on an uploaded series (the CLI's ``measure effect FILE``)."""
    actor.access(ws, "measure.run")
    eff = effect_mod
    date_col, value_col = need(date_col, "date_col"), need(value_col, "value_col")
    controls = columns_of(control_cols)
    with uploaded(actor.services.workspace(ws).root, filename, fileobj) as path:
        result = eff.effect_file(
            path,
            date_col=date_col,
            value_col=value_col,
            start=start,
            end=end,
            control_cols=controls,
            pre_start=pre_start,
        )
    return effect_analysis(result, lang)


def abtest_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    group_col: str,
    metric_col: str,
    kind: str | None = None,
) -> Analysis:
    """A promotion or creative test from an uploaded file (one row per user or order)."""
    actor.access(ws, "measure.run")
    ab = abtest_mod
    group_col, metric_col = need(group_col, "group_col"), need(metric_col, "metric_col")
    with uploaded(actor.services.workspace(ws).root, filename, fileobj) as path:
        result = ab.abtest_file(path, group_col=group_col, metric_col=metric_col, kind=kind or None)
    data = result.to_dict(lang)
    cols = ["a", "b", "diff", "ci_low", "ci_high", "p_adj", "significant"]
    return Analysis(
        kind="abtest",
        data=data,
        tables=[
            rows_table("groups", data.get("groups"), ["group", "n", "value", "ci_low", "ci_high"]),
            rows_table("comparisons", data.get("comparisons"), cols),
        ],
        verdict=str((data.get("verdict") or {}).get("text") or ""),
        caveats=[str(w.get("text") or words(w, lang)) for w in data.get("warnings") or []],
    )


def power(
    actor: Actor,
    ws: str,
    lang: str,
    *,
    baseline: float,
    lift: float,
    kind: str = "rate",
    sd: float | None = None,
    groups: int = 2,
    daily: float | None = None,
    alpha: float | None = None,
    power: float | None = None,
) -> Analysis:
    """How many users (and days at ``daily`` users a day) a test needs to find a relative
    ``lift`` over ``baseline``: :func:`socialops.measure.power.plan_sample_size`."""
    actor.access(ws, "measure.view")
    mod = power_mod
    extra = {k: v for k, v in (("alpha", alpha), ("power", power)) if v is not None}
    try:
        data = dict(
            mod.plan_sample_size(
                baseline,
                lift,
                kind=kind,
                sd=sd,
                groups=groups,
                daily_traffic=daily,
                relative=True,
                **extra,
            )
        )
    except (ValueError, ArithmeticError, Warning):  # a difference too small to be a number
        raise SettingsError(code="abtest.power.bad_mde", value=lift) from None
    shown = ("n_per_group", "total", "days", "groups", "alpha", "power", "method")
    summary = [(t(f"mweb.power.{k}", lang), _shown(data.get(k))) for k in shown[:3]]
    return Analysis(
        kind="power",
        data=data,
        tables=[Table("power", ["name", "value"], [[k, data.get(k)] for k in shown])],
        summary=summary,
        verdict=str(mod.power_text(data, lang)),
    )


def _shown(v: Any) -> str:
    if v is None:
        return "–"
    return f"{v:,}" if isinstance(v, int) else str(v)


def attribution(
    actor: Actor,
    ws: str,
    lang: str,
    *,
    date_from: date | None,
    date_to: date | None,
    campaign: str | None = None,
    budget_lines: list[dict[str, Any]] | None = None,
) -> Analysis:
    """Conversions by UTM per channel and campaign (last touch: the UTM each conversion
    carried), with ROAS, CPA and cost per engagement against ``budget_lines`` (a plan's, as
    plain dicts ``{channel, campaign, amount}``). Position-based credit needs the customers'
    touches, a file the CLI takes (``measure attribution --touches``)."""
    actor.access(ws, "measure.view")
    mod = attribution_mod
    data = dict(
        mod.attribution(
            actor.services.workspace(ws),
            date_from=date_from.isoformat() if date_from else None,
            date_to=date_to.isoformat() if date_to else None,
            campaign=campaign or None,
        )
    )
    utm = data.get("utm") or {}
    tables = [
        rows_table("by_channel", utm.get("by_channel"), ATTR_CHANNEL),
        rows_table("by_campaign", utm.get("by_campaign"), ["campaign", *ATTR_CHANNEL[1:4]]),
    ]
    if budget_lines:
        data["roi"] = mod.roi(
            utm.get("rows") or [], budget_lines, engagements=data.get("engagements")
        )
        tables.append(rows_table("roi", data["roi"], ROI_COLUMNS))
    return Analysis(
        kind="attribution",
        data=data,
        tables=tables,
        summary=[(t("mweb.col.conversions", lang), f"{float(utm.get('conversions') or 0):,.0f}")],
        caveats=[words(c, lang) for c in data.get("caveats") or []]
        + ([] if utm.get("rows") else [t("mweb.attr.none", lang)]),
    )


def mix_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    date_col: str,
    value_col: str,
    spend_cols: list[str] | str,
) -> Analysis:
    """Each channel's contribution and ROI from weekly sales and spend (an uploaded file)."""
    actor.access(ws, "measure.run")
    mix = mix_mod
    date_col, value_col = need(date_col, "date_col"), need(value_col, "value_col")
    spends = columns_of(spend_cols)
    if not spends:
        raise DataError(code="mweb.need_field", field="spend_cols")
    with uploaded(actor.services.workspace(ws).root, filename, fileobj) as path:
        result = mix.mix_file(path, date_col=date_col, value_col=value_col, spend_cols=spends)
    data = result.to_dict()
    return Analysis(
        kind="mix",
        data=data,
        tables=[rows_table("channels", data.get("channels"), MIX_COLUMNS)],
        summary=[
            (t("mweb.mix.weeks", lang), f"{int(data.get('weeks') or 0):,}"),
            (t("mweb.mix.r2", lang), _num((data.get("fit") or {}).get("r2"), 3)),
        ],
        svg=mix.mix_svg(result, lang),
        verdict=str(mix.verdict_text(result, lang)),
        caveats=[str(c) for c in mix.caveat_texts(result, lang)],
    )
