"""Wait for the app's workers and the messages they post, instead of polling against a clock."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled


async def settle(pilot: Pilot[Any]) -> None:
    """Return once no worker is running and every message they caused has been handled."""
    app = pilot.app
    while True:
        with suppress(WorkerCancelled):  # the app is closing: its screens cancelled their workers
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return
