"""Korean and English labels of plan documents (exports): sections, fields and choices.

One table, ``key -> (ko, en)``. Keys are namespaced: ``section.*`` (document sections),
``sheet.*`` (workbook sheets), ``field.*`` (column and row names), ``component.*`` (parts of
the channel recommendation's score), and one namespace per choice of the plan model
(``objective.*``, ``state.*``, ``role.*``, ``budget.*``, ``status.*``, ``gender.*``,
``customer.*``, ``kpi_status.*``, ``action.*``, ``weekday.*``, ``warning.*``, ``special.*``).
"""

from __future__ import annotations

from socialops.i18n import t
from socialops.i18n.plan_labels import PLAN_LABELS, PREFIX

__all__ = ["LABELS", "LANGS", "label", "labels"]

LANGS: tuple[str, ...] = ("ko", "en")

# the table lives in the catalogue (socialops.i18n.plan_labels, keys plan.label.<key>)
LABELS: dict[str, tuple[str, str]] = PLAN_LABELS


def label(key: str, lang: str) -> str:
    """The label of ``key`` in ``lang`` (``ko`` unless ``en``); an unknown key is its last part."""
    if key not in LABELS:
        return key.rsplit(".", 1)[-1]
    return t(PREFIX + key, "en" if lang == "en" else "ko")


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang``, for templates."""
    return {key: label(key, lang) for key in LABELS}
