"""Event fusion on hand-written contract events."""

from __future__ import annotations

from typing import Any

import pytest

from watchfloor.analyse.fusion import (
    Constraints,
    FusionOptions,
    Report,
    assign,
    compare,
    describe,
    fuse,
    prepare,
    split,
)

# Taraz (Zhambyl region, KZ) and a village 12 km away; Almaty is ~450 km east.
TARAZ = {"name": "Taraz", "text": "Taraz", "geonameid": 1516905, "feature_code": "PPLA",
         "lat": 42.9, "lon": 71.36667, "country_code": "KZ", "admin1": "Zhambyl",
         "admin1_code": "17", "score": 0.9}
NEAR_TARAZ = {"name": "Kenes", "text": "Kenes", "geonameid": 999001, "feature_code": "PPL",
              "lat": 42.99, "lon": 71.45, "country_code": "KZ", "admin1": "Zhambyl",
              "admin1_code": "17", "score": 0.7}
ZHAMBYL = {"name": "Zhambyl Region", "text": "Zhambyl region", "geonameid": 1524444,
           "feature_code": "ADM1", "lat": 44.0, "lon": 72.0, "country_code": "KZ",
           "admin1": "Zhambyl", "admin1_code": "17", "score": 0.8}
ALMATY_REGION = {"name": "Almaty Oblysy", "text": "Almaty region", "geonameid": 1537162,
                 "feature_code": "ADM1", "lat": 45.0, "lon": 78.0, "country_code": "KZ",
                 "admin1": "Almaty Oblysy", "admin1_code": "10", "score": 0.8}


def event(event_id: str, *, day: str = "2011-11-12", precision: str = "day",
          location: dict[str, Any] | None = None, fatalities: int | None = None,
          evidence: str = "", victims: tuple[str, ...] = (),
          event_type: str = "Explosions/Remote violence",
          sub_event_type: str = "Suicide bomb") -> dict[str, Any]:
    return {
        "event_id": event_id, "event_type": event_type, "sub_event_type": sub_event_type,
        "date": {"start_date": day, "end_date": day, "precision": precision,
                 "assumed": False},
        "location": location if location is not None else TARAZ,
        "actor1": None, "actor2": None,
        "participants": [{"role": "victim", "kind": "group", "text": v, "actor_id": None}
                         for v in victims],
        "fatalities": fatalities, "injured": None, "arrested": None,
        "evidence_text": evidence, "confidence": 0.8,
    }


BOMBING = ("A suicide bomber blew himself up outside the regional police headquarters in "
           "Taraz on Saturday, killing {n} people including police officers")


def report(doc: str, ev: dict[str, Any], published: str = "2011-11-13") -> Report:
    return prepare(ev, doc_id=doc, published=published)


def three_sources() -> list[Report]:
    return [
        report("reuters", event("e1", fatalities=14, evidence=BOMBING.format(n=14),
                                victims=("police headquarters", "police officers"))),
        report("tengri", event("e2", fatalities=16, evidence=BOMBING.format(n=16),
                               victims=("police headquarters",))),
        report("interfax", event("e3", fatalities=14, location=NEAR_TARAZ,
                                 evidence=BOMBING.format(n=14) + " near the market",
                                 victims=("police officers",))),
    ]


def test_three_reports_of_one_attack_fuse_with_the_conflict_shown() -> None:
    clusters = fuse(three_sources())
    assert len(clusters) == 1
    fused = describe(clusters[0])
    assert fused.sources == 3
    deaths = fused.fields["fatalities"]
    assert deaths.conflict and "fatalities" in fused.conflicts
    assert deaths.range == (14, 16)
    assert deaths.fused == 14  # the lowest figure: the stated conservative rule
    said = {v.value: sorted(k.split("/")[0] for k in v.reports) for v in deaths.values}
    assert said == {14: ["interfax", "reuters"], 16: ["tengri"]}
    # The place is the most precise and most reported: Taraz, not the village.
    assert fused.value("location")["name"] == "Taraz"
    assert fused.fields["location"].conflict
    as_json = fused.to_dict()
    assert as_json["fields"]["fatalities"]["range"] == [14, 16]
    assert len(as_json["reports"]) == 3


def test_fusion_does_not_depend_on_input_order() -> None:
    reports = three_sources()
    forward = [c.keys for c in fuse(reports)]
    backward = [c.keys for c in fuse(list(reversed(reports)))]
    assert forward == backward


