"""Triage of customer messages, Korean and English: intent, speech act, whether it needs a
reply, urgency, a category from a taxonomy, and sentiment, each with the words that decided.

Korean text: linear models over hashed n-grams (:mod:`socialops.nlp.triage_model`) for the
speech act (3i4k), complaint (KOTE 불평/불만, stacked with the Korean sentiment model) and
abuse (Korean hate speech); the speech act and complaint models add Kiwi morpheme features,
from the analysis the sentiment model runs anyway; sentiment from
:class:`~socialops.nlp.sentiment_ko.KoSentiment` (Kiwi morphemes). English text: speech act by
rule, sentiment from :class:`~socialops.nlp.sentiment_en.EnSentiment`, the banking taxonomy's
category from a BANKING77 model. Intent, needs_reply and urgency combine those with the keyword
cues of ``nlp/taxonomies/`` (:mod:`socialops.nlp.triage_rules`). Models are read once per
process, without pickle; ``socialops train triage`` retrains them (model card in
``nlp/models/triage/MODEL_CARD.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from socialops.nlp import ko
from socialops.nlp.lang import detect
from socialops.nlp.normalize import normalize
from socialops.nlp.triage_model import LinearTextModel, words_of
from socialops.nlp.triage_rules import (
    Taxonomy,
    en_speech_act,
    load_taxonomy,
    rules,
    taxonomy_names,
)

__all__ = [
    "INTENTS",
    "MODEL_DIR",
    "SPEECH_ACTS",
    "TAXONOMIES",
    "URGENCIES",
    "Triage",
    "ko_complaint_proba",
    "reset_models",
    "taxonomy_categories",
    "triage_texts",
]

INTENTS = ("inquiry", "complaint", "praise", "suggestion", "spam", "other")
SPEECH_ACTS = (
    "fragment",
    "statement",
    "question",
    "command",
    "rhetorical_question",
    "rhetorical_command",
    "intonation_dependent",
)
URGENCIES = ("low", "normal", "high", "urgent")
TAXONOMIES: tuple[str, ...] = taxonomy_names()
MODEL_DIR = Path(__file__).resolve().parent / "models" / "triage"
# A statement whose sentiment score is at or below minus this is a complaint, in both languages
# (English has no complaint model: its complaint probability is -score). For Korean it adds to
# the KOTE complaint model, whose comments' raters often call a negative comment no complaint:
# "앱이 또 먹통이네요 정말 짜증나요" (-0.78) and "직원분이 불친절해서 기분이 나빴어요" (-0.73)
# fell below its threshold. On KOTE's 1,000 held-out comments (the twins of bench/triage.py)
# the intent's complaint F1 is 0.7211 without the rule, 0.7269 with it at 0.35 (0.7214 / 0.7143
# / 0.7210 at 0.3 / 0.5 / 0.7): no cost on comments, so the English threshold serves both.
NEGATIVE_IS_COMPLAINT = 0.35

_ASKING = frozenset({"question", "command"})
_RHETORICAL = frozenset({"rhetorical_question", "rhetorical_command"})
ABUSE_THRESHOLD = 0.8
# a one-vs-rest SVM margin: above it the category model's best class is taken
CATEGORY_MIN_MARGIN = -0.3


@dataclass(frozen=True)
class Triage:
    lang: str
    intent: str
    speech_act: str
    needs_reply: bool
    urgency: str
    category: str  # "" when the taxonomy has none that fits
    sentiment: str  # negative | neutral | positive
    sentiment_score: float  # -1..1
    explain: dict[str, list[str]]  # field -> the words that decided


_lock = threading.Lock()
_models: dict[str, LinearTextModel] = {}


def _model(name: str) -> LinearTextModel:
    m = _models.get(name)
    if m is None:
        with _lock:
            m = _models.get(name)
            if m is None:
                m = _models[name] = LinearTextModel.load(MODEL_DIR, name)
    return m


def reset_models() -> None:
    """Forget the loaded models (after training writes new ones)."""
    with _lock:
        _models.clear()


def taxonomy_categories(name: str, lang: str) -> list[str]:
    """The category names of taxonomy ``name`` in ``lang`` (``ko``; anything else: English)."""
    if name not in TAXONOMIES:
        raise KeyError(name)
    return [c.name("ko" if lang == "ko" else "en") for c in load_taxonomy(name).categories]


def ko_complaint_proba(
    texts: Sequence[str],
    polarity: np.ndarray,
    opinion: np.ndarray,
    tokens: Sequence[Sequence[str]] | None = None,
) -> np.ndarray:
    """P(complaint) of Korean texts: the stacked decision of ``ko_complaint`` (its JSON's
    ``stack``) over the SVM margin and the sentiment model's polarity and opinion logits.
    ``tokens``: the texts' Kiwi ``form/TAG`` morphemes when already known (else Kiwi runs)."""
    m = _model("ko_complaint")
    z = m.logits(texts, tokens)
    st = m.meta["stack"]
    feats = np.column_stack([z[:, 1] - z[:, 0], polarity, opinion])
    s = feats @ np.asarray(st["coef"], dtype=np.float64) + float(st["bias"])
    p: np.ndarray = 1.0 / (1.0 + np.exp(-s))
    return p


