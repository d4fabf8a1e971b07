"""The enrichment pipeline: a pure function over Arrow batches, with recorded versions."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from socialops.domain.post import ENRICHED_SCHEMA, POST_SCHEMA
from socialops.nlp.pipeline import COMPONENTS, enrich_batch, pipeline_id


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
    for c in COMPONENTS:
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
