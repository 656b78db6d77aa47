"""The real embedding model, loaded once per test session (a few seconds)."""

from __future__ import annotations

import pytest

from watchfloor.analyse.embeddings import Embedder, shared_embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    model = shared_embedder()
    model.model()  # load now, so the first test is not charged for it
    return model
