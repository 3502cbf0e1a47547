"""Per-user rate limits: a sliding window of recent events, in memory (one process serves)."""

import threading
import time
from collections import deque

_MAX_KEYS = 10_000


class RateLimit:
    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; False (and not counted) when over the limit."""
        now = time.monotonic()
        with self._lock:
            if len(self._events) > _MAX_KEYS:  # e.g. many anonymous addresses: forget the idle
                self._events = {k: v for k, v in self._events.items()
                                if v and v[-1] > now - self.seconds}
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.count:
                return False
            events.append(now)
            return True

    def wait_text(self) -> str:
        per = "Minute" if self.seconds <= 60 else "Stunde"
        return f"höchstens {self.count} pro {per}"

    def forget(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
