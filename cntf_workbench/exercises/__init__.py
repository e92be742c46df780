"""Notebook exercises with instant feedback: ``check()``, ``hint()``, ``solution()``.

An exercise knows its expected answer (computed from the package and the data, never typed in)
and tells apart three states:

- not attempted: the answer is still the placeholder ``____``;
- wrong: with a short reason (type, size, how far off);
- right.

Usage in a notebook::

    from cntf_workbench.exercises import ____
    from cntf_workbench.exercises.routing import ex1
    answer = ____          # the learner replaces this
    ex1.check(answer)
    ex1.hint()             # hint(1), hint(2): step by step
    ex1.solution()

``check`` returns a ``CheckResult`` (shown as coloured Markdown in Jupyter) and never raises on
a wrong answer; ``assert_right`` / ``assert_wrong`` are for self-tests of the exercise itself.

Student copies (``cntf course student-version``) call ``student_mode()`` in their first code
cell; from then on ``solution()`` shows a note instead of the answer, while ``check()`` and
``hint()`` work as before. Setting the environment variable ``CNTF_STUDENT_MODE=1`` (e.g. on a
JupyterHub) has the same effect for every kernel.
"""

from __future__ import annotations

import enum
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


class _Placeholder:
    """The blank a learner fills in (``____``)."""

    _instance: _Placeholder | None = None

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"


____ = _Placeholder()


class Status(enum.Enum):
    """Outcome of a check."""

    NOT_ATTEMPTED = "未回答"
    WRONG = "不正解"
    RIGHT = "正解"


@dataclass(frozen=True)
class CheckResult:
    """What ``Exercise.check`` found."""

    status: Status
    message: str

    def __bool__(self) -> bool:
        return self.status is Status.RIGHT

    def _repr_markdown_(self) -> str:
        colour = {Status.RIGHT: "green", Status.WRONG: "crimson", Status.NOT_ATTEMPTED: "gray"}
        icon = {Status.RIGHT: "✔", Status.WRONG: "✘", Status.NOT_ATTEMPTED: "…"}
        return (
            f"<span style='color:{colour[self.status]}'><b>{icon[self.status]} "
            f"{self.status.value}</b></span>: {self.message}"
        )

    def __str__(self) -> str:
        return f"{self.status.value}: {self.message}"


