"""Structured (one JSON object per line) logging for ``genguard serve``."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from genguard.errors import ConfigError

_LEVEL_NUMBERS = {"critical": logging.CRITICAL, "error": logging.ERROR, "warning": logging.WARNING,
                  "info": logging.INFO, "debug": logging.DEBUG, "trace": 5}  # uvicorn's TRACE_LOG_LEVEL
LOG_LEVELS = tuple(_LEVEL_NUMBERS)

_STD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for k, v in vars(record).items():
            if k not in _STD and not k.startswith("_") and k != "color_message":
                out[k] = v
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_json_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    number = _LEVEL_NUMBERS.get(level.lower())
    if number is None:
        raise ConfigError(f"unknown log level {level!r}; choose one of: {', '.join(LOG_LEVELS)}")
    root.setLevel(number)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
