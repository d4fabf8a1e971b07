"""Touch-level attribution: which channel gets the credit for a customer's conversion.

A touches file has one row per event of a customer: a customer id, a time, the channel (a
``channel`` column, else ``utm_source``; ``utm_medium`` and ``utm_campaign`` when present) and,
for a conversion, a value. A row is a **conversion** when its event column (``event``, ``type``,
``이벤트``, ``유형``) says so (conversion, purchase, order, 전환, 구매, 주문 …); without an event
column, a row with a value (``value``, ``revenue``, ``매출``, ``금액``) is a conversion and a row
without one a touch.

Each conversion is credited to the customer's touches before it (at or before its time), after
the customer's previous conversion and within ``lookback_days`` (30 by default, the common ad
platforms' click window):

- ``last``: all of it to the last touch.
- ``position`` (U-shaped, 40/20/40): 40 % to the first touch, 40 % to the last, 20 % shared by
  the touches between; one touch takes all, two share 50/50.

A conversion with no touch in its window is credited to ``(none)`` and counted as unattributed.
Credit is split for the conversion count and for its value alike.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socialops.errors import DataError, InputFileError, SettingsError
from socialops.sources.readers import open_source

__all__ = ["MODELS", "NONE", "credit", "read_touches", "touch_attribution"]

MODELS = ("last", "position")
NONE = "(none)"
LOOKBACK_DAYS = 30

_COLS = {
    "customer": ["customer_id", "user_id", "customer", "user", "client_id", "고객id", "고객 id",
                 "고객번호", "회원id", "회원 id", "사용자id"],
    "time": ["timestamp", "time", "datetime", "date", "event_time", "일시", "시각", "일자", "날짜"],
    "channel": ["channel", "채널"],
    "utm_source": ["utm_source", "source", "소스"],
    "utm_medium": ["utm_medium", "medium", "매체"],
    "utm_campaign": ["utm_campaign", "campaign", "캠페인"],
    "event": ["event", "type", "event_type", "이벤트", "유형", "구분"],
    "value": ["value", "revenue", "amount", "conversion_value", "매출", "금액", "전환가치"],
}  # fmt: skip
_CONVERSION = {"conversion", "convert", "converted", "purchase", "order", "sale", "signup",
               "전환", "구매", "주문", "가입", "결제"}  # fmt: skip


def _find(columns: list[str]) -> dict[str, str]:
    low = {c.strip().lower(): c for c in columns}
    found: dict[str, str] = {}
    for key, names in _COLS.items():
        for n in names:
            if n in low:
                found[key] = low[n]
                break
    return found


def read_touches(path: str | Path) -> pd.DataFrame:
    """The touches file as a frame: customer, time (UTC-naive timestamps), channel, campaign,
    is_conversion, value; sorted by customer and time (a touch before a conversion at the same
    moment)."""
    with open_source(path) as src:
        cols = _find(src.columns)
        for need in ("customer", "time"):
            if need not in cols:
                raise InputFileError(
                    code="attribution.touch_column", need=need, columns=", ".join(src.columns[:30])
                )
        if "channel" not in cols and "utm_source" not in cols:
            raise InputFileError(
                code="attribution.touch_column", need="channel", columns=", ".join(src.columns[:30])
            )
        rows = [r.values for batch in src.batches() for r in batch if r.values is not None]
    df = pd.DataFrame(rows)
    out = pd.DataFrame({"customer": df[cols["customer"]].astype(str).str.strip()})
    times = pd.to_datetime(df[cols["time"]], errors="coerce", format="mixed")
    if times.isna().all():
        raise DataError(code="attribution.no_times", column=cols["time"])
    out["time"] = times
    chan = df[cols.get("channel", cols.get("utm_source", ""))].fillna("").astype(str)
    out["channel"] = chan.str.strip().str.lower().replace("", NONE)
    out["campaign"] = (
        df[cols["utm_campaign"]].fillna("").astype(str).str.strip().str.lower()
        if "utm_campaign" in cols
        else ""
    )
    value = (
        pd.to_numeric(df[cols["value"]].astype(str).str.replace(",", ""), errors="coerce")
        if "value" in cols
        else pd.Series(np.nan, index=df.index)
    )
    if "event" in cols:
        ev = df[cols["event"]].fillna("").astype(str).str.strip().str.lower()
        out["is_conversion"] = ev.isin(_CONVERSION)
    elif "value" in cols:
        out["is_conversion"] = value.notna()
    else:
        raise InputFileError(
            code="attribution.touch_column", need="event", columns=", ".join(src.columns[:30])
        )
    out["value"] = value.fillna(0.0)
    out = out[out["time"].notna() & (out["customer"] != "")]
    return out.sort_values(["customer", "time", "is_conversion"], kind="stable").reset_index(
        drop=True
    )


def credit(n: int, model: str) -> list[float]:
    """Each of ``n`` ordered touches' share of one conversion under ``model``."""
    if model not in MODELS:
        raise SettingsError(code="attribution.bad_model", value=model, choices=", ".join(MODELS))
    if n == 0:
        return []
    if model == "last" or n == 1:
        return [0.0] * (n - 1) + [1.0]
    if n == 2:
        return [0.5, 0.5]
    middle = 0.2 / (n - 2)
    return [0.4] + [middle] * (n - 2) + [0.4]


