"""What the Korean sentiment model is trained on: the reviews rated 5-8 never come from the held-out
or calibration ranges nor repeat a clear-cut review, and the KOTE comments the triage models hold
out are never trained on (the complaint model stacks this model's logits)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from socialops.train.sentiment_ko import (
    CALIB_FRACTION,
    MID_RATING_ROWS,
    _hash_fraction,
    holdout_split,
    load_mid_reviews,
    other_splits,
    triage_reserved,
)


def test_training_rows_keep_out_what_is_measured(shared_file: Callable[[str], Path]) -> None:
    data = shared_file("nsmc/reviews.tsv.gz").parents[1]
    shared_file("kote/val.tsv")
    train, test = holdout_split(data)
    others = other_splits(data)
    reserved = triage_reserved(data)
    assert 900 <= len(reserved) <= 1000  # the triage split holds out 20 % of 5,000 comments
    kote_train = set(others["kote"][0].texts)
    assert not kote_train & reserved
    clear = set(train.texts) | set(test.texts)
    start = 0.1 + CALIB_FRACTION
    ids, texts, ratings = load_mid_reviews(data, start, clear)
    assert len(texts) > 150_000
    assert set(ratings) == set(MID_RATING_ROWS)
    assert min(_hash_fraction(i) for i in ids) >= start
    assert not set(texts) & clear
    assert len(set(texts)) == len(texts)
