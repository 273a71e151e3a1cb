"""One small test per rule and per error of the deck format (docs/deck-format.md)."""

from __future__ import annotations

import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.deck.models import normalize_question
from tutor.deck.parser import parse_bytes, parse_text
from tutor.errors import DeckError


def parse(text: str, path: str = "deck.md"):  # type: ignore[no-untyped-def]
    return parse_text(textwrap.dedent(text).lstrip("\n"), path)


def errors(text: str, path: str = "deck.md") -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse(text, path)
    return [str(p) for p in caught.value.problems]


CHOICE = """
## Q?

- [x] right
- [ ] wrong
"""

# --- rule 1: one file, one deck; its name -----------------------------------------------------


def test_name_from_front_matter_title_wins_over_heading() -> None:
    deck = parse("---\ntitle: From front matter\n---\n# From heading\n" + CHOICE)
    assert deck.name == "From front matter"


def test_name_from_first_level_one_heading() -> None:
    assert parse("# My deck\n" + CHOICE).name == "My deck"


def test_name_from_file_name_without_extension() -> None:
    assert parse(CHOICE, path="/x/edge-ai.md").name == "edge-ai"


def test_double_colon_nests_and_is_trimmed() -> None:
    assert parse("# Languages :: French\n" + CHOICE).name == "Languages::French"


def test_empty_part_around_double_colon_is_an_error() -> None:
    assert errors("# Languages::\n" + CHOICE) == [
        "deck.md:1: deck name 'Languages::' has an empty part around '::'"
    ]


def test_description_is_text_before_the_first_card() -> None:
    deck = parse("# Deck\n\nSome *intro* text.\n" + CHOICE)
    assert deck.description == "Some *intro* text."


# --- rule 2: front matter --------------------------------------------------------------------


def test_front_matter_settings() -> None:
    deck = parse("---\ntags: [a, b]\nshuffle: false\ndesired_retention: 0.85\n---\n" + CHOICE)
    assert (deck.tags, deck.shuffle, deck.desired_retention) == (("a", "b"), False, 0.85)


def test_shuffle_unset_leaves_the_default_to_the_settings() -> None:
    assert parse(CHOICE).shuffle is None


def test_unknown_front_matter_key_names_the_key_and_line() -> None:
    [problem] = errors("---\ntitle: T\nshufle: false\n---\n" + CHOICE)
    assert problem.startswith("deck.md:3: unknown front matter key 'shufle'")


@pytest.mark.parametrize("value", ["0.5", "1.2", "high", "true"])
def test_desired_retention_out_of_range(value: str) -> None:
    [problem] = errors(f"---\ndesired_retention: {value}\n---\n" + CHOICE)
    assert problem == "deck.md:2: desired_retention must be a number from 0.70 to 0.99"


def test_shuffle_must_be_boolean() -> None:
    assert errors("---\nshuffle: sometimes\n---\n" + CHOICE) == [
        "deck.md:2: shuffle must be true or false"
    ]


def test_unclosed_front_matter() -> None:
    [problem] = errors("---\ntitle: T\n" + CHOICE)
    assert problem.startswith("deck.md:1: front matter starts with --- but has no closing")


def test_invalid_yaml_reports_its_line() -> None:
    [problem] = errors("---\ntitle: T\ntags: [a, b\n---\n" + CHOICE)
    assert problem.startswith("deck.md:3: front matter:")


# --- rule 3: cards start at ## headings --------------------------------------------------------


def test_each_level_two_heading_starts_a_card_with_its_line() -> None:
    deck = parse("# D\n" + CHOICE + CHOICE.replace("Q?", "Other?"))
    assert [(c.question, c.line) for c in deck.cards] == [("Q?", 3), ("Other?", 8)]


def test_text_between_heading_and_options_is_part_of_the_question() -> None:
    deck = parse("""
        ## What does this print?

        ```python
        print(1 + 1)
        ```

        - [x] 2
        - [ ] 11
    """)
    assert deck.cards[0].body == "```python\nprint(1 + 1)\n```"


def test_headings_and_task_items_inside_code_fences_stay_text() -> None:
    deck = parse("""
        ## Which line is a comment?

        ~~~
        ## not a card
        - [x] not an option
        ~~~

        - [x] the first
        - [ ] none
    """)
    card = deck.cards[0]
    assert len(deck.cards) == 1
    assert "## not a card" in card.body
    assert [o.text for o in card.options] == ["the first", "none"]


