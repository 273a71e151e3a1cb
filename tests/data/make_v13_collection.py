"""Write tests/data/collection-v13.db and its export: a populated schema-version-13 collection.

It was made by the version-13 code (git commit adc4639, before each answer's choices were kept
on its review row) with

    TZ=UTC .venv/bin/python tests/data/make_v13_collection.py tests/data/collection-v13.db

and is kept as it came out, with `tutor export` of it by the same code beside it
(collection-v13-export.json). The history is make_v7_collection's: three decks and a deck of
select-all cards, five days of answers (several options chosen in one answer, options chosen
in another order than first picked), a suspend, a bury, a retired card, an undone answer, a
deck edited after its options were chosen.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.data.make_v7_collection import main

if __name__ == "__main__":
    main(Path(sys.argv[1]))