def touch_attribution(
    frame: pd.DataFrame,
    *,
    model: str = "last",
    date_from: str | None = None,
    date_to: str | None = None,
    campaign: str | None = None,
    lookback_days: int = LOOKBACK_DAYS,
) -> dict[str, Any]:
    """Credited conversions and value per channel and per (channel, campaign), for the
    conversions dated ``date_from..date_to`` (ISO days, inclusive; of ``campaign`` when given:
    a conversion's campaign is its last touch's)."""
    credit(1, model)  # checks the model
    window = pd.Timedelta(days=lookback_days)
    per: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    total = unattributed = 0
    value_total = 0.0
    paths: list[int] = []
    for _, g in frame.groupby("customer", sort=False):
        touches: list[tuple[Any, str, str]] = []
        for t, ch, camp, conv, val in zip(
            g["time"], g["channel"], g["campaign"], g["is_conversion"], g["value"], strict=True
        ):
            if not conv:
                touches.append((t, ch, camp))
                continue
            path = [x for x in touches if t - x[0] <= window]
            touches = []
            day = t.date().isoformat()
            if (date_from and day < date_from) or (date_to and day > date_to):
                continue
            if campaign is not None and (not path or path[-1][2] != campaign.lower()):
                continue
            total += 1
            value_total += float(val)
            paths.append(len(path))
            if not path:
                unattributed += 1
                per[(NONE, "")][0] += 1
                per[(NONE, "")][1] += float(val)
                continue
            for (_, ch_, camp_), share in zip(path, credit(len(path), model), strict=True):
                if share == 0:
                    continue
                per[(ch_, camp_)][0] += share
                per[(ch_, camp_)][1] += share * float(val)
    by_channel: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (ch, _), (c, v) in per.items():
        by_channel[ch][0] += c
        by_channel[ch][1] += v
    return {
        "model": model,
        "lookback_days": lookback_days,
        "conversions": total,
        "value": value_total,
        "unattributed": unattributed,
        "mean_path_length": float(np.mean(paths)) if paths else None,
        "by_channel": [
            {"channel": ch, "conversions": c, "revenue": v}
            for ch, (c, v) in sorted(by_channel.items(), key=lambda kv: -kv[1][0])
        ],
        "by_campaign": [
            {"channel": ch, "campaign": camp, "conversions": c, "revenue": v}
            for (ch, camp), (c, v) in sorted(per.items(), key=lambda kv: -kv[1][0])
        ],
    }