@dataclass
class _Row:
    text: str
    lang: str
    speech_act: str = "statement"
    speech_words: tuple[str, ...] = ()
    complaint_p: float = 0.0
    complaint_words: tuple[str, ...] = ()
    abuse_p: float = 0.0
    abuse_words: tuple[str, ...] = ()
    sentiment: str = "neutral"
    score: float = 0.0
    sentiment_words: tuple[str, ...] = ()
    category_id: str = ""
    category_p: float = 0.0
    category_words: tuple[str, ...] = ()


def _ko_rows(rows: list[_Row]) -> None:
    from socialops.nlp.sentiment_ko import KoSentiment  # heavy (SciPy-free numpy model)

    texts = [r.text for r in rows]
    sent = KoSentiment.load()
    tokens = [[t.tagged_form for t in toks] for toks in ko.tokenize_each(texts)]
    labels, scores = sent.score(tokens, texts)
    pol, op = sent.logits(tokens, texts)
    opin = op if op is not None else np.zeros_like(pol)
    speech = _model("ko_speech_act")
    ps = speech.proba(texts, tokens)  # the same Kiwi morphemes: no second analysis
    sa = ps.argmax(axis=1)
    sa_words = speech.explain(texts, sa.tolist())
    pc = ko_complaint_proba(texts, pol, opin, tokens)
    c_words = _model("ko_complaint").explain(texts, [1] * len(texts))
    abuse = _model("ko_abuse")
    pa = abuse.proba(texts)[:, 1]
    a_words = abuse.explain(texts, [1] * len(texts))
    # the sentiment words: each word scored alone by the sentiment model's character n-grams
    words = [list(dict.fromkeys(w for w in words_of(t) if w not in "?!")) for t in texts]
    flat = [w for ws in words for w in ws]
    wz = sent.decision([[] for _ in flat], flat) - sent.bias if flat else np.zeros(0)
    k = 0
    for i, r in enumerate(rows):
        r.speech_act = speech.labels[int(sa[i])]
        r.speech_words = tuple(sa_words[i])
        r.complaint_p = float(pc[i])
        r.complaint_words = tuple(c_words[i])
        r.abuse_p = float(pa[i])
        r.abuse_words = tuple(a_words[i])
        r.sentiment, r.score = labels[i], round(float(scores[i]), 4)
        n = len(words[i])
        block = wz[k : k + n]
        k += n
        if n and r.sentiment != "neutral":
            sign = 1.0 if r.sentiment == "positive" else -1.0
            order = np.argsort(-(block * sign), kind="stable")[:3]
            r.sentiment_words = tuple(words[i][j] for j in order if block[j] * sign > 0)


def _en_rows(rows: list[_Row]) -> None:
    from socialops.nlp.sentiment_en import EnSentiment  # heavy: VADER, weights

    texts = [r.text for r in rows]
    labels, scores = EnSentiment.load().score(texts)
    for r, lab, sc in zip(rows, labels, scores.tolist(), strict=True):
        r.sentiment, r.score = lab, round(float(sc), 4)
        r.complaint_p = max(0.0, -float(sc))
    analyzer = _vader_words
    for r in rows:
        r.sentiment_words = tuple(analyzer(r.text, r.sentiment))


def _vader_words(text: str, label: str) -> list[str]:
    from socialops.nlp.sentiment_en import _analyzer

    if label == "neutral":
        return []
    lex = _analyzer().lexicon
    sign = 1.0 if label == "positive" else -1.0
    scored = [(lex.get(w, 0.0) * sign, w) for w in dict.fromkeys(words_of(text))]
    return [w for s, w in sorted(scored, reverse=True)[:3] if s > 0]


def _categories(rows: list[_Row], tax: Taxonomy) -> None:
    if tax.model_en:
        en = [r for r in rows if r.lang != "ko"]
        if en:
            m = _model(tax.model_en)
            z = m.logits([r.text for r in en])
            best = z.argmax(axis=1)
            why = m.explain([r.text for r in en], best.tolist())
            for r, b, pb, w in zip(en, best.tolist(), z.max(axis=1).tolist(), why, strict=True):
                if pb >= CATEGORY_MIN_MARGIN:
                    r.category_id, r.category_p, r.category_words = m.labels[b], pb, tuple(w)
    for r in rows:
        if r.category_id:
            continue
        low = r.text.lower()
        cat, hits = tax.match(low, low.replace(" ", ""), r.lang)
        if cat is not None:
            r.category_id, r.category_words = cat.id, tuple(hits)


