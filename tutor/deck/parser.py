"""Markdown deck text -> Deck, reporting every problem as `path:line: message`.

A careful line-based parser (see docs/deck-format.md): it tracks code fences so that
`## ` or `- [x]` inside a code block stay text, and it never interprets card text.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.deck.limits import MAX_OPTIONS
from tutor.deck.models import SLUG, Card, Deck, Option, short
from tutor.errors import DeckError, Problem

if TYPE_CHECKING:
    from tutor.deck.plain_deck import Head
    from tutor.deck.rows import CardRow

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
OPTION = re.compile(r" {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
PLAIN_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
COMMENT_OPEN = re.compile(r"^ {0,3}<!--")
TAGS_LINE = re.compile(
    r"^Tags:(.*)$"
)  # a card's own tags: the first line under the heading (and id)
TAG = re.compile(r"^[^\s,\[\]]+$")
ID_COMMENT = re.compile(r"^\s*<!--\s*id\s*:\s*(.*?)\s*-->\s*$", re.IGNORECASE)
REASONING_SEPARATOR = re.compile(r" (?:—|--) ")
EXPLANATION_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?explanation(?::(?:\*\*|__)|(?:\*\*|__)?:)\s*", re.IGNORECASE
)
FRONT_MATTER_KEYS = ("title", "tags", "shuffle", "desired_retention", "converted_from")
RETENTION_RANGE = (0.70, 0.99)
MARKED_LINE = re.compile(r"\n[^\S\n]*[#`~]")  # searched in "\n" + text: a literal to look for
FRONT_MATTER_LINE = re.compile(r"^([^\s:#][^:]*):(?:[ \t]+(.*?))?[ \t]*$")
FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
# The quick path reads a plain card in place in the text, from the "\n" that ends its heading:
# the first line that is not blank (an id comment?), then the rest matched whole: prose lines (no
# list item, fence, comment or indentation starts them), one run of options, and after a blank
# line more prose. A card of any other shape does not match and takes the careful path.
FIRST_VISIBLE_LINE = re.compile(r"(?:[^\S\n]*\n)*([^\n]*)")
_PROSE_LINES = r"(?:\n(?![-*+][ \t]|[`~<]|[^\S\n]+\S)[^\n]*)*"
PLAIN_CARD = re.compile(
    rf"(?P<body>{_PROSE_LINES})"
    r"(?:(?P<options>(?:\n[-*+][ \t]+\[[ xX]\](?:[ \t]+[^\n]*)?(?=\n|\Z))+)"
    rf"(?:\n(?=\n|\Z)(?P<explanation>{_PROSE_LINES}))?)?"
)
OPTION_PARTS = re.compile(r"\n[-*+][ \t]+\[([ xX])\](?:[ \t]+([^\n]*))?")  # OPTION's groups


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    fenced: bool  # inside (or opening/closing) a code fence
    option: re.Match[str] | None = None  # a task-list item outside code fences


@dataclass(slots=True)
class _RawCard:
    line: int
    question: str
    start: int  # the card's lines: self.lines[start:end], after its heading
    begin: int  # the same lines as text: self.text[begin:finish]
    end: int = 0
    finish: int = 0


def parse_file(path: str | Path) -> Deck:
    """Read and parse one deck file; raise DeckError listing every problem in it."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise DeckError.single(file, 0, "no such file") from None
    except OSError as exc:
        raise DeckError.single(file, 0, f"cannot read the file: {exc.strerror}") from None
    return parse_bytes(data, file)


def parse_bytes(data: bytes, path: str | Path) -> Deck:
    """Parse a deck from the bytes of a file (UTF-8, with or without BOM, any line ends)."""
    return parse_text(decode(data, path), path, source_hash=hashlib.sha256(data).hexdigest())


