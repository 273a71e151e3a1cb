"""`tutor import-anki` on a collection built and reviewed with Anki's own library: decks, cards,
review counts, and every card's FSRS state equal to a replay of its own log."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tutor.cli import main
from tutor.config import load_settings
from tutor.deck.parser import parse_file
from tutor.scheduling import Grade, SchedulerSpec, rebuild
from tutor.store.db import open_database
from tutor.store.reviews import card_log, card_state, decks, load_card

anki_collection = pytest.importorskip(
    "anki.collection",
    reason="Anki's own library is not installed: pip install -e '.[test,anki]' (CI does)",
)

NOW = "2026-11-27T12:00:00+00:00"
FIRST_ANSWER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
DAY_MS = 86_400_000
EASES = {  # per card, the answers given through Anki's scheduler, in order
    "bonjour": [3, 3, 1, 3, 4],
    "chat": [1, 1, 3, 3],
    "cat": [2, 3, 3],
    "code": [3, 4],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def answer(collection: Any, card_id: int, eases: list[int]) -> None:
    for ease in eases:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, ease)


def build(folder: Path) -> dict[str, Any]:
    """An Anki collection with several note types and a history written by Anki's scheduler;
    its .anki2 path, a legacy .apkg of it, a new-format .apkg, and its card ids by front."""
    folder.mkdir()
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    models = col.models
    french = col.decks.id("Languages::French")
    code = col.decks.id("Code")
    ids: dict[str, int] = {}

    def add(model: str, deck: int, **fields: str) -> list[int]:
        note = col.new_note(models.by_name(model))
        for name, value in fields.items():
            note[name] = value
        col.add_note(note, deck)
        return [card.id for card in note.cards()]

    [ids["bonjour"]] = add(
        "Basic",
        french,
        Front="bonjour <b>café</b> ✓",
        Back='hello<br>world <img src="hello.png"> [sound:bonjour.mp3]',
    )
    ids["chat"], ids["cat"] = add("Basic (and reversed card)", french, Front="chat", Back="cat")
    [ids["cloze"]] = add("Cloze", french, Text="{{c1::Paris}} is in France")
    [ids["typed"]] = add("Basic (type in the answer)", french, Front="un", Back="one")
    [ids["code"]] = add(
        "Basic",
        code,
        Front="What does <code>len([])</code> return?",
        Back="<pre>&gt;&gt;&gt; len([])\n0</pre>## not a heading<br>- [x] not an option",
    )
    [ids["suspended"]] = add("Basic", code, Front="suspended in Anki", Back="yes")
    for front, eases in EASES.items():
        answer(col, ids[front], eases)
    answer(col, ids["cloze"], [3, 3])
    answer(col, ids["typed"], [1, 3])
    col.sched.set_due_date([ids["code"]], "0")  # a manual row: not an answer
    col.sched.schedule_cards_as_new([ids["typed"]])  # "Forget": a reset to new
    answer(col, ids["typed"], [3])
    col.sched.suspend_cards([ids["suspended"]])
    rows = col.db.all("SELECT id, cid FROM revlog ORDER BY id")
    for index, (old, _cid) in enumerate(rows):  # the same answers, spread over the weeks before
        new = int(FIRST_ANSWER.timestamp() * 1000) + index * 2 * DAY_MS
        col.db.execute("UPDATE revlog SET id = ? WHERE id = ?", new, old)
    log = {
        int(cid): [(int(i), int(ease), int(kind)) for i, ease, kind in rows_of]
        for cid in ids.values()
        if (
            rows_of := col.db.all(
                "SELECT id, ease, type FROM revlog WHERE cid = ? ORDER BY id", cid
            )
        )
    }
    options = anki_collection.ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=True
    )
    col.export_anki_package(out_path=str(folder / "legacy.apkg"), options=options, limit=None)
    options.legacy = False
    col.export_anki_package(out_path=str(folder / "new.apkg"), options=options, limit=None)
    col.close()
    return {
        "anki2": folder / "collection.anki2",
        "apkg": folder / "legacy.apkg",
        "ids": ids,
        "log": log,
        "new": folder / "new.apkg",
    }


@pytest.fixture(scope="module")
def anki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build(tmp_path_factory.mktemp("anki") / "collection")


@pytest.mark.parametrize("kind", ["anki2", "apkg"])
def test_an_anki_collection_comes_over_with_its_history(
    anki: dict[str, Any],
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW)
    db_path = tmp_path / "tutor.db"
    out = tmp_path / "from-anki"
    code, text, err = run(
        capsys, "--db", str(db_path), "import-anki", str(anki[kind]), "--out", str(out), "--json"
    )
    assert code == 0, err
    report = json.loads(text)
    ids, log = anki["ids"], anki["log"]

    assert {d["name"]: d["cards"] for d in report["decks"]} == {
        "Code": 2,
        "Languages::French": 4,
    }
    assert sorted(p.name for p in out.iterdir()) == ["Code.md", "Languages--French.md"]
    assert report["skipped_cards"] == {"cloze (note type 'Cloze')": 1}
    assert report["media"] == ["bonjour.mp3", "hello.png"]
    assert report["suspended_in_anki"] == 1
    skipped = report["skipped_reviews"]
    assert skipped["manual or rescheduling entries (not answers)"] == 2  # set due, forget
    assert skipped["answers before the card was reset to new in Anki"] == 2
    assert skipped["entries of cards that did not come over"] == len(log[ids["cloze"]])

    french = parse_file(out / "Languages--French.md")
    assert french.name == "Languages::French"
    cards = {c.slug: c for c in french.cards}
    bonjour = cards[f"anki-{ids['bonjour']}"]
    assert (bonjour.question, bonjour.kind) == ("bonjour **café** ✓", "recall")
    assert bonjour.answer == "hello\n\nworld (image: hello.png) (sound: bonjour.mp3)"
    assert (cards[f"anki-{ids['chat']}"].question, cards[f"anki-{ids['chat']}"].answer) == (
        "chat",
        "cat",
    )
    assert (cards[f"anki-{ids['cat']}"].question, cards[f"anki-{ids['cat']}"].answer) == (
        "cat",
        "chat",
    )
    assert cards[f"anki-{ids['typed']}"].answer == "one"
    [code_card, _] = parse_file(out / "Code.md").cards
    assert code_card.question == "What does `len([])` return?"
    assert code_card.answer == (
        "```\n>>> len([])\n0\n```\n\n\\## not a heading\n\n\\- \\[x\\] not an option"
    )

    db = open_database(f"sqlite:///{db_path}")
    settings = load_settings()
    try:
        with db.read() as conn:
            deck_settings = {d.id: d for d in decks(conn)}
            answered = 0
            for front, anki_id in ids.items():
                if front == "cloze":
                    continue
                slug = f"anki-{anki_id}"
                stored = _card_by_slug(conn, slug)
                history = card_log(conn, stored.id)
                eases = [ease for _, ease, kind in log.get(anki_id, []) if ease > 0]
                if front == "typed":
                    eases = eases[-1:]  # after "Forget", only the answer given since
                assert [rating for _, rating in history] == eases, front
                answered += len(history)
                info = deck_settings[stored.deck_id]
                spec = SchedulerSpec.for_deck(
                    settings.for_deck(info.name, info.settings), info.parameters
                )
                replayed = rebuild(
                    replace(spec, fuzz=False), stored.id, [(t, Grade(r)) for t, r in history]
                )
                state = card_state(conn, stored.id)
                assert (state.stability, state.difficulty, state.reps, state.lapses) == (
                    replayed.stability,
                    replayed.difficulty,
                    replayed.reps,
                    replayed.lapses,
                ), front
                assert stored.suspended == (front == "suspended")
            assert answered == report["reviews"] == 5 + 4 + 3 + 2 + 1
    finally:
        db.close()
    code, text, err = run(capsys, "--db", str(db_path), "check")
    assert code == 0, text + err
    assert "verdict: clean" in text


def _card_by_slug(conn: Any, slug: str) -> Any:
    from tutor.store.card_ids import cards_by_slug

    card_id, _deck = cards_by_slug(conn, [slug])[slug]
    card = load_card(conn, card_id)
    assert card is not None
    return card


def test_a_second_import_into_the_same_folder_changes_nothing(
    anki: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW)
    db = str(tmp_path / "tutor.db")
    out = tmp_path / "from-anki"
    assert run(capsys, "--db", db, "import-anki", str(anki["apkg"]), "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    first = run(capsys, "--db", db, "export")[1]

    code, _, err = run(capsys, "--db", db, "import-anki", str(anki["anki2"]), "--out", str(out))

    assert code == 2
    assert err.startswith(f"tutor: {out / 'Code.md'} exists (and 1 more)")
    assert "Nothing was changed" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert run(capsys, "--db", db, "export")[1] == first


def test_the_same_collection_into_another_folder_is_refused_whole(
    anki: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TUTOR_NOW", NOW)
    db = str(tmp_path / "tutor.db")
    assert (
        run(capsys, "--db", db, "import-anki", str(anki["apkg"]), "--out", str(tmp_path / "a"))[0]
        == 0
    )
    first = run(capsys, "--db", db, "export")[1]

    code, _, err = run(
        capsys, "--db", db, "import-anki", str(anki["apkg"]), "--out", str(tmp_path / "b")
    )

    assert code == 1
    assert "is already in this collection (already imported from" in err  # not its history twice
    assert "Nothing was changed" in err
    assert not (tmp_path / "b").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tutor-anki")] == []
    assert run(capsys, "--db", db, "export")[1] == first


def test_a_package_in_the_newest_format_is_refused_with_what_to_do(
    anki: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "tutor.db"
    code, _, err = run(
        capsys, "--db", str(db), "import-anki", str(anki["new"]), "--out", str(tmp_path / "out")
    )
    assert code == 2
    assert "collection.anki21b" in err and '"Support older Anki versions"' in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