def test_different_incidents_in_the_same_city_a_month_apart_stay_apart() -> None:
    first = report("a", event("e1", day="2011-11-12", fatalities=7,
                              evidence=BOMBING.format(n=7)))
    second = report("b", event("e2", day="2011-12-14", fatalities=7,
                               evidence=BOMBING.format(n=7)), published="2011-12-15")
    result = compare(first, second)
    assert not result.compatible and result.reason == "dates do not overlap"
    assert len(fuse([first, second])) == 2


def test_admin1_place_fuses_with_a_point_inside_it_but_not_outside() -> None:
    point = report("a", event("e1", evidence=BOMBING.format(n=7), victims=("police officers",)))
    region = report("b", event("e2", location=ZHAMBYL, evidence=BOMBING.format(n=7),
                               victims=("police officers",)))
    other_region = report("c", event("e3", location=ALMATY_REGION,
                                     evidence=BOMBING.format(n=7),
                                     victims=("police officers",)))
    assert compare(point, region).features["place"] == pytest.approx(0.6)
    assert len(fuse([point, region])) == 1
    assert compare(point, other_region).reason == "places too far apart"
    assert len(fuse([point, other_region])) == 2


def test_same_document_events_are_never_fused() -> None:
    a = report("doc", event("e1", evidence=BOMBING.format(n=7)))
    b = report("doc", event("e2", evidence=BOMBING.format(n=7)))
    assert compare(a, b).reason == "same document"
    assert len(fuse([a, b])) == 2


def test_split_is_respected_by_later_incremental_and_batch_fusion() -> None:
    reuters, tengri, interfax = three_sources()
    clusters = fuse([reuters, tengri])
    assert len(clusters) == 1
    clusters, constraints = split(clusters, [tengri.key])
    assert sorted(c.keys for c in clusters) == [(reuters.key,), (tengri.key,)]
    # A third report similar to both joins one of them and never bridges the split.
    clusters = assign(interfax, clusters, constraints=constraints)
    together = {frozenset(c.keys) for c in clusters}
    assert not any({reuters.key, tengri.key} <= c for c in together)
    assert sum(len(c) for c in together) == 3
    # Re-fusing everything from scratch with the stored constraints keeps them apart too.
    stored = Constraints.from_dict(constraints.to_dict())
    again = fuse([reuters, tengri, interfax], constraints=stored)
    assert not any({reuters.key, tengri.key} <= set(c.keys) for c in again)
    # Without the constraint the three fuse into one.
    assert len(fuse([reuters, tengri, interfax])) == 1


def test_incremental_assignment_joins_the_existing_event() -> None:
    reuters, tengri, interfax = three_sources()
    clusters = fuse([reuters, tengri])
    first_id = clusters[0].cluster_id
    clusters = assign(interfax, clusters)
    assert len(clusters) == 1 and len(clusters[0].members) == 3
    assert clusters[0].cluster_id == first_id or interfax.key < reuters.key
    assert [c.keys for c in clusters] == [c.keys for c in fuse([reuters, tengri, interfax])]


def test_split_rejects_keys_from_two_events() -> None:
    reuters, tengri, _ = three_sources()
    lone = report("other", event("e9", day="2011-06-01", evidence="a protest"),
                  published="2011-06-02")
    clusters = fuse([reuters, tengri, lone])
    with pytest.raises(ValueError, match="one fused event"):
        split(clusters, [tengri.key, lone.key])


def test_unknown_date_and_place_need_shared_evidence() -> None:
    vague = event("e2", evidence="Officials said an explosion occurred.", victims=())
    vague["location"] = None
    vague["date"] = None
    lone = prepare(vague, doc_id="b")
    firm = report("a", event("e1", evidence=BOMBING.format(n=7), victims=("police officers",)))
    result = compare(firm, lone, options=FusionOptions())
    assert result.compatible and result.score < FusionOptions().threshold


