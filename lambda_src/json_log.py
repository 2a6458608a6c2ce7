"""One JSON object per log line, so CloudWatch Logs Insights can filter on any field.

Fields follow Powertools' logger: level, location, message, timestamp, service, plus the
request's own fields passed as ``extra={"fields": {...}}``. Review text is never logged.
"""

from __future__ import annotations

import json
import logging
import sys
import time


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "level": record.levelname,
            "location": f"{record.module}.{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "service": self.service,
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at emit time (runtimes and test runners may replace it)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def json_logger(name: str, service: str, level: str) -> logging.Logger:
    """A logger writing JSON lines to stdout (what Lambda ships to CloudWatch), not duplicated by root."""
    logger = logging.getLogger(name)
    logger.handlers.clear()
    handler = _StdoutHandler()
    handler.setFormatter(JsonFormatter(service))
    logger.addHandler(handler)
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    logger.propagate = False
    return logger
