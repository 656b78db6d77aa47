from watchfloor.ingest.dedup import (
    NUM_PERM,
    content_sha256,
    estimated_jaccard,
    shingles,
    signature,
    signature_from_bytes,
)

STORY = (
    "Police in the western town said a group of armed men attacked a checkpoint on the "
    "main road before dawn on Saturday, wounding three officers. The attackers fled towards "
    "the hills and a search operation was under way, a spokesman for the regional police "
    "department said, adding that roads out of the town had been closed."
)


def test_exact_hash_ignores_white_space_only() -> None:
    assert content_sha256(STORY) == content_sha256("  " + STORY.replace(" ", "\n ") + "\n")
    assert content_sha256(STORY) != content_sha256(STORY.replace("three", "four"))


def test_republished_story_is_similar_and_other_story_is_not() -> None:
    republished = "Republished by another site. " + STORY.replace("three", "four")
    other = (
        "The central bank kept its main interest rate unchanged on Thursday, saying "
        "inflation had slowed for a third month and the currency was stable."
    )
    a, b, c = signature(STORY), signature(republished), signature(other)
    assert a is not None and b is not None and c is not None
    assert estimated_jaccard(a.values, b.values) > 0.7
    assert set(a.buckets) & set(b.buckets)
    assert estimated_jaccard(a.values, c.values) < 0.2


def test_signature_round_trips_through_bytes_and_is_stable() -> None:
    sig = signature(STORY)
    assert sig is not None
    assert len(sig.values) == NUM_PERM
    assert (signature_from_bytes(sig.to_bytes()) == sig.values).all()
    again = signature(STORY)
    assert again is not None and again.buckets == sig.buckets


def test_short_and_empty_texts() -> None:
    assert signature("") is None
    assert signature("!!! ???") is None
    assert shingles("two words") == {b"two words"}
    assert signature("two words") is not None