def test_level_three_heading_inside_a_card_is_content() -> None:
    deck = parse(CHOICE + "\n### Details\n\nMore.\n")
    assert len(deck.cards) == 1
    assert deck.cards[0].explanation == "### Details\n\nMore."


def test_closing_hashes_of_a_heading_are_dropped_but_not_csharp() -> None:
    deck = parse(CHOICE.replace("## Q?", "## Is C# typed? ##"))
    assert deck.cards[0].question == "Is C# typed?"


# --- rule 4: options are a task list -----------------------------------------------------------


def test_options_with_correct_flags() -> None:
    card = parse(CHOICE).cards[0]
    assert [(o.text, o.correct) for o in card.options] == [("right", True), ("wrong", False)]
    assert card.kind == "choice"
    assert not card.select_all


def test_several_x_make_a_select_all_card_and_uppercase_x_counts() -> None:
    card = parse("## Pick all\n\n- [x] a\n- [X] b\n- [ ] c\n").cards[0]
    assert card.select_all
    assert [o.correct for o in card.options] == [True, True, False]


def test_options_but_none_marked_correct() -> None:
    assert errors("## Which technique removes weights?\n\n- [ ] a\n- [ ] b\n") == [
        'deck.md:1: card "Which technique removes weights?" has options but none is marked [x]'
    ]


def test_options_but_no_wrong_one() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- [x] b\n")
    assert problem.startswith('deck.md:1: card "Q" has no wrong option')


def test_option_without_text() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- [ ]\n")
    assert problem == 'deck.md:4: card "Q" has an option with no text'


def test_same_option_twice() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- [ ] B\n- [ ] b\n")
    assert problem.startswith("deck.md:5:") and "twice (also line 4)" in problem


def test_plain_list_item_among_options() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- b\n- [ ] c\n")
    assert problem.startswith("deck.md:4:") and "has no checkbox" in problem


def test_second_task_list_after_the_explanation() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- [ ] b\n\nText.\n\n- [ ] c\n")
    assert problem.startswith("deck.md:8:") and "second task list" in problem


def test_long_question_is_shortened_in_messages() -> None:
    [problem] = errors("## " + "word " * 20 + "\n\n- [ ] a\n- [ ] b\n")
    assert '"word word word word word word word word…"' in problem


# --- rule 5: distractor reasoning --------------------------------------------------------------


def test_reasoning_after_em_dash_or_double_hyphen() -> None:
    card = parse("## Q\n\n- [x] a — because\n- [ ] b -- not so\n- [ ] c-d\n").cards[0]
    assert [(o.text, o.reasoning) for o in card.options] == [
        ("a", "because"),
        ("b", "not so"),
        ("c-d", ""),
    ]


def test_reasoning_as_indented_paragraph_under_the_option() -> None:
    card = parse("""
        ## Q

        - [x] a
        - [ ] b

          Because b is *wrong*,
          on two lines.
        - [ ] c
    """).cards[0]
    assert card.options[1].reasoning == "Because b is *wrong*,\non two lines."
    assert card.options[2].text == "c"


def test_only_the_first_separator_splits() -> None:
    card = parse("## Q\n\n- [x] a — b — c\n- [ ] d\n").cards[0]
    assert (card.options[0].text, card.options[0].reasoning) == ("a", "b — c")


# --- rule 6: explanation ----------------------------------------------------------------------


def test_explanation_label_is_dropped_and_markdown_kept() -> None:
    card = parse(CHOICE + "\nExplanation: **Pruning** removes\n\n- weights\n").cards[0]
    assert card.explanation == "**Pruning** removes\n\n- weights"


def test_bold_explanation_label_is_dropped_too() -> None:
    card = parse(CHOICE + "\n**Explanation:** because.\n").cards[0]
    assert card.explanation == "because."


# --- rule 7: recall cards ---------------------------------------------------------------------


def test_card_without_task_list_is_a_recall_card() -> None:
    card = parse("## What does INT8 trade away?\n\nPrecision, for\nspeed.\n").cards[0]
    assert card.kind == "recall"
    assert card.answer == "Precision, for\nspeed."
    assert card.options == ()


