"""Which series ``socialops measure effect`` reads: a FILE (its date and value columns, the
contract others script against) or, without one, a stored outcome series (``--metric``); each
with tracked topics' mention volume as controls (``--control-topic``). Mixing the two forms'
options is one line saying which belongs where."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from socialops.cli import common
from socialops.errors import SettingsError
from socialops.measure.effect import EffectResult, effect_file, effect_from_outcomes
from socialops.store.workspace import Workspace

__all__ = ["run_effect"]


def _ws() -> Workspace:
    return Workspace.open(common.state.workspace, create=False)


def run_effect(
    file: Path | None,
    *,
    date_col: str | None,
    value_col: str | None,
    metric: str | None,
    dimension: str,
    control_cols: Sequence[str],
    control_dimensions: Sequence[str],
    control_topics: Sequence[str],
    start: str,
    end: str,
    pre_start: str | None,
    seed: int,
) -> EffectResult:
    """The estimate from FILE or the stored ``metric``; a :class:`SettingsError` (one line)
    when both or neither are given, or an option of the other form is."""
    if (file is None) == (not metric or not metric.strip()):
        raise SettingsError(code="cli.effect_topics.source")
    if file is not None:
        if not date_col or not value_col:
            raise SettingsError(code="cli.effect_topics.columns")
        if dimension or control_dimensions:
            option = "--dimension" if dimension else "--control-dimension"
            raise SettingsError(code="cli.effect_topics.stored_only", option=option)
        return effect_file(
            file,
            date_col=date_col,
            value_col=value_col,
            start=start,
            end=end,
            control_cols=tuple(control_cols),
            pre_start=pre_start,
            seed=seed,
            control_topics=tuple(control_topics),
            ws=_ws() if control_topics else None,
        )
    for option, given in (
        ("--date-col", date_col),
        ("--value-col", value_col),
        ("--control-col", control_cols),
    ):
        if given:
            raise SettingsError(code="cli.effect_topics.file_only", option=option)
    return effect_from_outcomes(
        _ws(),
        str(metric),
        start=start,
        end=end,
        dimension=dimension.strip(),
        control_dimensions=tuple(control_dimensions),
        pre_start=pre_start,
        seed=seed,
        control_topics=tuple(control_topics),
    )
