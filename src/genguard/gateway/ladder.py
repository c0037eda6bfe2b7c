"""Per-key strike ladder: refused and blocked requests are strikes; enough strikes escalate the
response (warn -> throttle -> stricter policy -> suspend) as configured. Every step is a key event.

A blocked answer is no strike unless ``ladder.count_output``: the caller did not write it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from genguard.findings import Decision, Direction
from genguard.gateway.config import LadderConfig
from genguard.gateway.keys import KeyRecord
from genguard.gateway.models import ApiKey, KeyEvent
from genguard.store import Store

LEVELS = ("none", "warn", "throttle", "stricter", "suspend")


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StrikeOutcome:
    record: KeyRecord
    previous_level: str

    @property
    def escalated(self) -> bool:
        return LEVELS.index(self.record.level) > LEVELS.index(self.previous_level)


class Ladder:
    def __init__(self, config: LadderConfig) -> None:
        self.config = config

    def counts_as_strike(self, decision: Decision) -> bool:
        if decision.direction == Direction.OUTPUT and not self.config.count_output:
            return False  # the model's words, not the caller's (a benign prompt can draw a bad answer)
        return self.config.enabled and decision.action.value in self.config.strike_actions

    def level_for(self, strikes: int) -> str:
        level = "none"
        for step in self.config.steps:
            if strikes >= step.strikes:
                level = step.action
        return level

    def strike(self, store: Store, key_id: str, decision: Decision, *, request_id: str) -> StrikeOutcome | None:
        """Count one strike against a key (sync: call from a thread). None if the key vanished."""
        now = datetime.now(UTC)
        with store.session() as s:
            row = s.get(ApiKey, key_id, with_for_update=True)
            if row is None:
                return None
            prev = row.level
            if row.last_strike_at is not None and now - _aware(row.last_strike_at) > timedelta(
                seconds=self.config.reset_after_s
            ):
                row.strikes, row.level = 0, "none"
            row.strikes += 1
            row.last_strike_at = now
            new_level = self.level_for(row.strikes)
            # never de-escalate on a strike (a reinstated key starts again from "none")
            if LEVELS.index(new_level) < LEVELS.index(row.level):
                new_level = row.level
            row.level = new_level
            row.updated_at = now
            detail = {"request_id": request_id, "action": decision.action.value, "categories": decision.categories,
                      "strikes": row.strikes}
            s.add(KeyEvent(key_id=key_id, event="strike", actor="ladder", detail=detail, at=now))
            if LEVELS.index(new_level) > LEVELS.index(prev):
                if new_level == "suspend":
                    row.status = "suspended"
                s.add(KeyEvent(key_id=key_id, event=new_level, actor="ladder",
                               detail={"strikes": row.strikes, "from": prev}, at=now))
            rec = KeyRecord.of(row)
        return StrikeOutcome(record=rec, previous_level=prev)
