"""The answer's feedback: the verdict, the mistakes first, the explanation, the other options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tutor.tui.widgets.markdown_text import block, inline

if TYPE_CHECKING:
    from tutor.session import Presented, Verdict
    from tutor.state import OptionData

NO_REASONING = "(the deck gives no reasoning for this option)"


def _reasoning(source: str) -> Any:
    """An option's reasoning: one paragraph inline, anything longer as a Markdown block."""
    source = source.strip() or NO_REASONING
    return block(source) if "\n" in source else inline(source)


def _joined(parts: Sequence[Any]) -> Any:
    """Parts one after another: one Text when they are all text, else a Rich group."""
    if all(isinstance(part, Text) for part in parts):
        return Text("").join(parts)
    return Group(*parts)


def _why(option: OptionData, heading: str) -> list[Any]:
    """`heading “option” — why:` then the option's reasoning."""
    title = Text(f"{heading} “", style="bold")
    title.append_text(inline(option["text"], style="bold"))
    title.append(f"” — why it is {'right' if option['correct'] else 'wrong'}:\n", style="bold")
    return [title, _reasoning(option["reasoning"])]


def _other(option: OptionData) -> Any:
    """`✗ option — reasoning`: a distractor the learner did not pick."""
    line = Text("✗ ", style="bold")
    line.append_text(inline(option["text"], style="bold"))
    return _joined([line, Text(" — "), _reasoning(option["reasoning"])])


def verdict_line(presented: Presented, verdict: Verdict) -> str:
    """Right or wrong in words, and for a select-all card how far off the choice was."""
    if verdict.correct is None:
        return "Answer — how well did you recall it?"
    if verdict.correct:
        return "✓ Right"
    options = presented.card.options
    if not verdict.chosen:
        plural = "answers are" if presented.select_all else "answer is"
        return f"✗ Not answered — the right {plural} below"
    if not presented.select_all:
        return "✗ Wrong"
    wrong = sum(1 for i in verdict.chosen if not options[i]["correct"])
    missed = sum(1 for i, o in enumerate(options) if o["correct"] and i not in verdict.chosen)
    parts = [f"included {wrong} wrong option{'s' * (wrong > 1)}"] if wrong else []
    parts += [f"missed {missed} right one{'s' * (missed > 1)}"] if missed else []
    return "✗ Wrong — you " + " and ".join(parts)


class FeedbackPanel(Vertical):
    """What the learner reads after answering, in the order that teaches."""

    _options: list[OptionData] = []
    others: list[Any] = []  # the other options' reasonings as shown, in the order shown

    def compose(self) -> ComposeResult:
        yield Static(id="verdict")
        yield Static(id="picked-reasoning")
        yield Static(id="right-reasoning")
        yield Static(id="feedback-extra")  # room for one more line about this card
        yield Static("Explanation", id="explanation-label")
        yield Static(id="explanation")
        yield Static(id="others")  # every other option's reasoning, in one widget
        yield Static(id="question-again")  # the question's code or facts, folded up top

    def on_mount(self) -> None:
        self.query_one("#feedback-extra").display = False

    def show(self, presented: Presented, verdict: Verdict) -> None:
        card = presented.card
        self._options = card.options
        self.query_one("#feedback-extra").display = False  # until show_last_choice says more
        headline = self.query_one("#verdict", Static)
        headline.set_classes("-recall" if verdict.correct is None else "")
        if verdict.correct is not None:
            headline.add_class("-right" if verdict.correct else "-wrong")
        headline.update(Text(verdict_line(presented, verdict)))
        self._show_options(presented, verdict)
        label = "Answer" if verdict.correct is None else "Explanation"
        body = card.answer if verdict.correct is None else card.explanation
        self.query_one("#explanation-label", Static).update(label)
        self.query_one("#explanation-label").display = bool(body)
        explanation = self.query_one("#explanation", Static)
        explanation.display = bool(body)
        if body:
            explanation.update(block(body))
        again = self.query_one("#question-again", Static)
        again.display = bool(card.body)
        if card.body:
            again.update(
                _joined([Text("The question\n", style="bold underline"), block(card.body)])
            )

    def show_last_choice(self, wrong: Sequence[str], verdict: Verdict) -> None:
        """`Last time you chose “X”`: the distractors picked in the card's previous answer."""
        line = self.query_one("#feedback-extra", Static)
        line.display = bool(wrong)
        if not wrong:
            return
        text = Text("Last time you chose ", style="bold")
        for n, option in enumerate(wrong):
            text.append(", " if n else "")
            text.append("“")
            text.append_text(inline(option))
            text.append("”")
        options = {o["text"] for i, o in enumerate(self._options) if i in verdict.chosen}
        text.append(" — and again now." if options & set(wrong) else ".")
        line.update(text)

    def _show_options(self, presented: Presented, verdict: Verdict) -> None:
        options, order, chosen = presented.card.options, presented.order, verdict.chosen
        wrong_picks = [i for i in order if i in chosen and not options[i]["correct"]]
        missed = [i for i in order if i not in chosen and options[i]["correct"]]
        right_picks = [i for i in order if i in chosen and options[i]["correct"]]
        partly = presented.select_all and bool(chosen)  # a missed right option is a mistake too
        chose = "You included" if presented.select_all else "You chose"
        first = [(i, chose) for i in wrong_picks] + [(i, "You missed") for i in missed if partly]
        second = [(i, "The right answer") for i in missed if not partly]
        second += [(i, "You chose") for i in right_picks]
        if not first:
            first, second = second, []
        self._fill("#picked-reasoning", self._whys(options, first), right=not wrong_picks)
        self._fill("#right-reasoning", self._whys(options, second), right=True)
        rest = [i for i in order if i not in chosen and not options[i]["correct"]]
        self.others = [_other(options[i]) for i in rest if options[i]["reasoning"]]
        others = self.query_one("#others", Static)
        others.display = bool(self.others)
        if self.others:
            plain = all(isinstance(part, Text) for part in self.others)
            gap = Text("\n\n" if plain else "")  # one blank line between two options
            parts: list[Any] = []
            for other in self.others:
                parts += [gap, other] if parts else [other]
            others.update(_joined(parts))

    @staticmethod
    def _whys(options: list[OptionData], items: list[tuple[int, str]]) -> list[Any]:
        parts: list[Any] = []
        for index, heading in items:
            parts += [Text("\n\n") if parts else Text(""), *_why(options[index], heading)]
        return parts

    def _fill(self, selector: str, parts: list[Any], right: bool) -> None:
        widget = self.query_one(selector, Static)
        widget.display = bool(parts)
        widget.set_class(right, "-right")
        if parts:
            widget.update(_joined(parts))
