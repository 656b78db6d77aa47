"""Language identification, offline (py3langid ships its model inside the package)."""

from __future__ import annotations

import py3langid

# Characters read: two or three sentences identify a language as well as the whole text
# does, and classification cost grows with length (about 1 ms per 1,000 characters).
SAMPLE_CHARS = 320
# Fewer letters than this give guesses, not answers: report "unknown" (None) instead.
MIN_LETTERS = 20


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    # ALL-CAPS wire text is classified as lower case: the model was trained on normal text.
    if sample.isupper():
        sample = sample.lower()
    code, _score = py3langid.classify(sample)  # loads its model once, on first use
    return str(code)
