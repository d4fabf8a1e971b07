"""The triage models' card (``nlp/models/triage/MODEL_CARD.md``) and ``metrics.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sklearn

from socialops.train import triage_data as td

__all__ = ["write_card"]

_DATA = {
    "ko_speech_act": "3i4k `train_val.tsv` (55,133 Korean utterances, 7 classes; CC BY-SA 4.0)",
    "ko_complaint": "KOTE `val.tsv` (5,000 Korean comments; 1 = label 0 불평/불만; MIT)",
    "ko_abuse": "Korean hate speech `train.tsv` (7,896 comments; offensive|hate vs none; "
    "CC BY-SA 4.0)",
    "en_banking77": "BANKING77 `train.csv` (10,003 English banking queries, 77 categories; "
    "CC BY 4.0)",
}


def write_card(folder: Path, metrics: dict[str, Any], date: str) -> None:
    (folder / "metrics.json").write_text(
        json.dumps({"date": date, "heldout": metrics}, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    rows = "\n".join(
        f"| `{name}` | {_DATA.get(name, '')} | "
        + ", ".join(f"{k} {v}" for k, v in sorted(m.items()))
        + " |"
        for name, m in sorted(metrics.items())
    )
    size = sum(p.stat().st_size for p in folder.glob("*.npz"))
    text = f"""# Triage models (`socialops.nlp.triage`)

Date: {date}. scikit-learn {sklearn.__version__}. Reproduce: `socialops train triage`, then
`python bench/triage.py` for the held-out figures and the throughput.

## What they are

Linear SVMs (one-vs-rest, `LinearSVC`) over hashed, L2-normalised features: word uni- and
bigrams (trigrams for BANKING77) of a light tokenisation (lower-cased words and `?`/`!`), the
last words again as "tail" features, character n-grams with and without spaces
(`socialops.nlp.triage_model`; each model's exact features are in its JSON). `ko_speech_act`
and `ko_complaint` add Kiwi morpheme features (`morph_features` in their JSON): `form/TAG`
uni- and bigrams, the last three morphemes as tail features, and the sentence-final cues (the
last final ending `EF` such as 까/나요/죠/잖아, the final punctuation `SF`, the tags of the last
three morphemes); at runtime they read the morphemes the sentiment model's Kiwi analysis
produced anyway. Only the strongest buckets are kept. Files: `<name>.npz` (columns uint32,
weights float16, bias; read with `allow_pickle=False`) and `<name>.json` (labels, features,
metrics); {size / 1e6:.2f} MB in all. No pickle anywhere.

`ko_speech_act`'s weights average the plain SVM (0.3) with a class-balanced one (0.7): one
linear model that recalls the rare classes (rhetorical questions and commands,
intonation-dependent) better; the weight was chosen by 5-fold cross-validation on the training
part (`socialops.train.triage.BALANCED_MIX`). Its seven classes are then decided jointly: a
multinomial logistic regression over the SVM's margins (fitted on their out-of-fold values on
the training part), with each class's log-probability lowered by 0.2 x the log of its share of
the training rows, folded into the weights (still one linear model; the stacker is kept in its
JSON as `calibration`; `socialops.train.triage.SPEECH_ACT_PRIOR_POWER`). Out-of-fold macro-F1
0.8213 → 0.8253. The folded weights mix the classes, so the buckets kept were chosen again by
cross-validation on the training part (`SPEECH_ACT_KEEP`: 400,000, was 200,000; validation
macro-F1 0.8202 → 0.8215). Held out, accuracy 0.9013 → 0.9037 and macro-F1 0.8289 → 0.8304
(with the stacker and 200,000 buckets: 0.9025 / 0.8296, measured before the buckets were
chosen again).

