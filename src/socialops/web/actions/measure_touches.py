"""Attribution from an uploaded touches file (issue 17 item 4), shared by the attribution page
and the API: each customer's touches credited under the chosen model (``last`` or
``position``, 40/20/40), shown beside last touch, per channel and per (channel, campaign).

The numbers are :mod:`socialops.measure.attribution_touches`' (the CLI's ``measure attribution
--touches FILE --model``); this module reads the upload (the measure uploads' handling and
limit, :func:`~socialops.web.actions.measure_io.uploaded`) and arranges the tables. Running it
needs ``measure.run``, as the other analyses of a file."""

from __future__ import annotations

from typing import IO, Any

from socialops.errors import DataError, SettingsError
from socialops.i18n import render, t
from socialops.measure import attribution_touches as touches_mod
from socialops.web.actions.base import Actor
from socialops.web.actions.measure_io import Analysis, Table, uploaded

__all__ = ["TOUCH_MODELS", "touches_analysis", "touches_upload"]

TOUCH_MODELS = touches_mod.MODELS


def _rows(
    chosen: list[dict[str, Any]], last: list[dict[str, Any]] | None, keys: list[str]
) -> list[list[Any]]:
    """``chosen``'s rows keyed by ``keys`` with last touch's conversions and value beside them
    (0 where last touch credits the key nothing), in ``chosen``'s order then last's extras."""
    by_last = {tuple(r[k] for k in keys): r for r in last or []}
    seen: set[tuple[Any, ...]] = set()
    out: list[list[Any]] = []
    for r in chosen:
        key = tuple(r[k] for k in keys)
        seen.add(key)
        row = [*key, round(r["conversions"], 6), round(r["revenue"], 2)]
        if last is not None:
            lr = by_last.get(key, {"conversions": 0.0, "revenue": 0.0})
            row += [round(lr["conversions"], 6), round(lr["revenue"], 2)]
        out.append(row)
    for key, lr in by_last.items():
        if key not in seen:
            out.append([*key, 0.0, 0.0, round(lr["conversions"], 6), round(lr["revenue"], 2)])
    return out


def touches_analysis(frame: Any, model: str, lang: str) -> Analysis:
    """The touches ``frame`` (:func:`~socialops.measure.attribution_touches.read_touches`)
    credited under ``model``, beside last touch unless ``model`` is ``last``."""
    if model not in TOUCH_MODELS:
        raise SettingsError(
            code="attribution.bad_model", value=str(model)[:20], choices=", ".join(TOUCH_MODELS)
        )
    data = dict(touches_mod.touch_attribution(frame, model=model))
    if not data["conversions"]:
        raise DataError(code="mwtouch.no_conversions")
    last = None if model == "last" else touches_mod.touch_attribution(frame, model="last")
    last_channel = None if last is None else last["by_channel"]
    last_campaign = None if last is None else last["by_campaign"]
    if last is not None:
        data["last_touch"] = last
    extra = [] if last is None else ["last_conversions", "last_revenue"]
    channel_cols = ["channel", "conversions", "revenue", *extra]
    campaign_cols = ["channel", "campaign", "conversions", "revenue", *extra]
    tables = [
        Table(
            "touch_channel",
            channel_cols,
            _rows(data["by_channel"], last_channel, ["channel"]),
        ),
        Table(
            "touch_campaign",
            campaign_cols,
            _rows(data["by_campaign"], last_campaign, ["channel", "campaign"]),
        ),
    ]
    mean_path = data.get("mean_path_length")
    summary = [
        (t("mweb.col.conversions", lang), f"{int(data['conversions']):,}"),
        (t("mwtouch.value", lang), f"{float(data['value']):,.0f}"),
        (t("mwtouch.unattributed", lang), f"{int(data['unattributed']):,}"),
        (t("mwtouch.mean_path", lang), "–" if mean_path is None else f"{mean_path:.2f}"),
    ]
    caveats = [render("mwtouch.window", lang, {"days": data["lookback_days"]})]
    if data["unattributed"]:
        caveats.append(
            render(
                "mwtouch.some_unattributed",
                lang,
                {"n": int(data["unattributed"]), "total": int(data["conversions"])},
            )
        )
    return Analysis(
        kind="attribution-touches",
        data=data,
        tables=tables,
        summary=summary,
        verdict=render("mwtouch.verdict", lang, {"model": t(f"mwtouch.model.{model}", lang)}),
        caveats=caveats,
    )


def touches_upload(
    actor: Actor,
    ws: str,
    lang: str,
    filename: str | None,
    fileobj: IO[bytes] | Any,
    *,
    model: str = "position",
) -> Analysis:
    """The uploaded touches file credited under ``model`` (``last`` | ``position``)."""
    actor.access(ws, "measure.run")
    if model not in TOUCH_MODELS:  # before reading the file
        raise SettingsError(
            code="attribution.bad_model", value=str(model)[:20], choices=", ".join(TOUCH_MODELS)
        )
    with uploaded(actor.services.workspace(ws).root, filename, fileobj) as path:
        frame = touches_mod.read_touches(path)
    return touches_analysis(frame, model, lang)
