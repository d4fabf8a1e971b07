"""The versions of the shipped sentiment models, without loading them (their modules import
numpy, scipy, scikit-learn and VADER): part of the enrichment pipeline's id, which every
enrichment process computes, Korean-only ones included."""

from __future__ import annotations

__all__ = ["EN_VERSION", "KO_VERSION"]

KO_VERSION = "ko-linear-5"  # socialops.nlp.sentiment_ko.KoSentiment.VERSION
EN_VERSION = "1"  # socialops.nlp.sentiment_en.EnSentiment.VERSION
