"""Sharing the reduction effort (use case ③): who pays for a supplier's reduction project.

A reduction project at a supplier (cost ¥, t-CO2e per year less on the supplier's product) helps
everyone downstream: every customer that buys the product, directly or inside another product,
sees its Scope 3 fall. This module computes what each firm *receives* and compares four rules for
sharing the project's annual cost, with an SME-protection rule on top.

Received reduction (Scope 3 accounting)
---------------------------------------
With ``A[c, s]`` the quantity of supplier product ``s`` in one unit of customer product ``c``
(``links.csv``), the total requirement ``L = (I − A)^-1`` (Leontief inverse; solved per firm as
one sparse triangular system by ``cfp.bom.contributions``) gives the units of ``s`` embodied,
directly and indirectly, in one unit of ``c``. A project cutting ``R`` [t-CO2e/yr] on ``s``, made
at ``V_s`` [units/yr], cuts ``R / V_s`` per unit, and firm ``f`` making ``V_f`` [units/yr]
receives

    received_f = R / V_s × L[f, s] × V_f   [t-CO2e/yr].

The implementing firm receives ``R`` itself (its own Scope 1/2; ``L[s, s] = 1``). **The same
tonne is received by several firms**: a motor's reduction is in the motor maker's Scope 1/2, in
the heating-unit maker's Scope 3 and again in the cooker maker's Scope 3. Summing the received
column therefore counts ``R`` once per tier (``double_counting`` reports the factor); that is
correct Scope 3 accounting (each firm's inventory falls) but no basis for adding up tonnes, nor
for each firm to claim the reduction as its own. The policy question is who pays.

Sharing rules (``RULES``)
-------------------------
``C`` is the project's annual cost: ``capex × CRF(rate, lifetime) + opex change`` [¥/yr] with the
capital recovery factor ``CRF = r (1 + r)^n / ((1 + r)^n − 1)`` (``1 / n`` at ``r = 0``).
``w_i = ICP_i × received_i`` [¥/yr] is what the reduction is worth to firm ``i`` at its internal
carbon price.

- ``alone``: the implementing firm pays ``C``.
- ``proportional``: ``C × received_i / Σ received`` (double-counted tonnes included, so each tier
  pays for what its own inventory receives).
- ``icp``: each firm pays up to its worth, in proportion: ``w_i × min(1, C / Σ w)``. When the
  reduction is worth less than it costs (``Σ w < C``) the remainder ``C − Σ w`` is shown
  explicitly as unallocated (``REMAINDER``); no firm is charged more than ``w_i``.
- ``shapley``: the Shapley value of the cost game ``c(S) = min(C, Σ_{i∈S} w_i)``: a coalition
  ``S`` either funds the project (``C``) or obtains its members' reductions by other means, each at
  its ICP (``Σ w``), whichever is cheaper. The game is concave, so the Shapley value lies in its
  core (no group pays more than it would on its own). It equals the random-arrival rule of the
  bankruptcy problem with estate ``C`` and claims ``w_i`` (O'Neill 1982): firms arrive in random
  order and each pays ``min(w_i, what is left of C)``. Its shares sum to ``min(C, Σ w)``; the
  remainder ``max(0, C − Σ w)`` is the same as the ``icp`` rule's. Exact over all subsets for
  up to ``shapley_exact_max_players`` players, else estimated from sampled permutations with a
  standard error per firm.

SME protection (``protect_smes``)
---------------------------------
An SME (``size == "SME"``) pays at most ``sme_cap_share_of_capacity × annual operating profit``;
what a rule would charge above that is moved to the firms of ``redistribute_to_size`` (large
firms by default) that receive the reduction, in proportion to what they receive; with no such
firm it becomes unallocated. This is the task force's policy (avoid demands that make customers
drop suppliers; protect SMEs with no slack) written as a rule whose numbers are data
(``data/seminar/burden/parameters.csv``).

Data
----
``load_burden()`` reads ``data/seminar/burden/`` (projects, firms_finance, parameters; schema in
its ``datapackage.json``) and the firms, products and links of the sample exchange network
``data/seminar/exchange/`` (validated here against the columns this module uses). Every bad
value raises ``BurdenError`` or ``DataError`` naming file, row and column.

References
----------
Shapley, L. S. (1953). A value for n-person games. O'Neill, B. (1982). A problem of rights
arbitration from the Talmud. Aumann, R. J. and Maschler, M. (1985). Game theoretic analysis of a
bankruptcy problem from the Talmud. GHG Protocol Corporate Value Chain (Scope 3) Standard.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cntf_workbench import tabular
from cntf_workbench.cfp.bom import contributions
from cntf_workbench.errors import CntfError, DataError
from cntf_workbench.resources import data_root

RULES: dict[str, str] = {
    "alone": "実施企業が単独で負担",
    "proportional": "受け取る削減量に比例",
    "shapley": "シャープレイ値（ICP による費用ゲーム）",
    "icp": "社内炭素価格（ICP）×削減量まで比例",
}
"""Sharing rules and their Japanese names."""

REMAINDER = "未充当"
"""Row label of the cost no firm is charged (``icp`` and ``shapley`` rules)."""

PARAMETERS: dict[str, type] = {
    "discount_rate": float,
    "sme_cap_share_of_capacity": float,
    "affordable_share_of_capacity": float,
    "redistribute_to_size": str,
    "shapley_exact_max_players": int,
    "shapley_samples": int,
    "shapley_seed": int,
}
"""Parameters of ``parameters.csv`` and their types."""

SIZES: tuple[str, ...] = ("large", "medium", "SME")
SIZE_JA: dict[str, str] = {"large": "大企業", "medium": "中堅企業", "SME": "中小企業"}

BURDEN_TABLES: tuple[str, ...] = ("projects", "firms_finance", "parameters")

NETWORK_SCHEMAS: dict[str, dict[str, Any]] = {
    "firms": {
        "primaryKey": ["firm_id"],
        "fields": [
            {"name": "firm_id", "type": "string", "constraints": {"required": True}},
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {"name": "role", "type": "string", "constraints": {"required": True}},
            {"name": "tier", "type": "integer", "constraints": {"required": True, "minimum": 0}},
            {
                "name": "size",
                "type": "string",
                "constraints": {"required": True, "enum": list(SIZES)},
            },
        ],
    },
    "products": {
        "primaryKey": ["firm_id", "item_code"],
        "fields": [
            {"name": "firm_id", "type": "string", "constraints": {"required": True}},
            {"name": "item_code", "type": "string", "constraints": {"required": True}},
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {"name": "unit", "type": "string", "constraints": {"required": True}},
            {
                "name": "annual_volume",
                "type": "number",
                "constraints": {"required": True, "minimum": 0},
            },
        ],
    },
    "links": {
        "fields": [
            {"name": "customer_firm_id", "type": "string", "constraints": {"required": True}},
            {"name": "customer_item", "type": "string", "constraints": {"required": True}},
            {"name": "supplier_firm_id", "type": "string", "constraints": {"required": True}},
            {"name": "supplier_item", "type": "string", "constraints": {"required": True}},
            {"name": "quantity", "type": "number", "constraints": {"required": True, "minimum": 0}},
            {"name": "unit", "type": "string", "constraints": {"required": True}},
            {"name": "stage", "type": "string"},
        ],
    },
}
"""The columns of ``data/seminar/exchange/`` this module reads, as table schemas."""


class BurdenError(CntfError):
    """Burden-sharing inputs do not fit together (unknown firm, project, rule …)."""

    area = "削減費用の分担"


# ---------------------------------------------------------------------------------------------
# data


@dataclass(frozen=True)
class BurdenData:
    """The validated tables of use case ③.

    Attributes
    ----------
    projects : pandas.DataFrame
        ``projects.csv``: ``capex_yen`` [¥], ``opex_change_yen_per_year`` [¥/yr],
        ``reduction_t_per_year`` [t-CO2e/yr], ``lifetime_years`` [yr] …
    finance : pandas.DataFrame
        ``firms_finance.csv``: ``icp_yen_per_t`` [¥/t-CO2e], ``annual_operating_profit_yen``
        [¥/yr].
    parameters : dict
        ``parameters.csv`` parsed by ``PARAMETERS``.
    firms, products, links : pandas.DataFrame
        The sample exchange network (``data/seminar/exchange/``).
    """

    projects: pd.DataFrame
    finance: pd.DataFrame
    parameters: dict[str, Any]
    firms: pd.DataFrame
    products: pd.DataFrame
    links: pd.DataFrame

    def project(self, project_id: str) -> pd.Series:
        """One row of ``projects``; ``BurdenError`` naming it when unknown."""
        rows = self.projects[self.projects["project_id"] == project_id]
        if rows.empty:
            known = ", ".join(self.projects["project_id"])
            raise BurdenError(f"プロジェクト「{project_id}」はありません（{known}）")
        return rows.iloc[0]

    def icp(self) -> pd.Series:
        """Each firm's ICP [¥/t-CO2e], indexed by ``firm_id``."""
        return self.finance.set_index("firm_id")["icp_yen_per_t"].astype(float)