def test_candidate_blocking_keeps_every_pair_that_passes_the_gates() -> None:
    from itertools import combinations

    from watchfloor.analyse.fusion_pairs import candidate_pairs

    bishkek = {"name": "Bishkek", "text": "Bishkek", "geonameid": 1528675,
               "feature_code": "PPLC", "lat": 42.87, "lon": 74.59, "country_code": "KG",
               "admin1": "Bishkek", "admin1_code": "01", "score": 0.9}
    minister = {"role": "victim", "kind": "person", "text": "Askar Akayev",
                "actor_id": "person:askar-akayev"}
    reports = []
    for n, (place, day, assumed) in enumerate([
            (TARAZ, "2011-11-12", False), (bishkek, "2011-11-12", False),
            (None, "2011-11-13", True), (ZHAMBYL, "2011-10-20", True),
            (bishkek, "2011-11-14", False), ({}, "2011-11-12", False)]):
        ev = event(f"e{n}", day=day, location=place if place is not None else {})
        ev["date"]["assumed"] = assumed
        if n in (0, 1):
            ev["participants"].append(minister)
        reports.append(report(f"doc{n}", ev))
    reports.sort(key=lambda r: r.key)
    options = FusionOptions()
    candidates = set(candidate_pairs(reports))
    assert all(i < j for i, j in candidates)
    assert len(candidates) == len(list(candidate_pairs(reports)))  # each pair once
    for i, j in combinations(range(len(reports)), 2):
        if compare(reports[i], reports[j], options=options).compatible:
            assert (i, j) in candidates
    # Taraz and Bishkek are apart, but share an identified victim: still compared.
    assert compare(reports[0], reports[1], options=options).compatible


def test_text_similarity_with_idf_is_a_weighted_jaccard() -> None:
    from watchfloor.analyse.fusion import text_similarity

    a = report("a", event("e1", evidence="bomber police headquarters"))
    b = report("b", event("e2", evidence="bomber market"))
    idf = {"bomber": 1.0, "police": 2.0, "headquarters": 3.0, "market": 4.0}
    totals: dict[frozenset[str], float] = {}
    assert text_similarity(a, b, idf, totals=totals) == pytest.approx(1.0 / 10.0)
    assert text_similarity(a, b, idf, totals=totals) == pytest.approx(1.0 / 10.0)
    assert totals[a.tokens] == pytest.approx(6.0)
    assert text_similarity(a, b, None) == pytest.approx(1 / 4)


def test_a_dateline_place_counts_as_its_country_only() -> None:
    text = "TARAZ, 12 NOV 11 (AGENCY) -- A BOMB WENT OFF IN THE REGION."
    ev = event("e1", location={**TARAZ, "start": 0, "end": 5})
    filed = prepare(ev, doc_id="doc-e1", published="2011-11-13", text=text)
    assert filed.filed_from and filed.place_level == "country" and filed.country == "KZ"
    # The same place named in the story body is where the incident was.
    body = {**TARAZ, "text": "Taraz"}
    text = "ALMATY, 12 NOV 11 (AGENCY) -- A BOMB WENT OFF IN TARAZ."
    start = text.index("TARAZ")
    ev = event("e2", location={**body, "start": start, "end": start + 5})
    placed = prepare(ev, doc_id="doc-e2", published="2011-11-13", text=text)
    assert not placed.filed_from and placed.place_level == "point"
    # A report filed in Taraz about Almaty region is not kept apart from one placed there.
    elsewhere = report("other", event("e3", location=ALMATY_REGION))
    assert compare(filed, elsewhere).reason != "places too far apart"
    kept = prepare(event("e4"), doc_id="doc-e4", published="2011-11-13")
    assert compare(kept, elsewhere).reason == "places too far apart"
    # The option turns it off.
    options = FusionOptions(dateline_as_country=False)
    ev1 = event("e1", location={**TARAZ, "start": 0, "end": 5})
    plain = prepare(ev1, doc_id="d", published="2011-11-13",
                    text="TARAZ, 12 NOV 11 (AGENCY) -- A BOMB.", options=options)
    assert not plain.filed_from and plain.place_level == "point"


def test_a_shared_perpetrator_alone_does_not_raise_the_score() -> None:
    group = {"role": "perpetrator", "kind": "organization", "text": "Hizb ut-Tahrir",
             "actor_id": "hizb-ut-tahrir"}
    a = event("e1", evidence="attack on a checkpoint")
    b = event("e2", evidence="shooting at a market")
    plain = compare(report("a", a), report("b", b))
    a["participants"].append(group)
    b["participants"].append(group)
    shared = compare(report("a", a), report("b", b))
    assert shared.features["perpetrators"] == 1.0
    assert shared.score == pytest.approx(plain.score)
    weighted = FusionOptions(weights={**FusionOptions().weights, "perpetrators": 0.5})
    assert compare(report("a", a), report("b", b), options=weighted).score > plain.score


def _assumed(ev: dict[str, Any]) -> dict[str, Any]:
    """The event with its date unstated: extraction fell back on the publication date."""
    ev["date"]["assumed"] = True
    ev["date"]["precision"] = "unknown"
    return ev


