import pytest

from genguard.errors import InputError
from genguard.incidents import registry
from genguard.incidents.schema import parse_new_record
from genguard.incidents.state import TRANSITIONS, Status, allowed_targets, check_transition


@pytest.mark.parametrize("src", list(Status))
def test_every_illegal_transition_is_refused_with_from_to_and_allowed(src: Status) -> None:
    for dst in Status:
        if dst in TRANSITIONS[src]:
            assert check_transition(src, dst) == dst
            continue
        with pytest.raises(InputError) as err:
            check_transition(src, dst, ref="VUL-1")
        msg = str(err.value)
        assert f"from '{src.value}' to '{dst.value}'" in msg and "VUL-1" in msg
        for ok in allowed_targets(src):
            assert ok.value in msg
        if not TRANSITIONS[src]:
            assert "final state" in msg


def test_unknown_status_is_named() -> None:
    with pytest.raises(InputError, match=r"unknown status 'done'.*received"):
        check_transition("received", "done")


def test_lifecycle_records_every_transition(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "rude answer", "description": "x" * 20}),
                          actor="alice", clock=clock)
    path = ["triaged", "mitigating", "resolved", "disclosed"]
    for i, to in enumerate(path):
        clock.advance(hours=1)
        registry.move(sqlite_store, rec.ref, to, actor=f"user{i}", note=f"step {i}", clock=clock)
    with pytest.raises(InputError, match="illegal transition from 'disclosed' to 'triaged'"):
        registry.move(sqlite_store, rec.ref, "triaged", actor="x", clock=clock)
    got = registry.to_dict(registry.get(sqlite_store, rec.ref))
    trans = [e for e in got["timeline"] if e["kind"] == "transition"]
    assert [(e["from"], e["to"], e["actor"], e["note"]) for e in trans] == [
        ("received", "triaged", "user0", "step 0"), ("triaged", "mitigating", "user1", "step 1"),
        ("mitigating", "resolved", "user2", "step 2"), ("resolved", "disclosed", "user3", "step 3")]
    assert got["timeline"][0]["kind"] == "created" and got["timeline"][0]["actor"] == "alice"
    assert got["status"] == "disclosed" and got["closed_at"] is not None
    # the refused move left no trace
    assert len(got["timeline"]) == 5
