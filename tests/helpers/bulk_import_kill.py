"""A child for the crash test: a large import stopped inside its transaction, pages written.

`python -m tests.helpers.bulk_import_kill DB DECK`: imports DECK, prints `inside` once every
card is inserted (the rollback journal beside the file), then waits for stdin (the test kills
it there).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import tutor.importer
from tests.conftest import NOW
from tutor.importer import import_paths
from tutor.store.db import open_database
from tutor.store.sync import SyncResult
from tutor.store.sync import insert_new_deck as real_insert
from tutor.store.sync import sync_deck as real_sync


def main() -> None:
    collection, deck = sys.argv[1], sys.argv[2]

    def then_wait(write: Callable[..., SyncResult | None]) -> Callable[..., SyncResult | None]:
        def write_then_wait(*args: Any) -> SyncResult | None:
            result = write(*args)
            print("inside", flush=True)
            sys.stdin.read()  # never returns: the test kills this process here
            return result

        return write_then_wait

    vars(tutor.importer)["sync_deck"] = then_wait(real_sync)  # a deck already stored
    vars(tutor.importer)["insert_new_deck"] = then_wait(real_insert)  # a new deck's rows
    import_paths(open_database(f"sqlite:///{collection}"), [deck], NOW)


if __name__ == "__main__":
    main()
