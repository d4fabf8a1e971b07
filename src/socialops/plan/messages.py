"""Errors of campaign planning, in Korean and English (kept for the modules that import them
from here).

:class:`PlanError` is a coded :class:`~socialops.errors.SocialopsError` (it lives in
:mod:`socialops.errors`); its messages are the catalogue area :mod:`socialops.i18n.plan`.
``message`` (what the CLI prints) is in the language of ``SOCIALOPS_LANG``, Korean by default.
"""

from __future__ import annotations

from typing import Any

from socialops.errors import PlanError
from socialops.i18n import default_lang, t
from socialops.i18n.plan import MESSAGES

__all__ = ["MESSAGES", "PlanError", "default_lang", "plan_text"]


def plan_text(code: str, lang: str, **params: Any) -> str:
    """The plan message ``code`` in ``lang`` (ko or en) with ``params`` filled in."""
    return t(code, lang, **params)