def test_card_with_nothing_under_the_heading() -> None:
    [problem] = errors("## Lonely question\n\n")
    assert problem.startswith('deck.md:1: card "Lonely question" has no options and no answer')


def test_empty_heading() -> None:
    [problem] = errors("## \nanswer\n")
    assert problem.startswith("deck.md:1: card heading is empty")


# --- rule 8: identity -------------------------------------------------------------------------


def test_id_comment_right_under_the_heading() -> None:
    assert parse("## Q\n<!-- id: pruning-basics -->\n\n- [x] a\n- [ ] b\n").cards[0].slug == (
        "pruning-basics"
    )


def test_invalid_id() -> None:
    [problem] = errors("## Q\n<!-- id: has space -->\n\n- [x] a\n- [ ] b\n")
    assert problem.startswith("deck.md:2: id 'has space' is not valid")


def test_id_comment_elsewhere_is_an_error() -> None:
    [problem] = errors("## Q\n\n- [x] a\n- [ ] b\n\n<!-- id: late -->\n")
    assert problem.startswith("deck.md:6:") and "right under the heading" in problem


def test_normalized_question_folds_case_space_and_trailing_punctuation() -> None:
    assert normalize_question("  What IS   pruning?! ") == normalize_question("what is pruning")


def _split_and_joined(text: str) -> str:
    """The identity's definition, word by word (what `normalize_question` gives quicker)."""
    return " ".join(text.casefold().split()).rstrip(" \t?.!:;,…。？！")


def test_only_the_space_is_printable_white_space() -> None:
    """`normalize_question` skips the word split when the folded text is printable and holds no
    two spaces in a row: that rests on the space being the only printable white space."""
    printable_space = [
        code
        for code in range(sys.maxunicode + 1)
        if chr(code).isspace() and chr(code).isprintable()
    ]
    assert printable_space == [ord(" ")]


@settings(derandomize=True, max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=6),
            st.sampled_from([" ", "  ", "\t", "\n", "\xa0", "\u2003", "\x1f", "ß", "İ", "ﬁ", "?"]),
        ),
        max_size=8,
    ).map("".join)
)
def test_normalized_question_is_the_folded_words_joined(text: str) -> None:
    assert normalize_question(text) == _split_and_joined(text)


# --- rule 9: errors ---------------------------------------------------------------------------


def test_duplicate_ids() -> None:
    text = "## A\n<!-- id: x -->\n\nans\n\n## B\n<!-- id: x -->\n\nans\n"
    [problem] = errors(text)
    assert problem.startswith("deck.md:6: id 'x' is used twice (also line 1)")


def test_colliding_normalized_questions() -> None:
    [problem] = errors("## What is pruning?\n\nans\n\n## what is   PRUNING\n\nans\n")
    assert problem.startswith('deck.md:5: card "what is PRUNING" repeats the question of line 1')


def test_every_error_of_a_file_is_listed_in_line_order() -> None:
    problems = errors("---\nbogus: 1\n---\n## A\n\n- [ ] x\n- [ ] y\n\n## \n\n## B\n\n- [x] z\n")
    assert [p.split(":")[1] for p in problems] == ["2", "4", "9", "11"]


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(DeckError) as caught:
        parse_bytes(b"## Q\n\nok\n\n## R\n\nbad \xff byte\n", "deck.md")
    [problem] = caught.value.problems
    assert (problem.line, problem.message.split(" (")[0]) == (7, "invalid UTF-8")
    assert "save the file as UTF-8" in problem.message


def test_bom_and_crlf_are_handled() -> None:
    data = "\ufeff---\r\ntitle: T\r\n---\r\n## Q?\r\n\r\n- [x] a — yes\r\n- [ ] b\r\n".encode()
    deck = parse_bytes(data, "deck.md")
    assert deck.name == "T"
    assert deck.cards[0].options[0].reasoning == "yes"
    assert deck.cards[0].line == 4


def test_card_text_is_data_not_markup() -> None:
    card = parse("## Is [bold]x[/bold] bold?\n\n- [x] a[/]b — [red]no[/]\n- [ ] c\n").cards[0]
    assert card.question == "Is [bold]x[/bold] bold?"
    assert (card.options[0].text, card.options[0].reasoning) == ("a[/]b", "[red]no[/]")