def test_a_later_report_recalling_a_named_victim_joins_the_dated_incident() -> None:
    killing = report("wire", event(
        "e1", day="2011-11-12", fatalities=1, victims=("Maksat Kariyev",),
        event_type="Violence against civilians", sub_event_type="Attack",
        evidence="Gunmen shot Maksat Kariyev dead in Taraz on Saturday"))
    recall = report("analysis", _assumed(event(
        "e2", day="2012-02-20", victims=("Maksat Kariyev",),
        event_type="Violence against civilians", sub_event_type="Attack",
        evidence="The murder of Maksat Kariyev in Taraz still weighs on the region")),
        published="2012-02-20")
    result = compare(killing, recall)
    assert result.compatible and result.features["date"] == FusionOptions().unknown
    assert len(fuse([killing, recall])) == 1
    # The same report before the incident, or beyond the look-back, cannot recall it.
    early = report("early", _assumed(event(
        "e3", day="2011-09-01", victims=("Maksat Kariyev",),
        event_type="Violence against civilians", sub_event_type="Attack")),
        published="2011-09-01")
    assert compare(killing, early).reason == "dates do not overlap"
    late = report("late", _assumed(event(
        "e4", day="2013-03-01", victims=("Maksat Kariyev",),
        event_type="Violence against civilians", sub_event_type="Attack")),
        published="2013-03-01")
    assert compare(killing, late).reason == "dates do not overlap"
    # Without a shared named victim the dates still keep them apart.
    other = report("other", _assumed(event(
        "e5", day="2012-02-20", victims=("police officers",),
        event_type="Violence against civilians", sub_event_type="Attack")),
        published="2012-02-20")
    assert compare(killing, other).reason == "dates do not overlap"
    from watchfloor.analyse.fusion_pairs import candidate_pairs
    reports = sorted([killing, recall, early, other], key=lambda r: r.key)
    pairs = {frozenset((reports[i].key, reports[j].key)) for i, j in candidate_pairs(reports)}
    assert frozenset((killing.key, recall.key)) in pairs


def test_a_named_victim_in_the_other_reports_evidence_counts_as_shared() -> None:
    named = report("a", event("e1", victims=("Hector Oqueli Colindres",),
                              evidence="Hector Oqueli Colindres was found shot dead"))
    described = report("b", event(
        "e2", victims=("political leaders",),
        evidence="the recent murder of political leaders Hector Oqueli Colindres and "
                 "Gilda Flores"))
    unrelated = report("c", event("e3", victims=("political leaders",),
                                  evidence="the murder of two political leaders"))
    assert compare(named, described).features["victims"] == 1.0
    assert compare(named, unrelated).features["victims"] == FusionOptions().victims_mismatch


def test_one_misdated_report_does_not_keep_two_halves_of_a_story_apart() -> None:
    """gate_tolerance: a merge may carry a few cross pairs failing a soft gate."""
    first_day = [report(f"a{n}", event(f"e{n}", day="2011-11-12", fatalities=7,
                                       evidence=BOMBING.format(n=7)), published="2011-11-12")
                 for n in range(4)]
    # A day early: it overlaps the first reports' dates (a day of slack each) but not the
    # follow-ups', which date the attack a day later still.
    early = report("a9", event("e9", day="2011-11-11", fatalities=7,
                               evidence=BOMBING.format(n=7)), published="2011-11-12")
    follow_ups = [report(f"b{n}", event(
        f"f{n}", day="2011-11-14", fatalities=7,
        evidence="The Taraz police headquarters bombing killed 7 people, police said"),
        published="2011-11-15") for n in range(4)]
    assert compare(early, follow_ups[0]).reason == "dates do not overlap"
    assert compare(first_day[0], follow_ups[0]).compatible
    strict = fuse([*first_day, early, *follow_ups], options=FusionOptions(gate_tolerance=0.0))
    assert sorted(len(c.members) for c in strict) == [4, 5]
    tolerant = fuse([*first_day, early, *follow_ups])  # 4 of 20 cross pairs fail: 0.2
    assert [len(c.members) for c in tolerant] == [9]
    # An analyst's split is never waived.
    _, constraints = split(tolerant, [early.key])
    assert len(fuse([*first_day, early, *follow_ups], constraints=constraints)) == 2


@pytest.mark.parametrize("bad", [{"gate_tolerance": 1.5}, {"threshold": -0.1},
                                 {"recall_lookback_days": -1}])
def test_fusion_options_out_of_range_are_refused_by_name(bad: dict[str, Any]) -> None:
    name = next(iter(bad))
    with pytest.raises(ValueError, match=f"FusionOptions.{name}"):
        FusionOptions(**bad)