@dataclass(frozen=True)
class Hint:
    """A hint or solution text, shown as Markdown in Jupyter."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


STUDENT_MODE_ENV = "CNTF_STUDENT_MODE"
"""Environment variable that switches student mode on for every kernel (``1``, ``true``, ``yes``)."""

STUDENT_NOTE = (
    "**解答例は受講者用の版では表示されません。** `check()` で答え合わせをし、"
    "`hint()` でヒントを見てください。それでも分からないときは講師に質問してください。"
)
"""What ``Exercise.solution()`` shows in student mode."""

_student_mode = False


def student_mode(enabled: bool = True) -> None:
    """Switch student mode on (or off) for this kernel.

    In student mode ``Exercise.solution()`` returns ``STUDENT_NOTE`` instead of the solution;
    ``check()`` and ``hint()`` are unchanged.

    Parameters
    ----------
    enabled : bool
        ``True`` hides solutions, ``False`` shows them again (a teacher's own kernel).
    """
    global _student_mode
    _student_mode = bool(enabled)


def is_student_mode() -> bool:
    """Whether solutions are hidden (``student_mode()`` was called, or ``CNTF_STUDENT_MODE`` is set)."""
    env = os.environ.get(STUDENT_MODE_ENV, "").strip().lower()
    return _student_mode or env in {"1", "true", "yes", "on"}


def _is_placeholder(answer: Any) -> bool:
    return answer is ____ or answer is Ellipsis


@dataclass
class Exercise:
    """One exercise.

    Parameters
    ----------
    title : str
        Shown in messages.
    expected : callable
        Returns the right answer (computed from the data when the exercise is checked).
    hints : sequence of str
        Revealed one by one with ``hint()``, or directly with ``hint(n)``.
    solution_text : str
        Markdown with the code that solves it.
    rel_tol : float
        Relative tolerance for numbers [-].
    abs_tol : float
        Absolute tolerance for numbers [same unit as the answer].
    """

    title: str
    expected: Callable[[], Any]
    hints: Sequence[str] = ()
    solution_text: str = ""
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    _hints_shown: int = field(default=0, repr=False)

    def _compare(self, answer: Any, expected: Any) -> tuple[bool, str]:
        if isinstance(expected, int | float | np.number) and not isinstance(expected, bool):
            if isinstance(answer, bool | str):
                return False, "答えは数値です（文字列や True/False ではありません）"
            if isinstance(answer, pd.Series | pd.DataFrame | np.ndarray | list | tuple | dict):
                return False, "答えは1つの数値です（表や配列ではありません）"
            try:
                value = float(answer)
            except (TypeError, ValueError):
                return False, f"答えは数値です（{type(answer).__name__} が渡されました）"
            if math.isclose(value, float(expected), rel_tol=self.rel_tol, abs_tol=self.abs_tol):
                return True, ""
            ratio = value / float(expected) if float(expected) else math.inf
            if math.isclose(ratio, 1000, rel_tol=1e-3) or math.isclose(ratio, 0.001, rel_tol=1e-3):
                return (
                    False,
                    "桁が1000倍ずれています: 単位（g と kg、kWh と MWh など）を確認しましょう",
                )
            direction = "大きすぎます" if value > float(expected) else "小さすぎます"
            return False, f"{value:.6g} は{direction}"
        if isinstance(expected, pd.Series):
            if not isinstance(answer, pd.Series):
                return False, "答えは pandas の Series です"
            if set(answer.index) != set(expected.index):
                return False, "Series の項目（インデックス）が違います"
            a = answer.reindex(expected.index).astype(float).to_numpy()
            ok = np.allclose(
                a, expected.astype(float).to_numpy(), rtol=self.rel_tol, atol=self.abs_tol
            )
            return (True, "") if ok else (False, "項目はそろっていますが、値が違います")
        if isinstance(expected, str):
            if not isinstance(answer, str):
                return False, "答えは文字列です"
            return (
                (True, "") if answer.strip() == expected else (False, f"「{answer}」ではありません")
            )
        return (True, "") if answer == expected else (False, "答えが違います")

    def check(self, answer: Any) -> CheckResult:
        """Check an answer; tells apart not attempted, wrong and right."""
        if _is_placeholder(answer):
            return CheckResult(
                Status.NOT_ATTEMPTED, f"{self.title}: ____ を答えに置き換えてください"
            )
        ok, why = self._compare(answer, self.expected())
        if ok:
            return CheckResult(Status.RIGHT, f"{self.title}: よくできました")
        more = "（hint() でヒント）" if self.hints else ""
        return CheckResult(Status.WRONG, f"{self.title}: {why}{more}")

    def hint(self, n: int | None = None) -> Hint:
        """The next hint, or hint ``n`` (1-based)."""
        if not self.hints:
            return Hint("この演習にヒントはありません")
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            n = self._hints_shown
        n = max(1, min(int(n), len(self.hints)))
        return Hint(f"**ヒント {n}/{len(self.hints)}**: {self.hints[n - 1]}")

    def solution(self) -> Hint:
        """The solution, as Markdown (a note instead of it in student mode)."""
        if is_student_mode():
            return Hint(STUDENT_NOTE)
        return Hint(f"**解答例**\n\n{self.solution_text}")

    def assert_right(self, answer: Any) -> None:
        """Raise ``AssertionError`` unless ``answer`` is accepted (self-test of the exercise)."""
        result = self.check(answer)
        assert result.status is Status.RIGHT, str(result)

    def assert_wrong(self, answer: Any) -> None:
        """Raise ``AssertionError`` unless ``answer`` is rejected (self-test of the exercise)."""
        result = self.check(answer)
        assert result.status is Status.WRONG, str(result)


__all__ = [
    "STUDENT_MODE_ENV",
    "STUDENT_NOTE",
    "CheckResult",
    "Exercise",
    "Hint",
    "Status",
    "____",
    "is_student_mode",
    "student_mode",
]
