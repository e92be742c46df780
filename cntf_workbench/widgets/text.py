"""Coding-rule editor (notebook 09): edit a rule in a Textarea and see which answers it catches.

Two layers, so that tests can check what is shown without a browser:

- ``rule_view`` (pure): a condition in KH Coder syntax, applied to answers, gives the answers it
  catches (with their position), the count and share, or the parse error in Japanese;
- ``RuleEditor``: an ``ipywidgets`` container (a Textarea with the condition, a Dropdown of the
  shipped rules to start from) that re-evaluates on every edit and redraws the list.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

from cntf_workbench.survey import text as jtext
from cntf_workbench.survey.taxonomy import CodingRuleError, Doc, RuleSet, parse_condition

#: Answers listed under the editor.
SHOWN = 15


@dataclass(frozen=True)
class RuleView:
    """What the editor shows for one condition.

    Attributes
    ----------
    condition : str
        The condition as typed.
    caught : pandas.DataFrame
        Answers the condition catches: ``answer`` (0-based position), ``text`` (normalised).
    n_answers : int
        Non-empty answers searched [answers].
    error : str
        The parse error (Japanese, one line), ``""`` when the condition is valid.
    """

    condition: str
    caught: pd.DataFrame
    n_answers: int
    error: str = ""

    @property
    def n_caught(self) -> int:
        """Answers caught [answers]."""
        return len(self.caught)

    @property
    def share(self) -> float:
        """Share of non-empty answers caught [-]."""
        return self.n_caught / self.n_answers if self.n_answers else 0.0

    def summary_html(self, shown: int = SHOWN) -> str:
        """Count, share and the first ``shown`` answers, HTML-escaped."""
        if self.error:
            return f"<span style='color:crimson'>{html.escape(self.error)}</span>"
        head = (
            f"<b>{self.n_caught} 件</b> / {self.n_answers} 件（{self.share:.1%}）の回答が"
            "この条件に当てはまります"
        )
        items = "".join(
            f"<li>[{int(r.answer) + 1}] {html.escape(r.text)}</li>"
            for r in self.caught.head(shown).itertuples(index=False)
        )
        more = f"<p>…ほか {self.n_caught - shown} 件</p>" if self.n_caught > shown else ""
        return f"{head}<ol style='list-style:none;padding-left:0'>{items}</ol>{more}"


def rule_view(texts: Sequence[object], condition: str, rules: RuleSet | None = None) -> RuleView:
    """Apply one condition to answers.

    Parameters
    ----------
    texts : sequence of object
        Answers (blank ones are skipped).
    condition : str
        A condition in KH Coder syntax (what goes under a ``＊`` line).
    rules : RuleSet, optional
        Rules that ``<＊name>`` in the condition may refer to.

    Returns
    -------
    RuleView
    """
    norm = [jtext.normalize(t) for t in texts]
    n = sum(bool(t) for t in norm)
    empty = pd.DataFrame({"answer": pd.Series(dtype=int), "text": pd.Series(dtype=str)})
    try:
        node = parse_condition(condition, name="編集中のルール")
        env = rules if rules is not None else RuleSet([])
        hits = [(i, t) for i, t in enumerate(norm) if t and node.eval(Doc.of(t, i + 1), env)]
    except CodingRuleError as exc:
        return RuleView(condition, empty, n, str(exc))
    return RuleView(condition, pd.DataFrame(hits, columns=["answer", "text"]), n)


class RuleEditor(widgets.VBox):
    """The editor; its controls and last ``view`` are attributes for tests.

    Parameters
    ----------
    texts : sequence of object
        Answers to search.
    rules : RuleSet
        Shipped rules (their conditions are offered as starting points).
    start : str, optional
        Name of the rule to start from (the first when omitted).

    Attributes
    ----------
    preset : ipywidgets.Dropdown
        Rule to copy into the Textarea.
    editor : ipywidgets.Textarea
        The condition being edited.
    result : ipywidgets.HTML
        Count, share and caught answers (escaped).
    view : RuleView
    """

    def __init__(self, texts: Sequence[object], rules: RuleSet, start: str | None = None) -> None:
        self._texts = list(texts)
        self._rules = rules
        names = [r.name for r in rules]
        first = start if start in names else (names[0] if names else None)
        self.preset = widgets.Dropdown(
            options=names,
            value=first,
            description="元にするルール",
            style={"description_width": "8em"},
            layout=widgets.Layout(width="38em"),
        )
        self.editor = widgets.Textarea(
            value=rules.by_name[first].source if first else "",
            description="条件",
            layout=widgets.Layout(width="60em", height="8em"),
        )
        self.result = widgets.HTML()
        self.preset.observe(self._on_preset, names="value")
        self.editor.observe(lambda _change: self.refresh(), names="value")
        super().__init__([self.preset, self.editor, self.result])
        self.refresh()

    def _on_preset(self, change: dict) -> None:
        self.editor.value = self._rules.by_name[change["new"]].source

    def refresh(self) -> RuleView:
        """Re-evaluate the condition and redraw the list."""
        self.view = rule_view(self._texts, self.editor.value, self._rules)
        self.result.value = self.view.summary_html()
        return self.view


def rule_editor(texts: Sequence[object], rules: RuleSet, start: str | None = None) -> RuleEditor:
    """Build the coding-rule editor (see :class:`RuleEditor`)."""
    return RuleEditor(texts, rules, start)


__all__ = ["RuleEditor", "RuleView", "rule_editor", "rule_view"]
