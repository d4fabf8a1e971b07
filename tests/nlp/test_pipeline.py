"""The enrichment pipeline: a pure function over Arrow batches, with recorded versions."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from socialops.domain.post import ENRICHED_SCHEMA, POST_SCHEMA
from socialops.errors import EnrichError
from socialops.nlp.pipeline import enrich_batch, pipeline_id
from socialops.nlp.registry import REGISTRY, Component, Registry, Work


def _batch(texts: list[str | None], created: list[datetime | None] | None = None) -> pa.RecordBatch:
    created = created or [datetime(2026, 3, 1, 15, 30, tzinfo=UTC)] * len(texts)
    rows = [
        {
            "platform": "test",
            "post_id": str(i),
            "kind": "post",
            "text": t,
            "created_at": c,
            "source_file": "t.csv",
            "source_row": i + 1,
            "import_id": "imp",
        }
        for i, (t, c) in enumerate(zip(texts, created, strict=True))
    ]
    return pa.RecordBatch.from_pylist(rows, schema=POST_SCHEMA)


def test_enrich_batch_adds_every_component() -> None:
    b = _batch(
        [
            "배송이 너무 늦어서 정말 짜증나요 ㅠㅠㅠㅠ #배송지연",
            "I love this airline, best crew ever!!!",
            "Muchas gracias por todo el viaje",
            None,
        ]
    )
    out = enrich_batch(b)
    assert out.schema == ENRICHED_SCHEMA
    rows = out.to_pylist()
    ko, en, other, empty = rows
    assert ko["lang"] == "ko" and ko["text_norm"].endswith("ㅠㅠ #배송지연")
    assert "배송/NNG" in ko["tokens"] and "늦다" in ko["lemmas"]
    assert ko["sentiment"] == "negative" and ko["sentiment_score"] < 0
    assert "배송" in ko["keywords"] and "#배송지연" in ko["keywords"]
    assert en["lang"] == "en" and en["sentiment"] == "positive"
    assert "airline" in en["keywords"]
    assert other["lang"] == "other" and other["sentiment"] is None
    assert empty["lang"] is None and empty["tokens"] == [] and empty["sentiment"] is None
    assert {r["enriched_by"] for r in rows} == {pipeline_id()}
    for c in REGISTRY:
        assert f"{c.name}@" in pipeline_id()


def test_local_day_is_in_the_workspace_zone() -> None:
    # 2026-03-01 15:30 UTC is already 2 March in Seoul (UTC+9)
    out = enrich_batch(
        _batch(["hello world", "무"], [datetime(2026, 3, 1, 15, 30, tzinfo=UTC), None])
    )
    day, undated = out.to_pylist()
    assert str(day["day"]) == "2026-03-02" and day["month"] == "2026-03"
    assert undated["day"] is None and undated["month"] == "undated"
    utc = enrich_batch(_batch(["hello world"]), tz="UTC").to_pylist()[0]
    assert str(utc["day"]) == "2026-03-01"


def test_enrich_is_pure() -> None:
    b = _batch(["재밌는 영화였어요", "terrible delay again"])
    assert enrich_batch(b).to_pylist() == enrich_batch(b).to_pylist()


def _noop(name: str, requires: tuple[str, ...], assigns: tuple[str, ...]) -> Component:
    return Component(
        name, "1", requires, assigns, lambda w: dict.fromkeys(assigns, [None] * w.rows)
    )


def test_order_follows_requires_not_registration() -> None:
    reg = Registry()
    reg.add(_noop("c", ("b_out",), ("c_out",)))
    reg.add(_noop("b", ("a_out",), ("b_out",)))
    reg.add(_noop("free", ("text",), ("free_out",)))
    reg.add(_noop("a", ("text",), ("a_out",)))
    order = [c.name for c in reg.ordered(["text"])]
    assert order == ["free", "a", "b", "c"]
    assert reg.pipeline_id() == "c@1,b@1,free@1,a@1"  # enriched_by: registration order


def test_builtin_order_satisfies_every_requirement() -> None:
    have = set(POST_SCHEMA.names)
    for c in REGISTRY.ordered(POST_SCHEMA.names):
        assert have.issuperset(c.requires), c.name
        have.update(c.assigns)
    assert have.issuperset(set(ENRICHED_SCHEMA.names) - {"enriched_by"})
    names = [c.name for c in REGISTRY]
    assert names == ["normalize", "lang", "tokens", "sentiment", "keywords", "match", "time"]


def test_a_missing_requirement_is_refused() -> None:
    reg = Registry()
    reg.add(_noop("a", ("text",), ("a_out",)))
    reg.add(_noop("needy", ("a_out", "nobody_assigns_this"), ("x",)))
    with pytest.raises(EnrichError, match="'needy' requires nobody_assigns_this"):
        reg.ordered(["text"])
    with pytest.raises(EnrichError, match="named 'a'"):
        reg.add(_noop("a", ("text",), ("y",)))


def test_a_registered_component_runs_and_is_recorded() -> None:
    seen: list[list[str | None]] = []

    def shout(work: Work) -> dict[str, Any]:
        seen.append(list(work["lang"]))
        return {"_shout": [t.upper() if t else t for t in work["text_norm"]]}

    b = _batch(["재밌는 영화였어요", "terrible delay again"])
    before = enrich_batch(b).to_pylist()
    REGISTRY.add(Component("shout", "7", ("text_norm", "lang"), ("_shout",), shout))
    try:
        assert pipeline_id().endswith(",time@2,shout@7")
        rows = enrich_batch(b).to_pylist()
        assert seen == [["ko", "en"]]
        assert {r["enriched_by"] for r in rows} == {pipeline_id()}
        assert [{**r, "enriched_by": ""} for r in rows] == [
            {**r, "enriched_by": ""} for r in before
        ]
    finally:
        REGISTRY.remove("shout")
    assert "shout" not in pipeline_id()
    assert enrich_batch(b).to_pylist() == before


def test_a_component_that_assigns_other_columns_is_refused() -> None:
    REGISTRY.add(Component("liar", "1", ("text",), ("_said",), lambda w: {"_other": []}))
    try:
        with pytest.raises(EnrichError, match="'liar' assigned"):
            enrich_batch(_batch(["hello"]))
    finally:
        REGISTRY.remove("liar")


def test_importing_the_pipeline_leaves_heavy_libraries_for_later() -> None:
    # scikit-learn (English stop words) and the sentiment models' libraries take seconds to
    # import: the pipeline, the query language and plan actuals import them when first used
    code = (
        "import sys, socialops.nlp.pipeline, socialops.nlp.query, socialops.plan.actuals\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'vaderSentiment', 'kiwipiepy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_the_pipeline_id_does_not_load_the_sentiment_models() -> None:
    """Every enrichment process computes the pipeline id: it must not import scikit-learn and
    VADER (seconds) for a Korean-only batch; and the light versions are the models' own."""
    code = (
        "import sys\n"
        "from socialops.nlp.pipeline import pipeline_id\n"
        "pipeline_id()\n"
        "print(any(m.startswith(('sklearn', 'vaderSentiment')) for m in sys.modules))\n"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr
    from socialops.nlp.sentiment_en import EnSentiment
    from socialops.nlp.sentiment_ko import KoSentiment
    from socialops.nlp.sentiment_versions import EN_VERSION, KO_VERSION

    assert (KoSentiment.VERSION, EnSentiment.VERSION) == (KO_VERSION, EN_VERSION)
    models = Path(__file__).resolve().parents[2] / "src/socialops/nlp/models"
    for name, version in (("sentiment_ko", KO_VERSION), ("sentiment_en", EN_VERSION)):
        card = json.loads((models / name / "model.json").read_text(encoding="utf-8"))
        assert card["version"] == version, name