def decode(data: bytes, path: str | Path) -> str:
    """The text of a deck file's bytes; DeckError naming the line of a byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DeckError.single(
            path,
            line,
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
            "save the file as UTF-8",
        ) from None


def parse_text(text: str, path: str | Path, source_hash: str | None = None) -> Deck:
    """Parse deck text; `path` names the file in errors and gives the fallback deck name."""
    if source_hash is None:
        source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _Parser(text, str(path)).parse(source_hash)


def parse_plain_rows(
    text: str, path: str | Path, source_hash: str, control_free: bool = False
) -> tuple[Deck, list[CardRow] | None]:
    """`parse_text` for a new deck: when every card is plain (`tutor.deck.plain_deck`), the
    deck without `Card`s and each card as the card insert's row; any other deck with its cards
    and None. `control_free`: the text holds no control character but line ends."""
    return _Parser(text, str(path)).parse_rows(source_hash, control_free)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        text = text.removeprefix("\ufeff")
        if "\r" in text:  # a search of the text costs far less than two copies of it
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.path = path
        self.problems: list[Problem] = []

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines, split only when a card needs the careful path."""
        return self.text.split("\n")

    def _line_start(self, index: int) -> int:
        """The offset in the text of line `index` (0-based), read from the start of the text:
        for the front matter, a few lines long."""
        offset = 0
        for _ in range(index):
            offset = self.text.find("\n", offset) + 1
            if offset == 0:
                return len(self.text) + 1
        return offset

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def parse(self, source_hash: str) -> Deck:
        settings, body_start = self._front_matter()
        return self._parse_cards(settings, body_start, source_hash, self._plain_deck(body_start))

    def parse_rows(self, source_hash: str, control_free: bool) -> tuple[Deck, list[CardRow] | None]:
        """`parse_plain_rows`: the fast path's rows, else the deck read as `parse` reads it."""
        settings, body_start = self._front_matter()
        plain = None
        if not self.problems:
            from tutor.deck.plain_deck import read_plain_rows

            plain = read_plain_rows(self.text, self._line_start(body_start), control_free)
        if plain is None:  # not plain: the careful path (the fast one failed already)
            return self._parse_cards(settings, body_start, source_hash, None), None
        (title, description), rows = plain
        name = self._deck_name(settings, title)
        if self.problems:
            raise DeckError(sorted(self.problems, key=lambda p: p.line))
        return self._deck(name, settings, description, source_hash, ()), rows

    def _parse_cards(
        self,
        settings: dict[str, Any],
        body_start: int,
        source_hash: str,
        plain: tuple[Head, list[Card]] | None,
    ) -> Deck:
        """The deck after its front matter: from the fast path's `plain`, else card by card."""
        if plain is not None:
            (title, description), cards = plain
        else:
            title, description, raw_cards = self._split(body_start)
            cards = [c for c in (self._card(raw) for raw in raw_cards) if c is not None]
            self._check_unique(cards)
        name = self._deck_name(settings, title)
        if self.problems:
            raise DeckError(sorted(self.problems, key=lambda p: p.line))
        return self._deck(name, settings, description, source_hash, tuple(cards))

    def _deck(
        self,
        name: str,
        settings: dict[str, Any],
        description: str,
        source_hash: str,
        cards: tuple[Card, ...],
    ) -> Deck:
        return Deck(
            name=name,
            path=self.path,
            source_hash=source_hash,
            description=description,
            tags=tuple(settings.get("tags", ())),
            shuffle=settings.get("shuffle"),
            desired_retention=settings.get("desired_retention"),
            cards=cards,
            converted_from=settings.get("converted_from"),
        )

    def _plain_deck(self, body_start: int) -> tuple[Head, list[Card]] | None:
        """The whole deck from the fast path (`tutor.deck.plain_deck`) when every card in it is
        plain and the file has no problem so far; None: the cards are read one by one here."""
        if self.problems:
            return None
        from tutor.deck.plain_deck import read_plain_deck  # it reads this module's patterns

        return read_plain_deck(self.text, self._line_start(body_start))

    # --- front matter -------------------------------------------------------------------

    def _front_matter(self) -> tuple[dict[str, Any], int]:
        """The settings and the index of the first line after the front matter."""
        first_end = self.text.find("\n")
        if self.text[: first_end if first_end >= 0 else None].rstrip() != "---":
            return {}, 0
        closing = FRONT_MATTER_END.search(self.text, first_end + 1) if first_end >= 0 else None
        if closing is None:
            self.error(1, "front matter starts with --- but has no closing --- line")
            return {}, self.text.count("\n") + 1
        end = self.text.count("\n", 0, closing.start())
        source = self.text[first_end + 1 : max(closing.start() - 1, first_end + 1)]
        return self._settings(source, first_line=2), end + 1

    def _settings(self, source: str, first_line: int) -> dict[str, Any]:
        import yaml

        lines = source.split("\n")
        for number, text in enumerate(lines):
            if not text.strip() or text.lstrip().startswith("#") or text[:1] in " \t-":
                continue
            match = FRONT_MATTER_LINE.match(text)
            if match is None:
                self.error(
                    first_line + number,
                    f"front matter line {text.strip()[:40]!r} is not `key: value`; "
                    "put a colon and a space after the key",
                )
                return {}
            value = match.group(2) or ""
            if ":" in value and value[:1] not in "\"'[{":  # `title: Web::` is text, not a mapping
                lines[number] = f"{match.group(1)}: {json.dumps(value)}"
        source = "\n".join(lines)
        try:
            node = yaml.compose(source, Loader=yaml.SafeLoader)
            values = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first_line + (mark.line if mark is not None else 0)
            problem = getattr(exc, "problem", None) or "not valid YAML"
            self.error(line, f"front matter: {problem}; write it as `key: value` lines")
            return {}
        if values is None:
            return {}
        if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
            self.error(first_line, "front matter must be `key: value` lines")
            return {}
        key_lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
        settings: dict[str, Any] = {}
        for key, value in values.items():
            line = key_lines.get(str(key), first_line)
            checked = self._setting(str(key), value, line)
            if checked is not None:
                settings[str(key)] = checked
        return settings

    def _setting(self, key: str, value: Any, line: int) -> Any:
        if key not in FRONT_MATTER_KEYS:
            self.error(
                line,
                f"unknown front matter key {key!r}; allowed keys: {', '.join(FRONT_MATTER_KEYS)}",
            )
            return None
        if key == "title":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.error(line, "title must be text (put it in quotes)")
                return None
            if not str(value).strip():
                self.error(line, "title is empty")
                return None
            return str(value).strip()
        if key == "tags":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(
                isinstance(t, str | int | float) and not isinstance(t, bool) for t in value
            ):
                self.error(
                    line, "tags must be a list of words, like `tags: [edge-ai, compression]`"
                )
                return None
            return [str(t) for t in value]
        if key == "converted_from":
            if not isinstance(value, str) or not value.strip():
                self.error(line, "converted_from must be a quiz text's path (put it in quotes)")
                return None
            return value
        if key == "shuffle":
            if not isinstance(value, bool):
                self.error(line, "shuffle must be true or false")
                return None
            return value
        low, high = RETENTION_RANGE
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (low <= value <= high)
        ):
            self.error(line, f"desired_retention must be a number from {low:.2f} to {high:.2f}")
            return None
        return float(value)

    # --- structure ----------------------------------------------------------------------

    def _split(self, start: int) -> tuple[tuple[int, str] | None, str, list[_RawCard]]:
        """Split the body into the `# ` title, the description and the raw cards.

        Only lines that start (after white space) with `#`, a backtick or `~` can open or close a
        fence or be a heading: they are found with one regular-expression scan of the text and
        the others are never looked at one by one.
        """
        title: tuple[int, str] | None = None
        title_span: tuple[int, int] | None = None  # the title line's offsets in the text
        cards: list[_RawCard] = []
        first_heading = len(self.text) + 1
        fence: str | None = None
        for index, offset in self._marked_lines(start):
            end = self.text.find("\n", offset)
            end = len(self.text) if end < 0 else end
            text = self.text[offset:end]
            first = text.lstrip()[:1]
            if fence is None:
                opening = FENCE_OPEN.match(text) if first in ("`", "~") else None
                if opening:
                    fence = opening.group(1)
                elif first == "#":
                    plain = text.startswith("## ") and text[-1] not in " \t#"  # HEADING's reading
                    heading = None if plain else HEADING.match(text)
                    if plain or (heading and len(heading.group(1)) == 2):
                        if cards:
                            cards[-1].end, cards[-1].finish = index, offset - 1
                        else:
                            first_heading = offset
                        question = text[3:] if heading is None else heading.group(2) or ""
                        cards.append(_RawCard(index + 1, question.strip(), index + 1, end + 1))
                    elif heading and len(heading.group(1)) == 1 and not cards and title is None:
                        title = (index + 1, (heading.group(2) or "").strip())
                        title_span = (offset, end)
            elif first == fence[0] and _closes(text, fence):
                fence = None
        if cards:
            cards[-1].end, cards[-1].finish = self.text.count("\n") + 1, len(self.text)
        begin = self._line_start(start)
        stop = max(first_heading - 1, begin)
        if title_span is None:
            described = self.text[begin:stop]
        else:  # the description's lines without the title's
            described = self.text[begin : title_span[0]] + self.text[title_span[1] + 1 : stop]
        return title, described.strip("\n").strip(), cards

    def _marked_lines(self, start: int) -> Iterator[tuple[int, int]]:
        """The indexes (from `start`) and offsets of the lines whose first visible character is
        `#`, a backtick or `~`."""
        text = "\n" + self.text
        offset = 0
        index = -1
        for match in MARKED_LINE.finditer(text):
            index += text.count("\n", offset, match.start() + 1)
            offset = match.start() + 1
            if index >= start:
                yield index, match.start()

    def _card_lines(self, raw: _RawCard) -> list[_Line]:
        """A card's lines, each knowing whether it is inside a code fence and whether it is an
        option (a task-list item outside fences); a card starts outside any fence."""
        lines: list[_Line] = []
        fence: str | None = None
        for number, text in enumerate(self.lines[raw.start : raw.end], raw.start + 1):
            fenced = fence is not None
            first = text.lstrip()[:1]
            if fence is None:
                opening = FENCE_OPEN.match(text) if first in ("`", "~") else None
                if opening:
                    fence, fenced = opening.group(1), True
            elif first == fence[0] and _closes(text, fence):
                fence = None
            option = OPTION.match(text) if not fenced and first in ("-", "*", "+") else None
            lines.append(_Line(number, text, fenced, option))
        return lines

    def _deck_name(self, settings: dict[str, Any], title: tuple[int, str] | None) -> str:
        line = 1
        if settings.get("title"):
            name = settings["title"]
        elif title is not None and title[1]:
            line, name = title
        else:
            name = Path(self.path).stem
        parts = [p.strip() for p in str(name).split("::")]
        if any(not p for p in parts):
            self.error(line, f"deck name {name!r} has an empty part around '::'")
        return "::".join(parts)

    # --- cards --------------------------------------------------------------------------

    def _card(self, raw: _RawCard) -> Card | None:
        simple = self._simple_card(raw)
        if simple is not None:
            return simple
        label = f'card "{short(raw.question)}"'
        if not raw.question:
            self.error(raw.line, "card heading is empty; write the question after '## '")
            return None
        lines = self._card_lines(raw)
        slug = self._slug(lines, raw.line)
        for ln in lines:
            if "<!--" in ln.text and _is_id_comment(ln):
                self.error(
                    ln.number, f"{label}: the id comment must be the line right under the heading"
                )
        lines = _without_comments(lines)
        tags = self._tags(lines, label)
        first_option = next((i for i, ln in enumerate(lines) if ln.option), None)
        if first_option is None:
            answer = _block(lines)
            if not answer:
                self.error(
                    raw.line,
                    f"{label} has no options and no answer; add a task list "
                    "(- [x] right, - [ ] wrong) or write the answer under the heading",
                )
                return None
            return Card(raw.question, slug=slug, answer=answer, line=raw.line, tags=tags)
        options, rest = self._options(lines[first_option:], label)
        for ln in rest:
            if ln.option:
                self.error(
                    ln.number,
                    f"{label} has a second task list; put all options in one list, "
                    "before the explanation",
                )
                break
        if len(options) > MAX_OPTIONS:
            self.error(
                raw.line,
                f"{label} has {len(options)} options; at most {MAX_OPTIONS} can be answered "
                "with the keys 1-9: split the card or drop options",
            )
        if options and not any(o.correct for o in options):
            self.error(raw.line, f"{label} has options but none is marked [x]")
        elif options and all(o.correct for o in options):
            self.error(raw.line, f"{label} has no wrong option; mark at least one option [ ]")
        return Card(
            raw.question,
            body=_block(lines[:first_option]),
            slug=slug,
            options=tuple(options),
            explanation=EXPLANATION_LABEL.sub("", _block(rest), count=1).strip(),
            line=raw.line,
            tags=tags,
        )

    def _simple_card(self, raw: _RawCard) -> Card | None:
        """The card when it has the common, plain shape; None sends it to the careful path.

        Plain: a question, maybe an id line right under it, an optional body, one run of
        one-line options (all valid, at least one right and one wrong) and an explanation, or an
        answer; no indented line, code fence, other list or comment. Whatever this accepts, the
        careful path reads the same way; everything else (every error included) goes there.
        It reads the card's text in place: one scan finds the lines that are not prose, and
        only those are looked at one by one.
        """
        text, start, end = self.text, raw.begin - 1, raw.finish  # from the "\n" ending the heading
        if not raw.question or text.find("\nTags:", start, end) >= 0:
            return None  # a card's own tags: the careful path reads them
        slug = None
        first = FIRST_VISIBLE_LINE.match(text, start + 1, end)
        if first is not None and "<!--" in first.group(1):
            match = ID_COMMENT.match(first.group(1))
            if match is None or not SLUG.match(match.group(1)):
                return None
            slug, start = match.group(1), first.end()
        card = PLAIN_CARD.fullmatch(text, start, end)
        if card is None:
            return None
        if card.start("options") < 0:
            answer = text[start:end].strip()
            return Card(raw.question, slug=slug, answer=answer, line=raw.line) if answer else None
        options = []
        for mark, rest in OPTION_PARTS.findall(text, *card.span("options")):
            parts = REASONING_SEPARATOR.split(rest.strip(), 1)
            option_text = parts[0].strip()
            if not option_text:
                return None
            options.append(Option(option_text, mark != " ", parts[1].strip() if parts[1:] else ""))
        right = sum(option.correct for option in options)
        if len(options) > MAX_OPTIONS or right in (0, len(options)):
            return None  # too many options, none right or none wrong
        texts = [option.text for option in options]
        if len(set(map(" ".join, map(str.split, map(str.casefold, texts))))) < len(texts):
            return None  # an option twice (case and white space folded)
        explanation = (card.group("explanation") or "").strip()
        if explanation[:1] in ("e", "E", "*", "_"):
            explanation = EXPLANATION_LABEL.sub("", explanation, count=1).strip()
        body = card.group("body").strip()
        return Card(raw.question, body, slug, tuple(options), explanation, "", raw.line)

    def _tags(self, lines: list[_Line], label: str) -> tuple[str, ...]:
        """Take a `Tags: a, b` line standing first under the heading (and id), if there is one."""
        first = next((i for i, ln in enumerate(lines) if ln.text.strip()), None)
        if first is None or lines[first].fenced:
            return ()
        match = TAGS_LINE.match(lines[first].text)
        if match is None:
            return ()
        number = lines[first].number
        del lines[: first + 1]
        tags = [t for t in re.split(r"[,\s]+", match.group(1).strip()) if t]
        bad = [t for t in tags if not TAG.match(t)]
        if not tags or bad:
            self.error(
                number,
                f"{label}: write its tags as words separated by commas, like "
                "`Tags: pruning, edge-ai`",
            )
            return ()
        return tuple(dict.fromkeys(tags))

    def _slug(self, lines: list[_Line], heading_line: int) -> str | None:
        """Take the `<!-- id: ... -->` line right under the heading, if there is one."""
        for index, ln in enumerate(lines):
            if not ln.text.strip():
                continue
            match = _is_id_comment(ln)
            if match is None:
                return None
            del lines[: index + 1]
            slug = match.group(1)
            if not SLUG.match(slug):
                self.error(
                    ln.number,
                    f"id {slug!r} is not valid; use letters, digits and - _ . : / "
                    "(like `<!-- id: pruning-basics -->`)",
                )
                return None
            return slug
        return None

    def _options(self, lines: list[_Line], label: str) -> tuple[list[Option], list[_Line]]:
        """Read the task list at the start of `lines`; return the options and what follows."""
        options: list[Option] = []
        items: list[tuple[_Line, bool, str, list[str]]] = []
        index, count = 0, len(lines)
        while index < count:
            ln = lines[index]
            match = ln.option
            if match:
                items.append((ln, match.group(1) != " ", (match.group(2) or "").strip(), []))
            elif not ln.text.strip():
                following = None
                for later in lines[index + 1 :]:
                    if later.text.strip():
                        following = later
                        break
                if following is None or not (following.option or _indented(following.text)):
                    break
                items[-1][3].append("")
            elif _indented(ln.text) or ln.fenced:
                items[-1][3].append(ln.text)
            elif PLAIN_ITEM.match(ln.text):
                self.error(
                    ln.number,
                    f"{label}: list item among the options has no checkbox; "
                    "write `- [ ]` for a wrong option or `- [x]` for a right one",
                )
            else:
                break
            index += 1
        seen: dict[str, int] = {}
        for ln, correct, text, extra in items:
            option_text, inline = _split_reasoning(text)
            if not option_text:
                self.error(ln.number, f"{label} has an option with no text")
            folded = " ".join(option_text.casefold().split())
            if folded in seen:
                self.error(
                    ln.number,
                    f"{label} lists the option {short(option_text)!r} twice "
                    f"(also line {seen[folded]})",
                )
            seen.setdefault(folded, ln.number)
            paragraph = textwrap.dedent("\n".join(extra)).strip() if extra else ""
            reasoning = f"{inline}\n\n{paragraph}" if inline and paragraph else inline or paragraph
            options.append(Option(option_text, correct, reasoning))
        return options, lines[index:]

    def _check_unique(self, cards: list[Card]) -> None:
        slugs: dict[str, int] = {}
        keys: dict[str, int] = {}
        for card in cards:
            if card.slug is not None:
                if card.slug in slugs:
                    self.error(
                        card.line,
                        f"id {card.slug!r} is used twice (also line {slugs[card.slug]}); "
                        "ids must be unique",
                    )
                slugs.setdefault(card.slug, card.line)
            if card.key in keys and card.slug is None:
                self.error(
                    card.line,
                    f'card "{short(card.question)}" repeats the question of line '
                    f"{keys[card.key]}; reword one or give each an `<!-- id: ... -->`",
                )
            keys.setdefault(card.key, card.line)