def _decide(r: _Row, tax: Taxonomy) -> Triage:
    rl = rules()
    low = r.text.lower()
    nospace = low.replace(" ", "")
    lang = r.lang
    rhet = rl.rhetorical.find(low, nospace, lang)
    if lang != "ko":
        r.speech_act, words = en_speech_act(r.text, rhet, r.sentiment == "negative")
        r.speech_words = tuple(words)
    elif rhet and r.speech_act == "question":
        r.speech_act, r.speech_words = "rhetorical_question", tuple(rhet)
    spam = rl.spam.find(low, nospace, lang)
    suggestion = rl.suggestion.find(low, nospace, lang)
    praise = rl.praise.find(low, nospace, lang)
    negative = r.sentiment == "negative"
    complaint = r.complaint_p >= _complaint_threshold(lang)
    intent_words: tuple[str, ...]
    if spam:
        intent, intent_words = "spam", tuple(spam)
    elif lang == "ko" and r.abuse_p >= ABUSE_THRESHOLD and not complaint:
        intent, intent_words = "spam", r.abuse_words
    elif r.speech_act in _RHETORICAL and (complaint or negative or rhet):
        intent, intent_words = "complaint", tuple(rhet) or r.complaint_words or r.speech_words
    elif suggestion and not (complaint and r.complaint_p > 0.8):
        intent, intent_words = "suggestion", tuple(suggestion)
    elif r.speech_act in _ASKING:
        # a plain question is an inquiry; a question in a strongly negative complaint is not
        if complaint and r.complaint_p > 0.75 and negative:
            intent, intent_words = "complaint", r.complaint_words or r.sentiment_words
        else:
            intent, intent_words = "inquiry", r.speech_words or r.category_words
    elif complaint or r.score <= -NEGATIVE_IS_COMPLAINT:
        # a clearly negative message to a brand is a complaint in a care inbox, whatever the
        # comment-trained complaint model says (English decides by this score alone)
        intent, intent_words = "complaint", r.complaint_words or r.sentiment_words
    elif (praise and r.sentiment != "negative") or (r.sentiment == "positive" and r.score > 0.5):
        intent, intent_words = "praise", tuple(praise) or r.sentiment_words
    elif tax.model_en and r.category_id and r.category_p >= 0.0:
        intent, intent_words = "inquiry", r.category_words
    else:
        intent, intent_words = "other", ()
    needs_reply = intent in ("inquiry", "complaint", "suggestion") or (
        intent != "spam" and r.speech_act in _ASKING
    )
    urgent = rl.urgent.find(low, nospace, lang) + tax.urgent.find(low, nospace, lang)
    high = rl.high.find(low, nospace, lang)
    urgency_words: tuple[str, ...] = ()
    if intent == "spam":
        urgency = "low"
    elif urgent or r.category_id in tax.urgent_categories:
        urgency, urgency_words = "urgent", tuple(dict.fromkeys(urgent)) or r.category_words
    elif intent == "complaint" and (r.score <= -0.6 or high):
        urgency, urgency_words = "high", tuple(high) or r.sentiment_words
    elif not needs_reply:
        urgency = "low"
    else:
        urgency = "normal"
    cat = tax.by_id(r.category_id) if r.category_id else None
    return Triage(
        lang=lang,
        intent=intent,
        speech_act=r.speech_act,
        needs_reply=needs_reply,
        urgency=urgency,
        category=cat.name(lang) if cat is not None else "",
        sentiment=r.sentiment,
        sentiment_score=r.score,
        explain={
            "intent": list(intent_words),
            "speech_act": list(r.speech_words),
            "urgency": list(urgency_words),
            "category": list(r.category_words) if cat is not None else [],
            "sentiment": list(r.sentiment_words),
        },
    )


def _complaint_threshold(lang: str) -> float:
    if lang == "ko":
        return float(_model("ko_complaint").meta["stack"]["threshold"])
    return NEGATIVE_IS_COMPLAINT  # English: -sentiment_score


def triage_texts(
    texts: Sequence[str], lang: str = "auto", taxonomy: str = "general"
) -> list[Triage]:
    """Triage each text (``lang``: ko, en, or auto to detect per text)."""
    if taxonomy not in TAXONOMIES:
        raise KeyError(taxonomy)
    tax = load_taxonomy(taxonomy)
    rows: list[_Row] = []
    for t in texts:
        norm = normalize(t or "").text
        lg = lang if lang in ("ko", "en") else detect(norm)
        rows.append(_Row(text=norm, lang="ko" if lg == "ko" else ("en" if lg == "en" else lg)))
    ko_rows = [r for r in rows if r.lang == "ko" and r.text]
    en_rows = [r for r in rows if r.lang != "ko" and r.text]
    if ko_rows:
        _ko_rows(ko_rows)
    if en_rows:
        _en_rows(en_rows)
    _categories([r for r in rows if r.text], tax)
    out: list[Triage] = []
    for r in rows:
        if not r.text:
            out.append(Triage(r.lang, "other", "fragment", False, "low", "", "neutral", 0.0, {}))
        else:
            out.append(_decide(r, tax))
    return out