def burden_dir() -> Path:
    """Folder of the shipped use-case-③ data package."""
    return data_root() / "seminar" / "burden"


def network_dir() -> Path:
    """Folder of the sample exchange network (owned by the exchange simulation)."""
    return data_root() / "seminar" / "exchange"


@functools.cache
def _schema(folder: str, table: str) -> dict:
    return tabular.load_schema(Path(folder) / "datapackage.json", table)


def parse_parameters(frame: pd.DataFrame, file: str | Path = "parameters.csv") -> dict[str, Any]:
    """Parameters as a dict of typed values.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``parameter``, ``value`` (text).
    file : str or Path
        Named in errors.

    Returns
    -------
    dict
        Every key of ``PARAMETERS`` with its type; ``redistribute_to_size`` as a tuple of sizes.

    Raises
    ------
    DataError
        A missing parameter, a value of the wrong type, a rate outside 0–1 or an unknown size.
    """
    out: dict[str, Any] = {}
    for i, (name, value) in enumerate(zip(frame["parameter"], frame["value"], strict=True)):
        kind = PARAMETERS.get(str(name))
        if kind is None:
            raise DataError(
                f"パラメータ「{name}」は不明です", file=file, row=i + 1, column="parameter"
            )
        text = str(value).strip()
        try:
            parsed: Any = kind(float(text)) if kind is int else kind(text)
            if kind is int and float(text) != parsed:
                raise ValueError(text)
        except ValueError:
            expect = "整数" if kind is int else "数値"
            raise DataError(
                f"{name} の値「{text}」は{expect}ではありません",
                file=file,
                row=i + 1,
                column="value",
            ) from None
        if kind is float and not (math.isfinite(parsed) and 0.0 <= parsed <= 1.0):
            raise DataError(
                f"{name} は 0〜1 の値です（{text}）", file=file, row=i + 1, column="value"
            )
        if name == "redistribute_to_size":
            parsed = tuple(s.strip() for s in text.split("|") if s.strip())
            bad = [s for s in parsed if s not in SIZES]
            if bad or not parsed:
                raise DataError(
                    f"規模「{text}」は使えません（{', '.join(SIZES)} を | で区切る）",
                    file=file,
                    row=i + 1,
                    column="value",
                )
        out[str(name)] = parsed
    missing = [p for p in PARAMETERS if p not in out]
    if missing:
        raise DataError(f"パラメータ「{missing[0]}」がありません", file=file, column="parameter")
    return out


