"""Choose reduction levers within a budget: a MILP over decision points and their alternatives.

At each decision point (a part's material, a lane's carrier or mode, a site's electricity …) one
alternative may be chosen, or the current state kept at no cost. Each alternative has a cost
[JPY] and a change of the footprint [kg-CO2e] when applied on its own. The problem

    minimise    Σ delta_kg · x
    subject to  Σ cost_yen · x <= budget          (budget, ¥)
                Σ_{a in d} x_a <= 1               (at most one alternative per decision point)
                x binary

is solved with ``scipy.optimize.milp`` (HiGHS). It is exact when the alternatives of different
decision points change different trace rows (their effects add up); ``check_additive`` in
``cntf_workbench.cfp.scenarios`` verifies that on a chain by recomputing the combined footprint.

Among plans with the same footprint the cheapest is returned (a second solve with the
footprint held at its optimum), so the Pareto front has no dominated points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from cntf_workbench.errors import CntfError

KEEP = "current"
"""Option id of "keep the current state" (現状維持), at no cost and no change."""

KEEP_LABEL = "現状維持"

COST_RESOLUTION = 1e-6
"""Costs closer than this fraction of the largest alternative's cost count as equal [-]
(HiGHS checks constraints to about 1e-7; with costs of 10⁵ yen this is 0.1 yen)."""

OPTION_COLUMNS: tuple[str, ...] = ("decision", "option", "cost_yen", "delta_kg")


class OptimisationError(CntfError):
    """An optimisation problem cannot be set up or solved (bad options, negative budget …)."""

    area = "最適化"


def validate_options(options: pd.DataFrame) -> pd.DataFrame:
    """Check an options table and return it with a default ``label``.

    Parameters
    ----------
    options : pandas.DataFrame
        Columns ``decision``, ``option``, ``cost_yen`` [JPY] (>= 0, finite), ``delta_kg``
        [kg-CO2e] (finite; negative is a reduction); optional ``label``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    OptimisationError
        Naming the row and column of the first problem.
    """
    missing = [c for c in OPTION_COLUMNS if c not in options.columns]
    if missing:
        raise OptimisationError(f"選択肢の表に列「{missing[0]}」がありません", column=missing[0])
    out = options.reset_index(drop=True).copy()
    if "label" not in out.columns:
        out["label"] = out["option"].astype(str)
    for i, (cost, delta) in enumerate(zip(out["cost_yen"], out["delta_kg"], strict=True), 1):
        try:
            cost_f, delta_f = float(cost), float(delta)
        except (TypeError, ValueError):
            raise OptimisationError("費用と削減量は数値です", row=i) from None
        if not math.isfinite(cost_f) or cost_f < 0:
            raise OptimisationError(
                f"費用 {cost} は 0 以上の有限の値です", row=i, column="cost_yen"
            )
        if not math.isfinite(delta_f):
            raise OptimisationError("排出量の変化が数値ではありません", row=i, column="delta_kg")
    dup = out.duplicated(subset=["decision", "option"])
    if dup.any():
        raise OptimisationError(
            "判断ポイントと選択肢の組が重複しています",
            row=int(dup.to_numpy().nonzero()[0][0]) + 1,
            column="option",
        )
    if (out["option"] == KEEP).any():
        raise OptimisationError(
            f"選択肢ID「{KEEP}」（現状維持）は予約されています", column="option"
        )
    out["cost_yen"] = out["cost_yen"].astype(float)
    out["delta_kg"] = out["delta_kg"].astype(float)
    return out


@dataclass(frozen=True)
class Plan:
    """The chosen alternatives within a budget.

    Attributes
    ----------
    budget_yen : float
        [JPY]
    cost_yen : float
        Cost of the chosen alternatives [JPY].
    base_kg_co2e : float
        Footprint with every decision kept as it is [kg-CO2e].
    total_kg_co2e : float
        ``base_kg_co2e`` plus the chosen alternatives' changes [kg-CO2e].
    choices : pandas.DataFrame
        One row per decision point (in order of first appearance): ``decision``, ``option``
        (``"current"`` when kept), ``label``, ``cost_yen`` [JPY], ``delta_kg`` [kg-CO2e].
    """

    budget_yen: float
    cost_yen: float
    base_kg_co2e: float
    total_kg_co2e: float
    choices: pd.DataFrame

    def to_dict(self) -> dict:
        """JSON-ready: ``budget_yen``, ``cost_yen``, ``total_kg_co2e``, ``choices`` …"""
        return {
            "budget_yen": self.budget_yen,
            "cost_yen": self.cost_yen,
            "base_kg_co2e": self.base_kg_co2e,
            "total_kg_co2e": self.total_kg_co2e,
            "reduction_kg_co2e": self.base_kg_co2e - self.total_kg_co2e,
            "choices": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in self.choices.to_dict(orient="records")
            ],
        }

    def changed(self) -> pd.DataFrame:
        """Only the decision points where an alternative was chosen."""
        return self.choices[self.choices["option"] != KEEP].reset_index(drop=True)


def _solve_x(options: pd.DataFrame, budget: float) -> np.ndarray:
    n = len(options)
    if n == 0:
        return np.zeros(0)
    cost = options["cost_yen"].to_numpy(float)
    delta = options["delta_kg"].to_numpy(float)
    decisions = list(dict.fromkeys(options["decision"]))
    member = np.zeros((len(decisions), n))
    for j, d in enumerate(options["decision"]):
        member[decisions.index(d), j] = 1.0
    # The budget row is scaled to costs of order 1 so that HiGHS's feasibility tolerance
    # (about 1e-7) is relative to the costs, not to the yen.
    scale = max(1.0, float(cost.max()))
    integrality = np.ones(n)
    # An alternative that alone costs more than the budget is fixed at 0 (exact, and it spares
    # HiGHS rows whose bound is a hair below an integer, where it can report a solve error).
    bounds = Bounds(0, (cost <= budget).astype(float))
    member_con = LinearConstraint(member, 0, 1)
    x = None
    for attempt in range(4):
        limit = max(0.0, budget - attempt * COST_RESOLUTION * scale)
        cons = [LinearConstraint(cost[None, :] / scale, -np.inf, limit / scale), member_con]
        first = milp(delta, constraints=cons, integrality=integrality, bounds=bounds)
        if first.status == 0 and first.x is not None:
            x = np.round(first.x) + 0.0  # round integer results; + 0.0 turns -0.0 into 0.0
            break
    if x is None:
        raise OptimisationError(f"最適化が解けませんでした（HiGHS: {first.message}）")
    best = float(delta @ x)
    # Second solve: the cheapest plan with the same footprint (no dominated Pareto points).
    tol = 1e-9 * max(1.0, float(np.abs(delta).sum()))
    cons2 = [*cons, LinearConstraint(delta[None, :], -np.inf, best + tol)]
    second = milp(cost / scale, constraints=cons2, integrality=integrality, bounds=bounds)
    if second.status == 0 and second.x is not None:
        x2 = np.round(second.x) + 0.0
        if float(delta @ x2) <= best + tol:
            x = x2
    return x


def optimise(options: pd.DataFrame, budget_yen: float, base_kg_co2e: float = 0.0) -> Plan:
    """The plan of least footprint whose cost is within the budget (the cheapest such plan).

    Parameters
    ----------
    options : pandas.DataFrame
        See ``validate_options``.
    budget_yen : float
        [JPY], >= 0.
    base_kg_co2e : float
        Footprint with no change [kg-CO2e].

    Returns
    -------
    Plan
    """
    try:
        budget = float(budget_yen)
    except (TypeError, ValueError):
        raise OptimisationError(f"予算「{budget_yen}」は数値（円）です") from None
    if not math.isfinite(budget) or budget < 0:
        raise OptimisationError(f"予算は 0 円以上です（{budget_yen} が指定されました）")
    options = validate_options(options)
    cost_vec = options["cost_yen"].to_numpy(float)
    scale = max(1.0, float(cost_vec.max())) if len(cost_vec) else 1.0
    limit = budget
    for attempt in range(6):
        x = _solve_x(options, limit)
        over = math.fsum((cost_vec * x).tolist()) - budget
        if over <= 0:
            break
        # HiGHS accepted a plan just over the budget (within its feasibility tolerance, about
        # 1e-7 of the largest cost): tighten the limit by more than that and solve again.
        limit = max(0.0, budget - over - COST_RESOLUTION * scale * 2**attempt)
    else:  # pragma: no cover - HiGHS keeps violating the budget
        raise OptimisationError("予算の制約を満たす解が見つかりませんでした")
    chosen = options[x > 0.5]
    rows = []
    for d in dict.fromkeys(options["decision"]):
        pick = chosen[chosen["decision"] == d]
        if pick.empty:
            rows.append((d, KEEP, KEEP_LABEL, 0.0, 0.0))
        else:
            r = pick.iloc[0]
            rows.append((d, r["option"], r["label"], float(r["cost_yen"]), float(r["delta_kg"])))
    choices = pd.DataFrame(rows, columns=["decision", "option", "label", "cost_yen", "delta_kg"])
    cost = math.fsum(choices["cost_yen"].tolist())
    total = base_kg_co2e + math.fsum(choices["delta_kg"].tolist())
    return Plan(budget, cost, float(base_kg_co2e), total, choices)


def pareto_front(options: pd.DataFrame, base_kg_co2e: float = 0.0) -> pd.DataFrame:
    """Every cost–CO2 trade-off point that no other plan beats on both (the Pareto front).

    Found by the ε-constraint method: solve with no budget limit, then again with the budget
    just below the cost of the last plan, until the cost is zero.

    Parameters
    ----------
    options : pandas.DataFrame
        See ``validate_options``.
    base_kg_co2e : float
        [kg-CO2e]

    Returns
    -------
    pandas.DataFrame
        Sorted by cost: ``cost_yen`` [JPY], ``total_kg_co2e`` [kg-CO2e], ``options`` (the
        chosen alternatives as ``decision=option`` joined by ``, ``).
    """
    options = validate_options(options)
    budget = math.fsum(options["cost_yen"].tolist())
    positive = options.loc[options["cost_yen"] > 0, "cost_yen"]
    step = COST_RESOLUTION * float(positive.max()) if len(positive) else 1.0
    points = []
    while True:
        plan = optimise(options, budget, base_kg_co2e)
        picked = plan.changed()
        points.append(
            (
                plan.cost_yen,
                plan.total_kg_co2e,
                ", ".join(
                    f"{d}={o}" for d, o in zip(picked["decision"], picked["option"], strict=True)
                ),
            )
        )
        if plan.cost_yen <= 0:
            break
        budget = plan.cost_yen - step
    front = pd.DataFrame(points, columns=["cost_yen", "total_kg_co2e", "options"])
    return front.sort_values("cost_yen").reset_index(drop=True)


def brute_force(options: pd.DataFrame, budget_yen: float, base_kg_co2e: float = 0.0) -> float:
    """Least footprint within the budget by trying every combination [kg-CO2e] (small problems).

    Used to test ``optimise``; the number of combinations is the product of (alternatives + 1)
    over the decision points.
    """
    options = validate_options(options)
    best = math.inf
    groups = [g for _, g in options.groupby("decision", sort=False)]
    combos = [(0.0, 0.0)]
    for g in groups:
        combos = [
            (c + cost, k + delta)
            for c, k in combos
            for cost, delta in [(0.0, 0.0), *zip(g["cost_yen"], g["delta_kg"], strict=True)]
        ]
    for c, k in combos:
        if c <= budget_yen + 1e-9 and k < best:
            best = k
    return base_kg_co2e + best


__all__ = [
    "KEEP",
    "KEEP_LABEL",
    "OptimisationError",
    "Plan",
    "brute_force",
    "optimise",
    "pareto_front",
    "validate_options",
]
