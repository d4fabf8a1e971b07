"""Text enrichment: language, normalisation, tokens, sentiment, keywords."""