def _check_refs(data: BurdenData, folder: Path, network: Path) -> None:
    firms = set(data.firms["firm_id"])
    items = set(zip(data.products["firm_id"], data.products["item_code"], strict=True))
    for i, row in data.products.iterrows():
        if row["firm_id"] not in firms:
            raise BurdenError(
                f"企業「{row['firm_id']}」が firms.csv にありません",
                file=network / "products.csv",
                row=int(i) + 1,
                column="firm_id",
            )
        if row["annual_volume"] <= 0:
            raise BurdenError(
                "年間生産量は正の値です",
                file=network / "products.csv",
                row=int(i) + 1,
                column="annual_volume",
            )
    for i, row in data.links.iterrows():
        for side in ("customer", "supplier"):
            key = (row[f"{side}_firm_id"], row[f"{side}_item"])
            if key not in items:
                raise BurdenError(
                    f"製品「{key[0]}/{key[1]}」が products.csv にありません",
                    file=network / "links.csv",
                    row=int(i) + 1,
                    column=f"{side}_item",
                )
    for i, row in data.finance.iterrows():
        if row["firm_id"] not in firms:
            raise BurdenError(
                f"企業「{row['firm_id']}」が firms.csv にありません",
                file=folder / "firms_finance.csv",
                row=int(i) + 1,
                column="firm_id",
            )
    missing = sorted(firms - set(data.finance["firm_id"]))
    if missing:
        raise BurdenError(
            f"企業「{missing[0]}」の ICP と営業利益がありません",
            file=folder / "firms_finance.csv",
            column="firm_id",
        )
    for i, row in data.projects.iterrows():
        if (row["firm_id"], row["item_code"]) not in items:
            raise BurdenError(
                f"製品「{row['firm_id']}/{row['item_code']}」が products.csv にありません",
                file=folder / "projects.csv",
                row=int(i) + 1,
                column="item_code",
            )


def load_burden(folder: str | Path | None = None, network: str | Path | None = None) -> BurdenData:
    """Load and check the use-case-③ tables and the sample network.

    Parameters
    ----------
    folder : str or Path, optional
        A folder with ``projects.csv``, ``firms_finance.csv``, ``parameters.csv`` (the shipped
        ``data/seminar/burden/`` when omitted); its ``datapackage.json`` is used when present,
        the shipped one otherwise.
    network : str or Path, optional
        A folder with ``firms.csv``, ``products.csv``, ``links.csv`` (the shipped
        ``data/seminar/exchange/`` when omitted).

    Returns
    -------
    BurdenData

    Raises
    ------
    DataError, BurdenError
        Naming file, row and column.
    """
    folder = Path(folder) if folder is not None else burden_dir()
    network = Path(network) if network is not None else network_dir()
    schema_dir = folder if (folder / "datapackage.json").is_file() else burden_dir()
    tables = {
        t: tabular.load_table(folder / f"{t}.csv", _schema(str(schema_dir), t))
        for t in BURDEN_TABLES
    }
    net = {
        t: tabular.load_table(network / f"{t}.csv", copy.deepcopy(NETWORK_SCHEMAS[t]))
        for t in NETWORK_SCHEMAS
    }
    data = BurdenData(
        projects=tables["projects"],
        finance=tables["firms_finance"],
        parameters=parse_parameters(tables["parameters"], folder / "parameters.csv"),
        firms=net["firms"],
        products=net["products"],
        links=net["links"],
    )
    _check_refs(data, folder, network)
    return data


# ---------------------------------------------------------------------------------------------
# cost and received reductions


def capital_recovery_factor(rate: float, lifetime_years: float) -> float:
    """Capital recovery factor ``r (1 + r)^n / ((1 + r)^n − 1)`` [1/yr].

    Parameters
    ----------
    rate : float
        Discount rate [1/yr], ≥ 0.
    lifetime_years : float
        Lifetime [yr], > 0.

    Returns
    -------
    float
        The share of the capital cost to pay each year so that ``n`` equal payments repay it at
        ``rate``; ``1 / n`` at ``rate = 0``.
    """
    if not lifetime_years > 0:
        raise BurdenError(f"耐用年数 {lifetime_years} は正の値です", column="lifetime_years")
    if rate < 0:
        raise BurdenError(f"割引率 {rate} は 0 以上です", column="discount_rate")
    if rate == 0:
        return 1.0 / lifetime_years
    # (1 + r)^n − 1 as expm1(n log1p r): exact for small rates, where 1 + r would round to 1
    growth_minus_one = math.expm1(lifetime_years * math.log1p(rate))
    return rate * (1.0 + growth_minus_one) / growth_minus_one


