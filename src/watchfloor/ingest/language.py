"""Language identification, offline (py3langid ships its model inside the package).

Most reports an analyst ingests are in English, and py3langid costs about a second per
process to load its model (decompressed on first use) and a millisecond per text. So plain
English prose is recognised first, by its function words: "the", "of", "and", "to", "was"...
make up a quarter to a third of an English sample's words. A sample is English when those
words are at least a tenth of its words, "the" is one of them, and they outnumber the
function words of the other major languages written in Latin letters (Spanish, French,
German, Italian, Portuguese, Dutch, the Nordic and West Slavic languages) four to one. A
headline, a list, a mixed or a foreign text fails the test and goes to the model.

The model itself is read once per machine from its compressed file and kept decompressed in
the user cache directory (about 70 MB of NumPy arrays, loaded in a fifth of the time and
memory-mapped, so worker processes share its pages); when that directory cannot be written
the packaged file is read as before.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
from array import array
from importlib.metadata import version
from pathlib import Path

import numpy as np
import platformdirs
import py3langid
from py3langid import langid, modelio

log = logging.getLogger(__name__)

# Characters read: two or three sentences identify a language as well as the whole text
# does, and classification cost grows with length (about 1 ms per 1,000 characters).
SAMPLE_CHARS = 320
# Fewer letters than this give guesses, not answers: report "unknown" (None) instead.
MIN_LETTERS = 20


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


ENGLISH_FUNCTION_WORDS = _wordset(
    "the of and to in a an is was were be been are has have had that for on with by as at "
    "from said it its he his she her they their this which who not but"
)
# Function words of other languages (a few of them are English words too: "a", "in").
OTHER_FUNCTION_WORDS = _wordset(
    # Spanish, Portuguese
    "de la el los las del en que por con una un y se su al es no lo como para más "
    "o os do da dos das em um uma não é ao pelo pela "
    # French, Italian
    "le les des du et est une dans pour qui sur pas au ce il elle sont avec "
    "di il che della per non gli sono nel alla le delle "
    # German, Dutch
    "der die und das ist nicht mit den von sich dem ein eine zu auf für im "
    "het een van en dat niet zijn op te voor met "
    # Danish, Norwegian, Swedish
    "og er til av på det som att och med för den ikke inte "
    # Polish, Czech, Slovak
    "i w z na nie się że je jest do od po ze pro jako"
)
ENGLISH_SHARE = 0.10
ENGLISH_MARGIN = 4

_LETTERS = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")


def looks_english(sample: str) -> bool:
    """True when a lower-cased sample is plainly English prose (see the module docstring)."""
    words = _WORDS.findall(sample)
    if len(words) < 8 or "the" not in words:
        return False
    english = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS)
    other = sum(1 for w in words if w in OTHER_FUNCTION_WORDS)
    return english >= ENGLISH_SHARE * len(words) and english >= ENGLISH_MARGIN * other


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODES = {2: "H", 4: "I", 8: "L"}
_lock = threading.Lock()
_identifier: langid.LanguageIdentifier | None = None
_cache_failed = False


def _model_cache_dir() -> Path:
    packaged = langid.MODEL_DIR / langid.MODEL_FILE
    stamp = f"{version('py3langid')}-{packaged.stat().st_size}"
    cache = Path(platformdirs.user_cache_dir("watchfloor", appauthor=False))
    return cache / f"langid-{stamp}"


def _as_array(values: np.ndarray) -> array[int]:
    # py3langid's modelio._to_array does the same; it is private, and ingestion must not
    # break when an upgrade renames it (the cache falls back only on OSError/ValueError).
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).tobytes())
    return out


def _write_cache(folder: Path) -> None:
    """Decompress the packaged model into ``folder`` (written aside, then renamed)."""
    packaged = langid.MODEL_DIR / langid.MODEL_FILE
    ptc, pc, classes, nextmove, row, output = modelio.load_model(packaged)
    arrays = {
        "ptc": np.asarray(ptc), "pc": np.asarray(pc), "classes": np.asarray(classes),
        "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
        "nextmove_row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
        "out_feat": np.asarray(output, dtype=np.int32),
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        dir=folder.parent, prefix=".langid-", ignore_cleanup_errors=True
    ) as tmp:
        for name, values in arrays.items():
            np.save(Path(tmp) / f"{name}.npy", values, allow_pickle=False)
        with contextlib.suppress(OSError):  # another process renamed its copy first
            os.rename(tmp, folder)


def _load_identifier() -> langid.LanguageIdentifier:
    folder = _model_cache_dir()
    if not (folder / "out_feat.npy").exists():
        _write_cache(folder)
    data = {
        name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        for name in _ARRAYS
    }
    return langid.LanguageIdentifier(
        data["ptc"], np.asarray(data["pc"]), np.asarray(data["classes"]).tolist(),
        _as_array(data["nextmove"]), np.asarray(data["out_feat"]).tolist(),
        tk_row=_as_array(data["nextmove_row"]),
    )


def _classify(sample: str) -> str:
    global _identifier, _cache_failed
    if _identifier is None and not _cache_failed:
        with _lock:
            if _identifier is None and not _cache_failed:
                try:
                    _identifier = _load_identifier()
                except (OSError, ValueError, KeyError) as exc:
                    log.debug("language model cache unusable (%s); reading the package", exc)
                    _cache_failed = True
    if _identifier is None:
        return str(py3langid.classify(sample)[0])
    return str(_identifier.classify(sample)[0])


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return None
    lowered = sample.lower()
    if looks_english(lowered):
        return "en"
    # ALL-CAPS wire text is classified as lower case: the model was trained on normal text.
    if sample.isupper():
        sample = lowered
    return _classify(sample)  # loads the model once per process, on first use
