"""A backup or a restore in a child process that prints `started` halfway through, then waits.

The test kills it there (kill -9): `backup COLLECTION` or `restore COLLECTION SOURCE`.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from tutor.backups import make_backup
from tutor.restore import replace_collection

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def halfway(done: int, total: int) -> None:
    if 0 < done < total:
        print(f"started {done}/{total}", flush=True)
        sys.stdin.readline()  # blocks: the parent kills this process now


def main() -> int:
    action, collection = sys.argv[1], Path(sys.argv[2])
    if action == "backup":
        make_backup(collection, "manual", NOW, pages_per_step=1, progress=halfway)
    else:
        replace_collection(collection, Path(sys.argv[3]), NOW, pages_per_step=1, progress=halfway)
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
