"""A decisions file whose records lack 'id' or 'decision' is reported line by line, never read as
"nothing to do" (which used to exit 0 with 'accepted 0, rewritten 0, rejected 0')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genguard.align.review import load_decisions
from genguard.errors import InputError


def _jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_records_without_id_or_decision_are_named_by_line(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", {"foo": 1}, {"text": "x", "decision": "accept"}, {"id": 3})
    with pytest.raises(InputError) as exc:
        load_decisions(f)
    msg = str(exc.value)
    assert "3 invalid decision(s)" in msg
    assert "line 1: missing 'id' and 'decision'" in msg
    assert "line 2: missing 'id'" in msg and "line 3: missing 'decision'" in msg


def test_one_malformed_record_among_good_ones_applies_nothing(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", {"id": 1, "decision": "accept"}, {"decision": "reject"})
    with pytest.raises(InputError, match=r"1 invalid decision\(s\): line 2: missing 'id'"):
        load_decisions(f)


def test_yaml_records_are_checked_too(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text("- {id: 1, decision: accept}\n- {note: hi}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[1\]: missing 'id' and 'decision'"):
        load_decisions(f)


@pytest.mark.parametrize("records", [(), ({"id": 1, "decision": None}, {"id": 2, "decision": "skip"})])
def test_a_file_with_no_decision_is_an_error(tmp_path: Path, records: tuple[object, ...]) -> None:
    f = _jsonl(tmp_path / "d.jsonl", *records)
    with pytest.raises(InputError, match=rf"no decision to apply \({len(records)} record\(s\) left undecided\)"):
        load_decisions(f)


def test_undecided_queue_lines_are_still_left_alone(tmp_path: Path) -> None:
    f = _jsonl(tmp_path / "d.jsonl", {"id": 1, "decision": "accept", "prompt": "p", "candidate": "c"},
               {"id": 2, "decision": None, "prompt": "p"})
    assert [(d.id, d.decision) for d in load_decisions(f)] == [(1, "accept")]
