"""Loading the triage training sets from the shared data folder, and the fixed held-out split.

Every set is split once, the same way everywhere (training, ``bench/triage.py``, the model
cards): :func:`split` keeps 20 % of the rows out, stratified by label, with the seed
:data:`SEED` (scikit-learn ``train_test_split``). The shipped models are trained on the other
80 % only, so the held-out figures the bench prints are honest.

The Korean models with morpheme features read each text's Kiwi morphemes;
:func:`cached_tokens` analyses a set once and keeps the result as JSON in a cache folder (keyed
by the texts and the Kiwi version), so retraining and cross-validation do not rerun Kiwi.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

__all__ = [
    "SEED",
    "TEST_SIZE",
    "Dataset",
    "cached_tokens",
    "load_3i4k",
    "load_banking77",
    "load_hate",
    "load_kote_complaint",
    "split",
    "split_index",
]

SEED = 13
TEST_SIZE = 0.2


@dataclass(frozen=True)
class Dataset:
    name: str
    texts: list[str]
    labels: np.ndarray  # int64 class indices into ``classes``
    classes: list[str]

    def subset(self, idx: np.ndarray) -> Dataset:
        return Dataset(self.name, [self.texts[i] for i in idx], self.labels[idx], self.classes)


def split_index(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Sorted row numbers of (train 80 %, held-out 20 %): stratified, seed :data:`SEED`."""
    idx = np.arange(len(ds.texts))
    tr, te = train_test_split(idx, test_size=TEST_SIZE, random_state=SEED, stratify=ds.labels)
    return np.sort(tr), np.sort(te)


def split(ds: Dataset) -> tuple[Dataset, Dataset]:
    """(train 80 %, held-out 20 %), stratified by label, seed :data:`SEED`."""
    tr, te = split_index(ds)
    return ds.subset(tr), ds.subset(te)


def cached_tokens(ds: Dataset, cache_dir: Path | None = None) -> list[list[str]]:
    """Kiwi ``form/TAG`` morphemes of every text of ``ds``, from the cache when it has them
    (``$SOCIALOPS_TRIAGE_CACHE`` or the temp folder's ``socialops-triage-kiwi``)."""
    from socialops.nlp.ko import kiwi_version
    from socialops.nlp.triage_model import kiwi_tokens

    folder = cache_dir or Path(
        os.environ.get("SOCIALOPS_TRIAGE_CACHE")
        or Path(tempfile.gettempdir()) / "socialops-triage-kiwi"
    )
    digest = hashlib.sha1("\x00".join(ds.texts).encode("utf-8")).hexdigest()[:16]
    path = folder / f"{ds.name}-{digest}-kiwi{kiwi_version()}.json"
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if len(cached) == len(ds.texts):
            return [[str(t) for t in row] for row in cached]
    tokens = kiwi_tokens(ds.texts)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return tokens


def load_kote_complaint(data_dir: Path) -> Dataset:
    """KOTE val: 1 when label 0 (불평/불만) is among the text's labels."""
    texts: list[str] = []
    labels: list[int] = []
    for line in (data_dir / "kote" / "val.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        texts.append(parts[1])
        labels.append(int("0" in parts[2].split(",")))
    return Dataset("kote_complaint", texts, np.array(labels, np.int64), ["other", "complaint"])


SPEECH_ACTS = (
    "fragment",
    "statement",
    "question",
    "command",
    "rhetorical_question",
    "rhetorical_command",
    "intonation_dependent",
)


def load_3i4k(data_dir: Path) -> Dataset:
    """3i4k train_val: ``label<TAB>utterance``, the seven classes of :data:`SPEECH_ACTS`."""
    texts: list[str] = []
    labels: list[int] = []
    for line in (data_dir / "3i4k" / "train_val.tsv").read_text(encoding="utf-8").splitlines():
        lab, _, text = line.partition("\t")
        if not lab.strip().isdigit():
            continue
        texts.append(text.strip())
        labels.append(int(lab))
    return Dataset("3i4k", texts, np.array(labels, np.int64), list(SPEECH_ACTS))


def load_hate(data_dir: Path) -> Dataset:
    """Korean hate speech train: 1 when ``hate`` is offensive or hate."""
    texts: list[str] = []
    labels: list[int] = []
    path = data_dir / "korean_hate_speech" / "train.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(row["comments"])
            labels.append(int(row["hate"].strip() != "none"))
    return Dataset("korean_hate_speech", texts, np.array(labels, np.int64), ["none", "abuse"])


def load_banking77(data_dir: Path) -> Dataset:
    """BANKING77 train: text and one of the 77 names of ``categories.json`` (in that order)."""
    folder = data_dir / "banking77"
    names = [str(x) for x in json.loads((folder / "categories.json").read_text(encoding="utf-8"))]
    index = {n: i for i, n in enumerate(names)}
    texts: list[str] = []
    labels: list[int] = []
    with (folder / "train.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(index[row["category"]])
    return Dataset("banking77", texts, np.array(labels, np.int64), names)
