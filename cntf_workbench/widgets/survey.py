"""Survey explorer (アンケートの集計): pick a question and a breakdown, the table and chart redraw.

Two layers, so that tests can check what is shown without a browser:

- ``survey_view`` (pure): for one question, an optional breakdown (a profile question) and a
  suppression threshold, the frequency table (small counts hidden) or the cross-tab with its
  test and suppressed counts;
- ``survey_explorer``: an ``ipywidgets`` container (question and breakdown dropdowns, a
  threshold slider) that recomputes the view and redraws on every change.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import clear_output, display

from cntf_workbench.survey import charts
from cntf_workbench.survey.io import SurveyData
from cntf_workbench.survey.tabulate import (
    DEFAULT_THRESHOLD,
    CrossTab,
    crosstab,
    frequencies,
    suppress_frequencies,
)


@dataclass(frozen=True)
class SurveyView:
    """What the explorer shows for one setting.

    Attributes
    ----------
    question_id : str
    by : str
        Breakdown question id, ``""`` for none.
    threshold : int
        Small-cell threshold [respondents].
    frequencies : pandas.DataFrame or None
        Without breakdown: ``suppress_frequencies`` output (``x`` where hidden).
    crosstab : CrossTab or None
        With a breakdown.
    """

    question_id: str
    by: str
    threshold: int
    frequencies: pd.DataFrame | None
    crosstab: CrossTab | None

    def table(self) -> pd.DataFrame:
        """The publishable table (counts with ``x``)."""
        if self.crosstab is not None:
            return self.crosstab.suppressed.display()
        assert self.frequencies is not None
        return self.frequencies.set_index("label")[["count", "share"]]

    def summary_text(self) -> str:
        """One line (HTML) under the controls."""
        if self.crosstab is not None:
            ct = self.crosstab
            test = ct.test.summary_ja() if ct.test is not None else "（複数選択のため検定なし）"
            return (
                f"<b>{ct.question_id} × {ct.by}</b>: {test}<br>"
                f"秘匿セル {ct.suppressed.n_hidden} 個（{self.threshold} 未満の度数と、"
                "合計から逆算されないための補完秘匿）"
            )
        assert self.frequencies is not None
        n = self.frequencies.attrs.get("n_answered", 0)
        return f"<b>{self.question_id}</b>: 回答者 {n} 人（度数 {self.threshold} 未満は x）"


def question_options(data: SurveyData) -> list[tuple[str, str]]:
    """Dropdown options (label, id) of the questions that can be tabulated."""
    return [
        (f"{q.id}: {q.text[:30]}", q.id)
        for q in data.codebook.questions
        if q.type in ("single", "multi", "likert5")
    ]


def breakdown_options(data: SurveyData) -> list[tuple[str, str]]:
    """Dropdown options of the breakdowns: none, then the single-choice questions."""
    return [("（なし）", "")] + [
        (f"{q.id}: {q.text[:24]}", q.id) for q in data.codebook.questions if q.type == "single"
    ]


def survey_view(
    data: SurveyData, question_id: str, by: str = "", threshold: int = DEFAULT_THRESHOLD
) -> SurveyView:
    """Compute what the explorer shows (a breakdown equal to the question counts as none)."""
    if by and by != question_id:
        ct = crosstab(data, question_id, by, threshold=threshold)
        return SurveyView(question_id, by, threshold, None, ct)
    table = suppress_frequencies(frequencies(data, question_id), threshold=threshold)
    return SurveyView(question_id, "", threshold, table, None)


def draw_survey_view(data: SurveyData, view: SurveyView) -> plt.Figure:
    """The chart of a view: diverging bars for Likert, option bars or group bars otherwise."""
    q = data.codebook[view.question_id]
    if view.crosstab is not None:
        if q.type == "likert5":
            return charts.likert_by_group(data, q.id, view.by, threshold=view.threshold)
        return charts.crosstab_chart(view.crosstab, data.codebook, threshold=view.threshold)
    if q.type == "likert5":
        return charts.likert_chart(data, [q.id], title="")
    return charts.option_bars(data, q.id)


class SurveyExplorer(widgets.VBox):
    """The explorer container; its controls and last ``view`` are attributes for tests.

    Attributes
    ----------
    question : ipywidgets.Dropdown
    breakdown : ipywidgets.Dropdown
    threshold : ipywidgets.IntSlider
        Small-cell threshold [respondents].
    summary : ipywidgets.HTML
    table : ipywidgets.HTML
    output : ipywidgets.Output
    view : SurveyView
    """

    def __init__(
        self,
        data: SurveyData,
        question_id: str = "need_linkage",
        by: str = "chain_position",
        threshold: int = DEFAULT_THRESHOLD,
        draw: bool = True,
    ) -> None:
        self._data = data
        self._draw = draw
        style = {"description_width": "8em"}
        layout = widgets.Layout(width="42em")
        self.question = widgets.Dropdown(
            options=question_options(data),
            value=question_id,
            description="設問",
            style=style,
            layout=layout,
        )
        self.breakdown = widgets.Dropdown(
            options=breakdown_options(data),
            value=by,
            description="内訳（クロス）",
            style=style,
            layout=layout,
        )
        self.threshold = widgets.IntSlider(
            value=threshold,
            min=1,
            max=10,
            description="秘匿の閾値",
            style=style,
            layout=layout,
        )
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for control in (self.question, self.breakdown, self.threshold):
            control.observe(self._on_change, names="value")
        super().__init__(
            [self.question, self.breakdown, self.threshold, self.summary, self.table, self.output]
        )
        self._refresh()

    def _compute(self) -> SurveyView:
        return survey_view(
            self._data, self.question.value, self.breakdown.value, int(self.threshold.value)
        )

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        self.summary.value = self.view.summary_text()
        self.table.value = self.view.table().to_html(escape=True)
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_survey_view(self._data, self.view)
            display(fig)
            plt.close(fig)


def survey_explorer(
    data: SurveyData,
    question_id: str = "need_linkage",
    by: str = "chain_position",
    threshold: int = DEFAULT_THRESHOLD,
    draw: bool = True,
) -> SurveyExplorer:
    """The survey explorer: pick a question and a breakdown; table and chart redraw.

    Parameters
    ----------
    data : SurveyData
        From ``survey.io.load_responses``.
    question_id : str
        Initial question (single, multi or likert5).
    by : str
        Initial breakdown (a single-choice question id), ``""`` for none.
    threshold : int
        Initial small-cell threshold [respondents].
    draw : bool
        Draw the chart on every change (``False`` in tests that only check ``view``).

    Returns
    -------
    SurveyExplorer
    """
    return SurveyExplorer(data, question_id, by, threshold, draw)


__all__ = [
    "SurveyExplorer",
    "SurveyView",
    "breakdown_options",
    "draw_survey_view",
    "question_options",
    "survey_explorer",
    "survey_view",
]
