"""The enrichment pipeline: one pure function over Arrow record batches.

``enrich_batch(batch, tz)`` takes rows in :data:`socialops.domain.post.POST_SCHEMA` and returns
them in :data:`ENRICHED_SCHEMA`. It has no side effects and depends only on its input and the
shipped models, so the local process pool and Spark (``mapInArrow``) run the very same code and
give the very same rows.

What runs is what is registered: the components of :data:`socialops.nlp.registry.REGISTRY`
(the built-in ones in :mod:`socialops.nlp.components`), in dependency order, each reading the
columns it ``requires`` and adding those it ``assigns``. Components are named and versioned
(like spaCy's): each row records in ``enriched_by`` which versions made it, e.g.
``normalize@1,lang@1,tokens@kiwi-0.24.1/en-1,sentiment@ko-linear-2/...``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa

from socialops.domain.post import ENRICHED_SCHEMA
from socialops.errors import EnrichError
from socialops.nlp import components as _builtin  # noqa: F401  (registers the built-ins)
from socialops.nlp.registry import REGISTRY, Work

__all__ = ["enrich_batch", "enrich_batches", "pipeline_id"]


def pipeline_id() -> str:
    """The versions of every registered component, as stored in ``enriched_by``."""
    return REGISTRY.pipeline_id()


def enrich_batch(batch: pa.RecordBatch, tz: str = "Asia/Seoul") -> pa.RecordBatch:
    """Enrich one batch of canonical posts. Pure: same input, same output."""
    work = Work(batch, tz)
    for component in REGISTRY.ordered(batch.schema.names):
        assigned = component.run(work)
        if set(assigned) != set(component.assigns):
            raise EnrichError(
                code="component.assigns",
                name=component.name,
                assigned=sorted(assigned),
                declared=sorted(component.assigns),
            )
        work.columns.update(assigned)
    work.columns["enriched_by"] = [pipeline_id()] * batch.num_rows
    names = set(batch.schema.names)
    columns = []
    for f in ENRICHED_SCHEMA:
        if f.name in names:
            columns.append(batch.column(f.name))
            continue
        if f.name not in work.columns:
            raise EnrichError(code="component.no_column", column=f.name)
        values = work.columns[f.name]
        columns.append(values if isinstance(values, pa.Array) else pa.array(values, f.type))
    return pa.RecordBatch.from_arrays(columns, schema=ENRICHED_SCHEMA)


def enrich_batches(
    batches: Iterator[pa.RecordBatch] | Sequence[pa.RecordBatch], tz: str = "Asia/Seoul"
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``-shaped: an iterator of batches in, enriched batches out."""
    for b in batches:
        if b.num_rows:
            yield enrich_batch(b, tz)
