"""The built-in enrichment components, one per file; each registers itself with
:data:`socialops.nlp.registry.REGISTRY` when imported.

``BUILTIN`` is the registration order, which is the order of ``enriched_by``
(``normalize@1,lang@1,tokens@kiwi-…,sentiment@…,keywords@1,match@2,time@2``); the order they
run in follows from what each requires (:meth:`~socialops.nlp.registry.Registry.ordered`).
Adding a component: a file here that calls ``REGISTRY.add(Component(...))``, and its name
appended to ``BUILTIN`` (a new name changes ``enriched_by``, so every post is enriched again).
"""

from __future__ import annotations

import importlib

from socialops.nlp.registry import REGISTRY

__all__ = ["BUILTIN"]

BUILTIN: tuple[str, ...] = (
    "normalize",
    "lang",
    "tokens",
    "sentiment",
    "keywords",
    "match",
    "time",
)

# Imported by name so that the list above is the only place a new component is named; each
# module registers itself on import (a re-import after REGISTRY.remove does not re-register).
for _name in BUILTIN:
    importlib.import_module(f"{__name__}.{_name}")

assert all(name in REGISTRY for name in BUILTIN)