`ko_complaint` decides with a logistic stacker (in its JSON, `stack`) over the SVM's margin and
the Korean sentiment model's polarity and opinion logits (`nlp/models/sentiment_ko`, trained on
NSMC reviews and on KOTE comments, but never on the KOTE comments held out here: its training
drops them, `socialops.train.sentiment_ko.triage_reserved`; on the training part the stacker
sees logits of comments the sentiment model was trained on, so it may trust them a little more
than it should); its threshold maximises F1 out-of-fold on the training part,
and its SVM's C (`socialops.train.triage.COMPLAINT_C`) was chosen by nested cross-validation of
the whole stacked decision on the training part, never on the held-out rows.

## Data and held-out evaluation

Each set is split once: {int(td.TEST_SIZE * 100)} % held out, stratified by label, seed
{td.SEED} (`socialops.train.triage_data.split`). For each model a twin is fitted, exactly as the
shipped one, on the other {100 - int(td.TEST_SIZE * 100)} % only, and scored on the held-out
rows it never saw: the figures below (and `bench/triage.py`, which fits the twins again) are
its. The shipped model is then fitted the same way on every row of its set (a quarter more to
learn from), so the figures are honest, if slightly pessimistic, estimates of it; the project's
own hidden test sets may differ. What a quarter more rows is worth, from the twins' learning
curve on the same held-out rows (training part subsampled, stratified, seed 1): BANKING77
accuracy 0.892 with 60 % of the training part, 0.897 with 80 %, 0.908 with all of it; KOTE
complaint F1 0.715, 0.738, 0.753 (seed 2: 0.742, 0.732: noisy on 1,000 comments); 3i4k
accuracy 0.895, 0.902, 0.904 and macro-F1 0.813, 0.827, 0.830. The shipped complaint stacker is
fitted on all 5,000 comments: on 1,000 of them (those the twin holds out) the sentiment logits
are out-of-sample, as they are on a new comment.

| model | data | held-out metrics |
|---|---|---|
{rows}

English sentiment is the shipped `sentiment_en` model (see its card); English speech acts come
from rules (`socialops.nlp.triage_rules.en_speech_act`), not from a model: there is no English
speech-act data in the shared folder.

## Caveats

- KOTE, 3i4k and the hate-speech comments are online comments and spoken utterances, not
  customer-service messages; the rules (taxonomy cues, `_rules.json`) carry the domain.
- BANKING77 is one British neo-bank's queries; other banks' words may score lower.
- The complaint figure is lower than the one published before 2026-12-06 (F1 0.8004): the
  Korean sentiment model it stacks had been trained on about four in five of these held-out
  comments (its own split of KOTE differs from this one), so that figure was optimistic. The
  sentiment model now leaves them out (`ko-linear-5`), and the complaint F1 is measured honestly;
  the 0.80 goal is not met. Tried on 2026-12-06: the stacker trained on cross-fitted logits
  (two sentiment models, each trained without one half of the training comments, scoring the
  other half) instead of in-sample ones: training F1 0.7564 (in-sample 0.7889, which was the
  optimistic one), held-out F1 0.7551 (0.7527): no gain worth two more sentiment trainings.
- BANKING77's 0.93 goal is not reached (0.908). What a pretrained sentence encoder would give
  was measured on 2026-12-06 with all-MiniLM-L6-v2 (Apache-2.0; a PyPI package ships its
  weights) run in numpy, on the same 80/20 split: its mean-pooled embeddings alone with a
  logistic regression 0.918, appended to these features in one linear SVM 0.932 — but a
  six-layer transformer costs about 0.3 GFLOP a short message: 30 messages a second on this
  2-core machine under load, a few hundred per core at best, not the 2,000 the inbox needs.
  A static table distilled from it (each word piece's vector, PCA 256, SIF weights; a lookup
  and a mean, fast enough) adds 0.005 (0.9155). Not shipped.
- `explain` lists the words whose own score points most towards the decision: a reading aid,
  not an exact attribution of a linear model over character n-grams.
"""
    (folder / "MODEL_CARD.md").write_text(text, encoding="utf-8")