def _closes(text: str, fence: str) -> bool:
    stripped = text.strip()
    return (
        len(text) - len(text.lstrip(" ")) <= 3
        and stripped == fence[0] * len(stripped)
        and (len(stripped) >= len(fence))
    )


def _is_option(line: _Line) -> re.Match[str] | None:
    return line.option


def _is_id_comment(line: _Line) -> re.Match[str] | None:
    if line.fenced or "<!--" not in line.text:
        return None
    return ID_COMMENT.match(line.text)


def _without_comments(lines: list[_Line]) -> list[_Line]:
    """Drop HTML comments that stand on lines of their own: notes for the author, not card text."""
    if not any("<!--" in ln.text for ln in lines):
        return lines
    kept: list[_Line] = []
    index = 0
    while index < len(lines):
        ln = lines[index]
        if not ln.fenced and COMMENT_OPEN.match(ln.text):
            start = ln.text.index("<!--") + 4
            end = next(
                (
                    k
                    for k in range(index, len(lines))
                    if "-->" in (lines[k].text[start:] if k == index else lines[k].text)
                ),
                None,
            )
            if end is not None and lines[end].text.rstrip().endswith("-->"):
                index = end + 1
                continue
        kept.append(ln)
        index += 1
    return kept


def _indented(text: str) -> bool:
    return text.startswith(("  ", "\t"))


def _split_reasoning(text: str) -> tuple[str, str]:
    parts = REASONING_SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 1:
        return text.strip(), ""
    return parts[0].strip(), parts[1].strip()


def _block(lines: list[_Line]) -> str:
    return "\n".join(ln.text for ln in lines).strip("\n").strip()
