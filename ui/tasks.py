"""Run work off the GUI thread and deliver the outcome to it by signal.

One helper for all background work (search, synthesis, recognition, printing): a
function runs on a thread pool and its result or exception comes back through a
queued signal.  Each *channel* keeps only its newest request: a new search makes
the result of the one in flight stale, and stale results are dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.logsetup import get_logger

log = get_logger("ui.tasks")


class TaskRunner(QObject):
    _finished = Signal(object, int, str, object, object)  # callback key, ticket, channel, result, error

    def __init__(self, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-task")
        self._tickets = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}
        self._finished.connect(self._deliver)
        self.in_flight = 0

    def run(
        self,
        channel: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> int:
        """Run ``fn`` in the pool; the callbacks run on the GUI thread, unless superseded."""
        ticket = next(self._tickets)
        self._latest[channel] = ticket
        self._callbacks[ticket] = (on_success, on_failure)
        self.in_flight += 1

        def done(future: Future[Any]) -> None:
            error = future.exception()
            result = None if error else future.result()
            self._finished.emit(None, ticket, channel, result, error)

        self._pool.submit(fn).add_done_callback(done)
        return ticket

    def cancel(self, channel: str) -> None:
        """Make whatever runs on ``channel`` stale: its outcome will be dropped."""
        self._latest.pop(channel, None)

    @Slot(object, int, str, object, object)
    def _deliver(self, _key: object, ticket: int, channel: str, result: Any, error: Any) -> None:
        self.in_flight -= 1
        on_success, on_failure = self._callbacks.pop(ticket)
        if self._latest.get(channel) != ticket:
            return
        del self._latest[channel]
        if error is not None:
            log.warning("background task on %s failed: %s", channel, type(error).__name__)
            on_failure(error)
        else:
            on_success(result)

    def shutdown(self) -> None:
        self._latest.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