def annual_cost(project: Mapping[str, Any], rate: float) -> float:
    """Annualised cost of a project ``capex × CRF + opex change`` [¥/yr].

    Parameters
    ----------
    project : mapping or pandas.Series
        With ``capex_yen`` [¥], ``opex_change_yen_per_year`` [¥/yr], ``lifetime_years`` [yr].
    rate : float
        Discount rate [1/yr].
    """
    crf = capital_recovery_factor(rate, float(project["lifetime_years"]))
    return float(project["capex_yen"]) * crf + float(project["opex_change_yen_per_year"])


def _node(firm_id: str, item: str) -> str:
    return f"{firm_id}/{item}"


def total_requirements(products: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Total requirement (Leontief inverse) of every product in every product.

    Parameters
    ----------
    products : pandas.DataFrame
        ``firm_id``, ``item_code`` (one row per product).
    links : pandas.DataFrame
        ``customer_firm_id``, ``customer_item``, ``supplier_firm_id``, ``supplier_item``,
        ``quantity`` [supplier units per customer unit].

    Returns
    -------
    pandas.DataFrame
        Index: customer ``"firm_id/item_code"``; columns: supplier ``"firm_id/item_code"``;
        values: supplier units embodied, directly and indirectly, in one customer unit
        [unit/unit] (1 on the diagonal, 0 when not in the customer's tree).
    """
    nodes = [_node(f, i) for f, i in zip(products["firm_id"], products["item_code"], strict=True)]
    edges = pd.DataFrame(
        {
            "parent": [
                _node(f, i)
                for f, i in zip(links["customer_firm_id"], links["customer_item"], strict=True)
            ],
            "child": [
                _node(f, i)
                for f, i in zip(links["supplier_firm_id"], links["supplier_item"], strict=True)
            ],
            "quantity": links["quantity"].astype(float).to_numpy(),
        }
    )
    own = pd.Series(0.0, index=nodes)
    out = pd.DataFrame(0.0, index=nodes, columns=nodes)
    for root in nodes:
        demand = contributions(edges, own, root)["units_per_root"]
        out.loc[root, demand.index] = demand.to_numpy()
    return out


def received_reductions(data: BurdenData, project_id: str) -> pd.DataFrame:
    """What each firm receives of a project's reduction (Scope 3 accounting).

    Parameters
    ----------
    data : BurdenData
    project_id : str

    Returns
    -------
    pandas.DataFrame
        Index ``firm_id`` (only firms that receive something, implementing firm first, then by
        tier); columns ``name``, ``size``, ``tier``, ``relation`` (自社 / 直接の顧客 / 間接の顧客),
        ``scope`` (自社の Scope 1/2 or Scope 3), ``total_requirement`` [supplier units per unit
        of the firm's product], ``annual_volume`` [units/yr], ``received_t_per_year``
        [t-CO2e/yr]. ``attrs``: ``project_id``, ``reduction_t_per_year``, ``per_unit_t`` and
        ``double_counting`` (Σ received / reduction [-]).
    """
    project = data.project(project_id)
    supplier = _node(project["firm_id"], project["item_code"])
    req = total_requirements(data.products, data.links)[supplier]
    prod = data.products.assign(
        node=[
            _node(f, i)
            for f, i in zip(data.products["firm_id"], data.products["item_code"], strict=True)
        ]
    )
    volume_s = float(prod.set_index("node").loc[supplier, "annual_volume"])
    reduction = float(project["reduction_t_per_year"])
    per_unit = reduction / volume_s
    direct = {
        _node(f, i)
        for f, i, sf, si in zip(
            data.links["customer_firm_id"],
            data.links["customer_item"],
            data.links["supplier_firm_id"],
            data.links["supplier_item"],
            strict=True,
        )
        if _node(sf, si) == supplier
    }
    firms = data.firms.set_index("firm_id")
    rows = []
    for _, p in prod.iterrows():
        need = float(req.get(p["node"], 0.0))
        if need <= 0:
            continue
        own = p["node"] == supplier
        relation = "自社" if own else ("直接の顧客" if p["node"] in direct else "間接の顧客")
        rows.append(
            {
                "firm_id": p["firm_id"],
                "name": firms.loc[p["firm_id"], "name"],
                "size": firms.loc[p["firm_id"], "size"],
                "tier": int(firms.loc[p["firm_id"], "tier"]),
                "relation": relation,
                "scope": "自社の Scope 1/2" if own else "Scope 3",
                "total_requirement": need,
                "annual_volume": float(p["annual_volume"]),
                "received_t_per_year": per_unit * need * float(p["annual_volume"]),
            }
        )
    out = pd.DataFrame(rows).set_index("firm_id")
    out = (
        out.assign(_own=out["relation"] != "自社")
        .sort_values(["_own", "tier"], ascending=[True, False], kind="stable")
        .drop(columns="_own")
    )
    out.attrs.update(
        project_id=project_id,
        reduction_t_per_year=reduction,
        per_unit_t=per_unit,
        double_counting=math.fsum(out["received_t_per_year"].tolist()) / reduction
        if reduction
        else math.nan,
    )
    return out


# ---------------------------------------------------------------------------------------------
# sharing rules


@dataclass(frozen=True)
class Allocation:
    """How a project's annual cost is shared.

    Attributes
    ----------
    rule : str
        Key of ``RULES`` (``+sme`` appended after ``protect_smes``).
    annual_cost_yen : float
        ``C`` [¥/yr].
    shares : pandas.Series
        Cost charged to each firm [¥/yr], indexed by ``firm_id``.
    remainder_yen : float
        Cost charged to no firm [¥/yr]; ``math.fsum(shares) + remainder_yen == C``.
    stderr : pandas.Series or None
        Standard error of sampled Shapley shares [¥/yr] (0 when exact); ``None`` for other rules.
    moved_yen : pandas.Series or None
        After ``protect_smes``: cost moved onto (+) or off (−) each firm [¥/yr].
    """

    rule: str
    annual_cost_yen: float
    shares: pd.Series
    remainder_yen: float = 0.0
    stderr: pd.Series | None = None
    moved_yen: pd.Series | None = field(default=None)

    @property
    def allocated_yen(self) -> float:
        """Cost charged to firms [¥/yr]."""
        return math.fsum(self.shares.tolist())


def _received(received: pd.DataFrame | pd.Series) -> pd.Series:
    series = received["received_t_per_year"] if isinstance(received, pd.DataFrame) else received
    series = series.astype(float)
    if (series < 0).any() or not np.isfinite(series.to_numpy()).all():
        raise BurdenError("受け取る削減量は 0 以上の数値です", column="received_t_per_year")
    return series


def _check_cost(cost: float) -> float:
    cost = float(cost)
    if not math.isfinite(cost):
        raise BurdenError("年間費用が数値ではありません", column="annual_cost_yen")
    return cost


def share_alone(received: pd.DataFrame | pd.Series, cost: float, firm_id: str) -> Allocation:
    """The implementing firm ``firm_id`` pays the whole annual cost ``cost`` [¥/yr]."""
    r = _received(received)
    if firm_id not in r.index:
        raise BurdenError(f"実施企業「{firm_id}」が受け取る削減量の表にありません")
    shares = pd.Series(0.0, index=r.index, name="cost_yen_per_year")
    shares[firm_id] = _check_cost(cost)
    return Allocation("alone", float(cost), shares)


def share_proportional(received: pd.DataFrame | pd.Series, cost: float) -> Allocation:
    """``cost × received_i / Σ received`` [¥/yr].

    Parameters
    ----------
    received : pandas.DataFrame or Series
        ``received_t_per_year`` [t-CO2e/yr] by firm (``received_reductions``).
    cost : float
        Annual cost [¥/yr].
    """
    r = _received(received)
    total = math.fsum(r.tolist())
    if total <= 0:
        raise BurdenError("受け取る削減量の合計が 0 なので比例で分けられません")
    shares = (r / total * _check_cost(cost)).rename("cost_yen_per_year")
    return Allocation("proportional", float(cost), shares)


def _worth(r: pd.Series, icp: pd.Series | Mapping[str, float]) -> pd.Series:
    icp = pd.Series(icp, dtype=float)
    missing = [f for f in r.index if f not in icp.index]
    if missing:
        raise BurdenError(f"企業「{missing[0]}」の ICP がありません", column="icp_yen_per_t")
    price = icp.reindex(r.index).astype(float)
    if (price < 0).any() or not np.isfinite(price.to_numpy()).all():
        raise BurdenError("ICP は 0 以上の数値です", column="icp_yen_per_t")
    return (r * price).rename("worth_yen_per_year")


def _positive_cost(cost: float) -> float:
    cost = _check_cost(cost)
    if cost <= 0:
        raise BurdenError(
            f"年間費用 {cost:,.0f} 円は 0 以下です（費用の節約で元が取れるので分担の必要がありません）"
        )
    return cost


def share_icp(
    received: pd.DataFrame | pd.Series, cost: float, icp: pd.Series | Mapping[str, float]
) -> Allocation:
    """Each firm pays up to ``ICP × received``, in proportion; the rest is unallocated.

    Parameters
    ----------
    received : pandas.DataFrame or Series
        ``received_t_per_year`` [t-CO2e/yr] by firm.
    cost : float
        Annual cost [¥/yr], > 0.
    icp : pandas.Series or mapping
        ICP by firm [¥/t-CO2e].

    Returns
    -------
    Allocation
        ``shares = w × min(1, C / Σ w)`` with ``w = ICP × received`` [¥/yr];
        ``remainder_yen = max(0, C − Σ w)``.
    """
    r = _received(received)
    cost = _positive_cost(cost)
    w = _worth(r, icp)
    total = math.fsum(w.tolist())
    if total <= cost:
        shares = w.copy()
        remainder = cost - total
    else:
        shares = w * (cost / total)
        remainder = 0.0
    return Allocation("icp", cost, shares.rename("cost_yen_per_year"), remainder)


def icp_cost_game(worth: pd.Series, cost: float) -> Callable[[np.ndarray], np.ndarray]:
    """Characteristic function of the cost game ``c(S) = min(C, Σ_{i∈S} w_i)``.

    Parameters
    ----------
    worth : pandas.Series
        ``w_i = ICP_i × received_i`` [¥/yr], the players in order.
    cost : float
        ``C`` [¥/yr].

    Returns
    -------
    callable
        Takes a boolean membership matrix (coalitions × players) and returns each coalition's
        cost [¥/yr] (0 for the empty coalition).
    """
    w = worth.astype(float).to_numpy()

    def game(members: np.ndarray) -> np.ndarray:
        return np.minimum(float(cost), members.astype(float) @ w)

    return game


def shapley_values(
    players: Iterable[str],
    game: Callable[[np.ndarray], np.ndarray],
    exact_max_players: int = 12,
    samples: int = 4000,
    seed: int = 0,
) -> tuple[pd.Series, pd.Series]:
    """Shapley value of a transferable-utility game, exact or sampled.

    Parameters
    ----------
    players : iterable of str
        Player labels, in the order of the game's columns.
    game : callable
        Boolean membership matrix (coalitions × players) → coalition values; the empty
        coalition must be worth 0.
    exact_max_players : int
        Up to this many players, the exact value over all ``2^n`` coalitions:
        ``φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! × (v(S ∪ {i}) − v(S))``.
    samples : int
        Above it, the mean marginal contribution over ``samples`` random orders (permutation
        sampling, Castro et al. 2009).
    seed : int
        Seed of the random orders.

    Returns
    -------
    value : pandas.Series
        Shapley value per player [unit of the game]; sums to ``v(N)`` (exactly so for the
        sampled estimate too, since every order's marginals sum to ``v(N)``).
    stderr : pandas.Series
        Standard error of the sampled estimate per player (0 when exact); ±1.96 × stderr is an
        approximate 95 % interval.
    """
    labels = list(players)
    n = len(labels)
    if n == 0:
        empty = pd.Series(dtype=float)
        return empty, empty
    if n <= exact_max_players:
        masks = np.arange(1 << n)
        members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
        values = np.asarray(game(members), dtype=float)
        sizes = members.sum(axis=1)
        weight = np.array(
            [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
        )
        phi = np.empty(n)
        for i in range(n):
            without = masks[(masks >> i) & 1 == 0]
            gains = values[without | (1 << i)] - values[without]
            phi[i] = math.fsum((weight[sizes[without]] * gains).tolist())
        return pd.Series(phi, index=labels), pd.Series(0.0, index=labels)
    if samples < 2:
        raise BurdenError("サンプリングの順列の数は 2 以上です", column="shapley_samples")
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((samples, n)), axis=1)
    position = np.empty_like(order)
    rows = np.arange(samples)[:, None]
    position[rows, order] = np.arange(n)[None, :]
    previous = np.asarray(game(np.zeros((samples, n), dtype=bool)), dtype=float)
    marginal = np.empty((samples, n))
    for k in range(n):
        current = np.asarray(game(position <= k), dtype=float)
        marginal[np.arange(samples), order[:, k]] = current - previous
        previous = current
    phi = marginal.mean(axis=0)
    stderr = marginal.std(axis=0, ddof=1) / math.sqrt(samples)
    return pd.Series(phi, index=labels), pd.Series(stderr, index=labels)


def share_shapley(
    received: pd.DataFrame | pd.Series,
    cost: float,
    icp: pd.Series | Mapping[str, float],
    exact_max_players: int = 12,
    samples: int = 4000,
    seed: int = 0,
) -> Allocation:
    """Shapley value of the cost game ``c(S) = min(C, Σ_{i∈S} ICP_i × received_i)``.

    Parameters
    ----------
    received : pandas.DataFrame or Series
        ``received_t_per_year`` [t-CO2e/yr] by firm (the players).
    cost : float
        Annual cost ``C`` [¥/yr], > 0.
    icp : pandas.Series or mapping
        ICP by firm [¥/t-CO2e].
    exact_max_players, samples, seed
        See ``shapley_values``.

    Returns
    -------
    Allocation
        ``shares`` [¥/yr] summing to ``min(C, Σ w)``; ``remainder_yen = max(0, C − Σ w)``;
        ``stderr`` [¥/yr]. Properties: efficiency, symmetry (equal worth, equal share), null
        player (no worth, no share), and no firm pays more than its worth ``w_i``.
    """
    r = _received(received)
    cost = _positive_cost(cost)
    w = _worth(r, icp)
    phi, se = shapley_values(r.index, icp_cost_game(w, cost), exact_max_players, samples, seed)
    allocated = min(cost, math.fsum(w.tolist()))
    return Allocation("shapley", cost, phi.rename("cost_yen_per_year"), cost - allocated, stderr=se)


def protect_smes(
    allocation: Allocation,
    firms: pd.DataFrame,
    finance: pd.DataFrame,
    received: pd.DataFrame | pd.Series,
    cap_share: float,
    redistribute_to: Iterable[str] = ("large",),
) -> Allocation:
    """Cap every SME's share and move the excess to larger firms by received reduction.

    Parameters
    ----------
    allocation : Allocation
        The result of a sharing rule.
    firms : pandas.DataFrame
        ``firm_id``, ``size`` (large / medium / SME).
    finance : pandas.DataFrame
        ``firm_id``, ``annual_operating_profit_yen`` [¥/yr].
    received : pandas.DataFrame or Series
        ``received_t_per_year`` [t-CO2e/yr] by firm.
    cap_share : float
        An SME pays at most ``cap_share × annual operating profit`` [-].
    redistribute_to : iterable of str
        Sizes of the firms that take over the excess, in proportion to what they receive; when
        none of them receives anything the excess becomes unallocated.

    Returns
    -------
    Allocation
        Rule ``"{rule}+sme"``; same total (``shares + remainder == C``); every SME at or below
        its cap; ``moved_yen`` per firm [¥/yr].
    """
    if not 0.0 <= cap_share:
        raise BurdenError(f"中小企業の上限の割合 {cap_share} は 0 以上です")
    r = _received(received).reindex(allocation.shares.index).fillna(0.0)
    size = firms.set_index("firm_id")["size"].reindex(allocation.shares.index)
    capacity = (
        finance.set_index("firm_id")["annual_operating_profit_yen"]
        .reindex(allocation.shares.index)
        .astype(float)
    )
    shares = allocation.shares.astype(float).copy()
    cap = cap_share * capacity
    sme = (size == "SME").to_numpy()
    excess = (shares - cap).clip(lower=0.0).where(sme, 0.0)
    moved = -excess
    shares = shares - excess
    total_excess = math.fsum(excess.tolist())
    takers = size.isin(list(redistribute_to)).to_numpy() & (r > 0).to_numpy()
    remainder = allocation.remainder_yen
    if total_excess > 0:
        base = r.where(takers, 0.0)
        base_total = math.fsum(base.tolist())
        if base_total > 0:
            extra = base / base_total * total_excess
            shares = shares + extra
            moved = moved + extra
        else:
            remainder += total_excess
    return replace(
        allocation,
        rule=f"{allocation.rule}+sme",
        shares=shares.rename("cost_yen_per_year"),
        remainder_yen=remainder,
        moved_yen=moved.rename("moved_yen_per_year"),
    )


def allocate(
    data: BurdenData,
    project_id: str,
    rule: str,
    icp: pd.Series | Mapping[str, float] | None = None,
    protect: bool = False,
    cap_share: float | None = None,
    received: pd.DataFrame | None = None,
) -> Allocation:
    """Share one project's annual cost by ``rule``, optionally with SME protection.

    Parameters
    ----------
    data : BurdenData
    project_id : str
    rule : str
        Key of ``RULES``.
    icp : pandas.Series or mapping, optional
        ICP by firm [¥/t-CO2e]; ``data.icp()`` when omitted.
    protect : bool
        Apply ``protect_smes`` with ``cap_share``.
    cap_share : float, optional
        SME cap [-]; the ``sme_cap_share_of_capacity`` parameter when omitted.
    received : pandas.DataFrame, optional
        ``received_reductions(data, project_id)`` when omitted.

    Returns
    -------
    Allocation
    """
    if rule not in RULES:
        raise BurdenError(f"分担ルール「{rule}」はありません（{', '.join(RULES)}）")
    params = data.parameters
    project = data.project(project_id)
    received = received_reductions(data, project_id) if received is None else received
    cost = annual_cost(project, params["discount_rate"])
    icp = data.icp() if icp is None else icp
    if rule == "alone":
        out = share_alone(received, cost, str(project["firm_id"]))
    elif rule == "proportional":
        out = share_proportional(received, cost)
    elif rule == "icp":
        out = share_icp(received, cost, icp)
    else:
        out = share_shapley(
            received,
            cost,
            icp,
            params["shapley_exact_max_players"],
            params["shapley_samples"],
            params["shapley_seed"],
        )
    if protect:
        cap = params["sme_cap_share_of_capacity"] if cap_share is None else cap_share
        out = protect_smes(
            out, data.firms, data.finance, received, cap, params["redistribute_to_size"]
        )
    return out


# ---------------------------------------------------------------------------------------------
# tables


def burden_table(
    allocation: Allocation,
    received: pd.DataFrame,
    data: BurdenData,
    icp: pd.Series | Mapping[str, float] | None = None,
    cap_share: float | None = None,
    include_remainder: bool = True,
) -> pd.DataFrame:
    """Per-firm table: cost, received reduction, ¥/t-CO2e, affordability, SME flag.

    Parameters
    ----------
    allocation : Allocation
    received : pandas.DataFrame
        ``received_reductions``.
    data : BurdenData
    icp : pandas.Series or mapping, optional
        ICP by firm [¥/t-CO2e]; ``data.icp()`` when omitted.
    cap_share : float, optional
        SME cap [-]; the ``sme_cap_share_of_capacity`` parameter when omitted.
    include_remainder : bool
        Add a row ``REMAINDER`` with the unallocated cost, so the cost column sums to ``C``.

    Returns
    -------
    pandas.DataFrame
        Index ``firm_id``; columns ``name``, ``size``, ``received_t_per_year`` [t-CO2e/yr],
        ``cost_yen_per_year`` [¥/yr], ``yen_per_t`` [¥/t-CO2e] (cost ÷ received),
        ``icp_yen_per_t`` [¥/t-CO2e], ``worth_yen_per_year`` [¥/yr] (ICP × received),
        ``within_icp`` (cost ≤ worth), ``capacity_yen_per_year`` [¥/yr] (operating profit),
        ``share_of_capacity`` [-], ``affordable`` (share ≤ ``affordable_share_of_capacity``),
        ``sme_cap_yen_per_year`` [¥/yr] (SMEs only), ``sme_flag`` (an SME charged above its
        cap: the customer's demand would put it at risk) and, after protection,
        ``moved_yen_per_year`` [¥/yr]. ``attrs``: ``rule``, ``annual_cost_yen``,
        ``remainder_yen``.
    """
    params = data.parameters
    cap_share = params["sme_cap_share_of_capacity"] if cap_share is None else cap_share
    icp = data.icp() if icp is None else pd.Series(icp, dtype=float)
    firms = data.firms.set_index("firm_id")
    fin = data.finance.set_index("firm_id")
    idx = allocation.shares.index
    r = received["received_t_per_year"].reindex(idx).fillna(0.0).astype(float)
    cost = allocation.shares.astype(float)
    price = pd.Series(icp, dtype=float).reindex(idx).astype(float)
    capacity = fin["annual_operating_profit_yen"].reindex(idx).astype(float)
    size = firms["size"].reindex(idx)
    share_cap = cost / capacity.where(capacity > 0)
    sme_cap = (capacity * cap_share).where(size == "SME")
    out = pd.DataFrame(
        {
            "name": firms["name"].reindex(idx),
            "size": size,
            "received_t_per_year": r,
            "cost_yen_per_year": cost,
            "yen_per_t": (cost / r.where(r > 0)),
            "icp_yen_per_t": price,
            "worth_yen_per_year": price * r,
            "within_icp": cost <= price * r * (1 + 1e-12) + 1e-9,
            "capacity_yen_per_year": capacity,
            "share_of_capacity": share_cap,
            "affordable": share_cap.fillna(math.inf) <= params["affordable_share_of_capacity"],
            "sme_cap_yen_per_year": sme_cap,
            "sme_flag": (size == "SME") & (cost > sme_cap * (1 + 1e-12) + 1e-9),
        },
        index=idx,
    )
    if allocation.moved_yen is not None:
        out["moved_yen_per_year"] = allocation.moved_yen.reindex(idx).fillna(0.0)
    if allocation.stderr is not None:
        out["stderr_yen_per_year"] = allocation.stderr.reindex(idx)
    if include_remainder and allocation.remainder_yen != 0:
        extra = pd.DataFrame(
            {"name": ["誰も負担しない残額"], "cost_yen_per_year": [allocation.remainder_yen]},
            index=[REMAINDER],
        )
        out = pd.concat([out, extra])
    out.index.name = "firm_id"
    out.attrs.update(
        rule=allocation.rule,
        annual_cost_yen=allocation.annual_cost_yen,
        remainder_yen=allocation.remainder_yen,
    )
    return out


def compare_rules(
    data: BurdenData,
    project_id: str,
    icp: pd.Series | Mapping[str, float] | None = None,
    protect: bool = False,
    cap_share: float | None = None,
) -> pd.DataFrame:
    """Cost per firm under every rule [¥/yr], side by side.

    Returns
    -------
    pandas.DataFrame
        Index ``firm_id`` (plus ``REMAINDER``); one column per rule (Japanese name of
        ``RULES``), then ``received_t_per_year`` [t-CO2e/yr]. Every rule's column sums to the
        project's annual cost.
    """
    received = received_reductions(data, project_id)
    columns = {}
    for key, label in RULES.items():
        alloc = allocate(
            data, project_id, key, icp=icp, protect=protect, cap_share=cap_share, received=received
        )
        shares = alloc.shares.copy()
        shares[REMAINDER] = alloc.remainder_yen
        columns[label] = shares
    out = pd.DataFrame(columns)
    out["received_t_per_year"] = received["received_t_per_year"].reindex(out.index)
    out.index.name = "firm_id"
    return out


def project_summary(data: BurdenData) -> pd.DataFrame:
    """Each project's annual cost and cost per tonne.

    Returns
    -------
    pandas.DataFrame
        Index ``project_id``; columns ``firm_id``, ``description``, ``crf`` [1/yr],
        ``annual_cost_yen`` [¥/yr], ``reduction_t_per_year`` [t-CO2e/yr], ``yen_per_t``
        [¥/t-CO2e], ``received_total_t_per_year`` [t-CO2e/yr] and ``double_counting`` [-].
    """
    rate = data.parameters["discount_rate"]
    rows = []
    for _, p in data.projects.iterrows():
        cost = annual_cost(p, rate)
        rec = received_reductions(data, p["project_id"])
        rows.append(
            {
                "project_id": p["project_id"],
                "firm_id": p["firm_id"],
                "description": p["description"],
                "crf": capital_recovery_factor(rate, float(p["lifetime_years"])),
                "annual_cost_yen": cost,
                "reduction_t_per_year": float(p["reduction_t_per_year"]),
                "yen_per_t": cost / float(p["reduction_t_per_year"])
                if p["reduction_t_per_year"]
                else math.nan,
                "received_total_t_per_year": math.fsum(rec["received_t_per_year"].tolist()),
                "double_counting": rec.attrs["double_counting"],
            }
        )
    return pd.DataFrame(rows).set_index("project_id")


__all__ = [
    "PARAMETERS",
    "REMAINDER",
    "RULES",
    "SIZE_JA",
    "Allocation",
    "BurdenData",
    "BurdenError",
    "allocate",
    "annual_cost",
    "burden_table",
    "capital_recovery_factor",
    "compare_rules",
    "icp_cost_game",
    "load_burden",
    "parse_parameters",
    "project_summary",
    "protect_smes",
    "received_reductions",
    "shapley_values",
    "share_alone",
    "share_icp",
    "share_proportional",
    "share_shapley",
    "total_requirements",
]
