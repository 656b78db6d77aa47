"""Each field of an event with its value, its evidence in the report, how it was found and
how sure the extractor is: what the event page shows."""

from __future__ import annotations

from typing import Any

from watchfloor.analyse.precision import GEO_PRECISION_LABELS


def _slice(text: str, start: Any, end: Any) -> str:
    if start is None or end is None:
        return ""
    return text[int(start) : int(end)]


def _sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a span: from the previous full stop or newline to the next."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    left = 0 if left < 0 else left + 1
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, right


def event_fields(event: dict[str, Any], data: dict[str, Any], text: str) -> list[dict]:
    """Each field of an event with its value, the evidence text, how it was found and how
    sure the extractor is."""
    evidence = [s for s in data.get("evidence") or [] if s.get("start") is not None]
    sentence = evidence[0] if evidence else None

    def span_evidence(span: dict[str, Any] | None) -> dict[str, Any] | None:
        if not span or span.get("start") is None:
            return sentence
        return {"start": span["start"], "end": span["end"]}

    def ev(span: dict[str, Any] | None) -> dict[str, Any] | None:
        if span is None:
            return None
        start, end = int(span["start"]), int(span["end"])
        s_start, s_end = _sentence_of(text, start, end)
        return {
            "start": start,
            "end": end,
            "text": _slice(text, start, end),
            "sentence": text[s_start:s_end].strip(),
            "anchor": f"span-{start}-{end}",
        }

    confidence = data.get("confidence")
    trigger = data.get("trigger") or {}
    classes = [t.get("class") for t in data.get("triggers") or [] if t.get("class")]
    when = data.get("date") or {}
    where = data.get("location") or {}
    fields: list[dict[str, Any]] = [
        {
            "field": "event_type",
            "value": f"{event['event_type']} / {event['sub_event_type'] or '—'}",
            "evidence": ev(span_evidence(trigger)),
            "method": "trigger word"
            + (f" {trigger.get('text')!r}" if trigger.get("text") else "")
            + (f" (classes: {', '.join(classes)})" if classes else ""),
            "confidence": confidence,
        },
        {
            "field": "date",
            "value": event["start_date"]
            if event["start_date"] == event["end_date"]
            else f"{event['start_date']} – {event['end_date']}",
            "evidence": ev(sentence),
            "method": (
                "assumed from the publication date"
                if when.get("assumed")
                else "date expression in the text"
            )
            + f"; precision {event['date_precision'] or 'unknown'}",
            "confidence": None,
        },
        {
            "field": "location",
            "value": (event["location"] or {}).get("name"),
            "evidence": ev(span_evidence(where if where.get("start") is not None else None)),
            "method": f"gazetteer ({where.get('source') or 'match'}); "
            f"{GEO_PRECISION_LABELS.get(event['geo_precision'] or 3, '')}"
            if where
            else "not found",
            "confidence": where.get("score"),
        },
    ]
    for key in ("actor1", "actor2"):
        raw = data.get(key)
        fields.append(
            {
                "field": key,
                "value": (event[key] or {}).get("name"),
                "evidence": ev(span_evidence(raw)) if raw else None,
                "method": (
                    "actor dictionary"
                    if isinstance(raw, dict) and raw.get("actor_id")
                    else "noun phrase in the text"
                )
                if raw
                else "not found",
                "confidence": confidence if raw else None,
            }
        )
    for key in ("fatalities", "injured", "arrested"):
        fields.append(
            {
                "field": key,
                "value": event[key],
                "evidence": ev(sentence) if event[key] is not None else None,
                "method": "number counted near the trigger"
                if event[key] is not None
                else "not reported",
                "confidence": confidence if event[key] is not None else None,
            }
        )
    for participant in data.get("participants") or []:
        fields.append(
            {
                "field": f"participant:{participant.get('role', 'participant')}",
                "value": participant.get("text"),
                "evidence": ev(span_evidence(participant)),
                "method": f"argument of the trigger ({participant.get('kind') or 'unknown'})",
                "confidence": confidence,
            }
        )
    return fields


