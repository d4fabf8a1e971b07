"""The registry of enrichment components (spaCy style): what runs is what is declared.

A :class:`Component` has a name, a version, the columns it ``requires`` and the columns it
``assigns``, and a ``run`` function that reads the columns it requires from a :class:`Work` and
returns the columns it assigns. The built-in components live one per file in
:mod:`socialops.nlp.components` and register themselves with :data:`REGISTRY`; a new component
is a new file there (named in that package's ``BUILTIN`` list, which fixes the order of
``enriched_by``) or, from outside, a call to :meth:`Registry.add`.

:meth:`Registry.ordered` puts the components in dependency order: at each step the first
registered component whose requirements are all available (an input column or a column assigned
by a component before it) runs next. A requirement that neither the input nor any component
provides is refused with :class:`~socialops.errors.EnrichError` before a row is touched.

Column names starting with ``_`` are working columns passed between components (Korean
morphemes, word starts) and are not stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from socialops.errors import EnrichError

__all__ = ["REGISTRY", "Component", "Registry", "Work"]


@dataclass
class Work:
    """One batch on its way through the components: the input batch, the workspace zone, and
    the columns assigned so far (a Python list per column, or an Arrow array)."""

    batch: pa.RecordBatch
    tz: str = "Asia/Seoul"
    columns: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return int(self.batch.num_rows)

    def arrow(self, name: str) -> pa.Array:
        """An input column as Arrow."""
        return self.batch.column(name)

    def __getitem__(self, name: str) -> Any:
        """An assigned column, else an input column as a Python list (converted once)."""
        if name not in self.columns:
            self.columns[name] = self.batch.column(name).to_pylist()
        return self.columns[name]


Run = Callable[[Work], dict[str, Any]]


@dataclass(frozen=True)
class Component:
    """``version`` is a string, or a function giving it (for versions that need a heavy import,
    such as a model's): it is read once, when ``enriched_by`` is first built."""

    name: str
    version: str | Callable[[], str]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Run

    def version_text(self) -> str:
        return self.version if isinstance(self.version, str) else self.version()


class Registry:
    """Components by name, in registration order."""

    def __init__(self) -> None:
        self._components: dict[str, Component] = {}
        self._ordered: dict[frozenset[str], tuple[Component, ...]] = {}
        self._id: str | None = None

    def add(self, component: Component) -> Component:
        if component.name in self._components:
            raise EnrichError(code="component.duplicate", name=component.name)
        self._components[component.name] = component
        self._changed()
        return component

    def remove(self, name: str) -> None:
        del self._components[name]
        self._changed()

    def _changed(self) -> None:
        self._ordered.clear()
        self._id = None

    def __iter__(self) -> Iterator[Component]:
        return iter(self._components.values())

    def __len__(self) -> int:
        return len(self._components)

    def __contains__(self, name: object) -> bool:
        return name in self._components

    def __getitem__(self, name: str) -> Component:
        return self._components[name]

    def ordered(self, inputs: Iterable[str]) -> tuple[Component, ...]:
        """The components in dependency order, given the input batch's column names."""
        have = frozenset(inputs)
        if have not in self._ordered:
            self._ordered[have] = _order(list(self._components.values()), have)
        return self._ordered[have]

    def pipeline_id(self) -> str:
        """``name@version`` of every component, in registration order (``enriched_by``)."""
        if self._id is None:
            self._id = ",".join(f"{c.name}@{c.version_text()}" for c in self)
        return self._id


def _order(components: Sequence[Component], inputs: frozenset[str]) -> tuple[Component, ...]:
    available = set(inputs)
    left = list(components)
    out: list[Component] = []
    while left:
        ready = next((c for c in left if available.issuperset(c.requires)), None)
        if ready is None:
            c = left[0]
            provided = available.union(*(o.assigns for o in left))
            missing = [r for r in c.requires if r not in provided] or [
                r for r in c.requires if r not in available
            ]
            raise EnrichError(code="component.requires", name=c.name, missing=missing)
        out.append(ready)
        available.update(ready.assigns)
        left.remove(ready)
    return tuple(out)


REGISTRY = Registry()
