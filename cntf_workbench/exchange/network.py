"""The firms of the exchange simulation and their supply links: the sample and synthetic networks.

A :class:`Network` is tables only (what each firm owns, in the schemas of
``data/seminar/exchange/datapackage.json``); :mod:`cntf_workbench.exchange.firms` turns it into
firms that talk by messages. ``load_network()`` reads the shipped sample (two final makers of
different groups, Tier 1 suppliers, a Tier 2 that supplies both groups, Tier 3 firms including an
SME subcontractor, a logistics firm); ``synthetic()`` builds N firms in T tiers with networkx for
scale tests and benchmarks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import yaml

from cntf_workbench import tabular, units
from cntf_workbench.errors import CntfError, DataError
from cntf_workbench.resources import data_root

TABLES: tuple[str, ...] = (
    "firms",
    "products",
    "links",
    "processes",
    "costs",
    "terms",
    "dictionary",
    "contracts",
)

PLATFORM = "PLATFORM"
"""Party id of the central platform (many-to-1 model)."""


class NetworkError(CntfError):
    """A broken reference or a cycle in the network tables."""

    area = "ネットワーク"


@dataclass(frozen=True)
class Settings:
    """Parameters of a simulation run (``simulation.yaml``; all assumed teaching values).

    Attributes
    ----------
    as_of : datetime.date
        Date of the PULL request; contracts are checked against it.
    period_start, period_end : datetime.datetime
        PACT reference period of the footprints.
    created : datetime.datetime
        Creation time written into PACT documents (fixed, so runs are reproducible).
    deadline_hours : float
        The final maker's deadline for its answer [h].
    platform_hours : float
        Time the central platform takes to compute every footprint [h].
    late_factor : float
        A firm in "late" fault mode answers after this many times its usual time, and after
        the deadline.
    purpose : str
        Purpose of the requests (checked against the contracts).
    """

    as_of: dt.date
    period_start: dt.datetime
    period_end: dt.datetime
    created: dt.datetime
    deadline_hours: float = 720.0
    platform_hours: float = 2.0
    late_factor: float = 3.0
    purpose: str = "cfp"


def _time(text: object) -> dt.datetime:
    value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read ``simulation.yaml``.

    Raises
    ------
    DataError
        A key is missing or a value cannot be read (file and key named).
    """
    path = Path(path) if path is not None else exchange_dir() / "simulation.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return Settings(
            as_of=dt.date.fromisoformat(str(raw["as_of"])),
            period_start=_time(raw["reference_period"]["start"]),
            period_end=_time(raw["reference_period"]["end"]),
            created=_time(raw["created"]),
            deadline_hours=float(raw["deadline_hours"]),
            platform_hours=float(raw["platform_hours"]),
            late_factor=float(raw["late_factor"]),
            purpose=str(raw["purpose"]),
        )
    except KeyError as exc:
        raise DataError(f"設定「{exc.args[0]}」がありません", file=path) from None
    except (TypeError, ValueError) as exc:
        raise DataError(f"設定を読めません: {exc}", file=path) from None


def exchange_dir() -> Path:
    """The shipped ``data/seminar/exchange`` folder."""
    return data_root() / "seminar" / "exchange"


@dataclass
class Network:
    """The tables of an exchange network (columns as in ``datapackage.json``).

    Attributes
    ----------
    firms, products, links, processes, costs, terms, dictionary, contracts : pandas.DataFrame
    settings : Settings
    folder : str
        Where the tables came from ("" for a synthetic network).
    """

    firms: pd.DataFrame
    products: pd.DataFrame
    links: pd.DataFrame
    processes: pd.DataFrame
    costs: pd.DataFrame
    terms: pd.DataFrame
    dictionary: pd.DataFrame
    contracts: pd.DataFrame
    settings: Settings
    folder: str = ""
    _graph: nx.DiGraph | None = field(default=None, repr=False, compare=False)

    def graph(self) -> nx.DiGraph:
        """Supply graph over products: an edge supplier → customer with ``quantity``.

        Nodes are ``(firm_id, item_code)``.
        """
        if self._graph is None:
            g = nx.DiGraph()
            g.add_nodes_from(
                zip(self.products["firm_id"], self.products["item_code"], strict=False)
            )
            g.add_edges_from(
                ((s, si), (c, ci), {"quantity": q})
                for s, si, c, ci, q in zip(
                    self.links["supplier_firm_id"],
                    self.links["supplier_item"],
                    self.links["customer_firm_id"],
                    self.links["customer_item"],
                    self.links["quantity"],
                    strict=False,
                )
            )
            self._graph = g
        return self._graph

    def final_products(self) -> list[tuple[str, str]]:
        """Products that no firm of the network buys, ``(firm_id, item_code)``."""
        g = self.graph()
        return [n for n in g.nodes if g.out_degree(n) == 0]

    def upstream(self, firm_id: str, item_code: str) -> set[tuple[str, str]]:
        """Every product that goes into ``(firm_id, item_code)``, directly or not, and itself."""
        return nx.ancestors(self.graph(), (firm_id, item_code)) | {(firm_id, item_code)}

    def with_changes(self, **tables: pd.DataFrame) -> Network:
        """A copy with some tables replaced (e.g. an improved process record)."""
        return replace(self, _graph=None, **tables)

    def firm_table(self) -> pd.DataFrame:
        """Firms with their Japanese column names, for display."""
        return self.firms.rename(
            columns={
                "firm_id": "企業ID",
                "name": "企業名",
                "role": "役割",
                "tier": "ティア",
                "group": "系列",
                "size": "規模",
                "region": "地域",
                "response_hours": "回答時間[h]",
            }
        )[["企業ID", "企業名", "役割", "ティア", "系列", "規模", "地域", "回答時間[h]"]]


def _schema(name: str) -> dict:
    return tabular.load_schema(exchange_dir() / "datapackage.json", name)


def _check_refs(net: Network, base: str) -> None:
    def file(name: str) -> str:
        return str(Path(base) / f"{name}.csv") if base else f"{name}.csv"

    firms = set(net.firms["firm_id"])
    products = set(zip(net.products["firm_id"], net.products["item_code"], strict=False))
    units_of = dict(
        zip(
            zip(net.products["firm_id"], net.products["item_code"], strict=False),
            net.products["unit"],
            strict=False,
        )
    )
    for i, r in enumerate(net.products.itertuples(index=False), start=1):
        if r.firm_id not in firms:
            raise NetworkError(
                f"企業「{r.firm_id}」が firms にありません",
                file=file("products"),
                row=i,
                column="firm_id",
            )
    for i, r in enumerate(net.links.itertuples(index=False), start=1):
        for side, firm, item in (
            ("customer", r.customer_firm_id, r.customer_item),
            ("supplier", r.supplier_firm_id, r.supplier_item),
        ):
            if (firm, item) not in products:
                raise NetworkError(
                    f"製品 {firm}:{item} が products にありません",
                    file=file("links"),
                    row=i,
                    column=f"{side}_item",
                )
        expected = units_of[(r.supplier_firm_id, r.supplier_item)]
        if str(r.unit) != str(expected):
            raise NetworkError(
                f"購入量の単位「{r.unit}」が供給者の宣言単位「{expected}」と違います",
                file=file("links"),
                row=i,
                column="unit",
            )
    for i, r in enumerate(net.processes.itertuples(index=False), start=1):
        if (r.firm_id, r.item_code) not in products:
            raise NetworkError(
                f"製品 {r.firm_id}:{r.item_code} が products にありません",
                file=file("processes"),
                row=i,
                column="item_code",
            )
        try:
            units.parse_unit(str(r.unit))
        except units.UnitError as exc:
            raise DataError(exc.message, file=file("processes"), row=i, column="unit") from None
    parties = firms | {PLATFORM}
    for i, r in enumerate(net.contracts.itertuples(index=False), start=1):
        for col in ("provider", "recipient"):
            if getattr(r, col) not in parties:
                raise NetworkError(
                    f"企業「{getattr(r, col)}」が firms にありません",
                    file=file("contracts"),
                    row=i,
                    column=col,
                )
    g = net.graph()
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        names = " → ".join(f"{a[0]}:{a[1]}" for a, _b in cycle)
        raise NetworkError(f"供給関係が循環しています（{names}）", file=file("links"))


def load_network(folder: str | Path | None = None, settings: Settings | None = None) -> Network:
    """Load and validate the exchange tables.

    Parameters
    ----------
    folder : str or Path, optional
        A folder with the same CSV files (and ``simulation.yaml`` unless ``settings`` is given);
        the shipped ``data/seminar/exchange/`` when omitted.
    settings : Settings, optional

    Raises
    ------
    DataError
        A row does not match its schema (file, row and column named).
    NetworkError
        A broken reference, a unit mismatch or a cycle.
    """
    base = Path(folder) if folder is not None else exchange_dir()
    tables = {name: tabular.load_table(base / f"{name}.csv", _schema(name)) for name in TABLES}
    if settings is None:
        own = base / "simulation.yaml"
        settings = load_settings(own if own.exists() else None)
    net = Network(**tables, settings=settings, folder=str(base))
    _check_refs(net, str(base))
    return net


def synthetic(
    n_firms: int = 100,
    n_links: int | None = None,
    tiers: int = 4,
    seed: int = 0,
    granularities: tuple[str, ...] = ("total", "stage"),
    settings: Settings | None = None,
) -> Network:
    """A synthetic network of ``n_firms`` firms in ``tiers`` tiers, one product each.

    Tier 0 holds the final makers (1 % of the firms, at least one). Every firm above the last
    tier buys from 1 + Poisson(λ) suppliers of the next tier (20 % of them from the tier after),
    with λ set so the links add up to about ``n_links``; every firm below tier 0 supplies at
    least one firm of the tier above, so a PULL at a final maker can reach it. Links always run
    from a deeper tier to a shallower one, so the graph is acyclic. Process records, dictionaries (with grams, kilograms
    or tonnes for the footprint) and contracts are generated alike; all values are synthetic.

    Parameters
    ----------
    n_firms : int
    n_links : int, optional
        Supply links; ``5 × n_firms`` when omitted.
    tiers : int
    seed : int
    granularities : tuple of str
        Granularities the generated contracts draw from.
    settings : Settings, optional
        The shipped ``simulation.yaml`` when omitted.

    Returns
    -------
    Network
    """
    if n_firms < tiers or tiers < 2:
        raise NetworkError(f"企業数 {n_firms} とティア数 {tiers} では網を作れません")
    rng = np.random.default_rng(seed)
    n_links = 5 * n_firms if n_links is None else n_links
    n_final = max(1, n_firms // 100)
    rest = n_firms - n_final
    tier = np.concatenate(
        [np.zeros(n_final, dtype=int), 1 + np.sort(rng.integers(0, tiers - 1, size=rest))]
    )
    for t in range(1, tiers):  # no empty tier
        if not (tier == t).any():
            tier[n_final + t - 1] = t
    tier = np.sort(tier)
    ids = np.array([f"F{i:05d}" for i in range(n_firms)])
    by_tier = [np.flatnonzero(tier == t) for t in range(tiers)]
    edges: set[tuple[int, int]] = set()  # (supplier, customer)
    # every firm above the last tier buys from the next tier (20 % of its suppliers from the
    # tier after, when there is one); the number of suppliers per customer is 1 + Poisson(λ),
    # λ chosen so the links add up to about n_links
    customers = np.flatnonzero(tier < tiers - 1)
    lam = max(n_links / max(len(customers), 1) - 1.0, 0.0)
    counts = 1 + rng.poisson(lam, size=len(customers))
    for c, k in zip(customers, counts, strict=True):
        t = int(tier[c])
        for _ in range(int(k)):
            src = t + 2 if t + 2 < tiers and rng.random() < 0.2 else t + 1
            edges.add((int(rng.choice(by_tier[src])), int(c)))
    for t in range(1, tiers):  # every supplier has a customer, so a PULL can reach it
        has_customer = {s_ for s_, _c in edges}
        for s_ in by_tier[t]:
            if int(s_) not in has_customer:
                edges.add((int(s_), int(rng.choice(by_tier[t - 1]))))
    edges_arr = np.array(sorted(edges))
    items = np.array([f"P{i:05d}" for i in range(n_firms)])
    sec = np.array(["db_motor_small", "db_coil", "db_painting", "db_housing_steel"])
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "name": [f"合成企業{i}" for i in range(n_firms)],
            "name_en": [f"synthetic firm {i}" for i in range(n_firms)],
            "role": np.where(tier == 0, "final_maker", "part_supplier"),
            "tier": tier,
            "group": np.where(rng.random(n_firms) < 0.5, "A系列", "B系列"),
            "size": rng.choice(["large", "medium", "SME"], size=n_firms, p=[0.1, 0.3, 0.6]),
            "region": "JP",
            "electricity_factor_id": "elec_jp_fepc_fy2022",
            "response_hours": rng.choice([4.0, 24.0, 48.0, 72.0], size=n_firms),
            "provenance": "synthetic",
        }
    )
    products = pd.DataFrame(
        {
            "firm_id": ids,
            "item_code": items,
            "name": [f"部品{i}" for i in range(n_firms)],
            "name_en": [f"part {i}" for i in range(n_firms)],
            "category": "product:part",
            "unit": "unit",
            "mass_kg": np.round(rng.uniform(0.1, 5.0, n_firms), 3),
            "annual_volume": 1000.0,
            "secondary_factor_id": rng.choice(sec, size=n_firms),
            "provenance": "synthetic",
        }
    )
    s_idx, c_idx = edges_arr[:, 0], edges_arr[:, 1]
    links = pd.DataFrame(
        {
            "customer_firm_id": ids[c_idx],
            "customer_item": items[c_idx],
            "customer_code": [f"C{c}-{s}" for s, c in zip(s_idx, c_idx, strict=False)],
            "supplier_firm_id": ids[s_idx],
            "supplier_item": items[s_idx],
            "quantity": np.round(rng.uniform(0.1, 3.0, len(edges_arr)), 3),
            "unit": "unit",
            "stage": "部品調達",
            "provenance": "synthetic",
        }
    )
    n_rec = rng.integers(1, 4, size=n_firms)
    owner = np.repeat(np.arange(n_firms), n_rec)
    activity = rng.choice(["electricity", "city_gas", "diesel"], size=len(owner), p=[0.7, 0.2, 0.1])
    unit_of = {"electricity": "kWh", "city_gas": "Nm3", "diesel": "L"}
    processes = pd.DataFrame(
        {
            "record_id": [f"R{i:06d}" for i in range(len(owner))],
            "firm_id": ids[owner],
            "item_code": items[owner],
            "stage": rng.choice(["部品製造", "部品保管"], size=len(owner), p=[0.8, 0.2]),
            "process": [f"工程{j}" for j in range(len(owner))],
            "activity": activity,
            "amount": np.round(rng.uniform(0.01, 2.0, len(owner)), 4),
            "unit": [unit_of[a] for a in activity],
            "factor_id": None,
            "data_kind": "measured",
            "provenance": "synthetic",
        }
    )
    costs = pd.DataFrame(
        {
            "firm_id": ids,
            "item_code": items,
            "cost_yen_per_unit": np.round(rng.uniform(100, 10000, n_firms)),
            "margin_share": 0.05,
            "provenance": "synthetic",
        }
    )
    sample = load_network()
    terms = sample.terms
    pcf_unit = rng.choice(["g", "kg", "t"], size=n_firms)
    dictionary = pd.DataFrame(
        {
            "firm_id": np.repeat(ids, 4),
            "term": np.tile(["item_code", "pcf", "declared_unit", "primary_share"], n_firms),
            "local_field": np.tile(["item_code", "pcf", "declared_unit", "primary_share"], n_firms),
            "local_unit": np.column_stack(
                [np.full(n_firms, ""), pcf_unit, np.full(n_firms, ""), np.full(n_firms, "percent")]
            ).ravel(),
            "provenance": "synthetic",
        }
    )
    s = sample.settings if settings is None else settings
    start, end = s.as_of.replace(month=4, day=1), s.as_of.replace(year=s.as_of.year + 1)
    pair = pd.DataFrame(
        {
            "contract_id": [f"K{i:06d}" for i in range(len(edges_arr))],
            "provider": ids[s_idx],
            "recipient": ids[c_idx],
            "items": items[s_idx],
            "granularity": rng.choice(list(granularities), size=len(edges_arr)),
            "purpose": s.purpose,
            "onward": None,
            "spec": rng.choice(["3", "2"], size=len(edges_arr), p=[0.8, 0.2]),
        }
    )
    platform = pd.DataFrame(
        {
            "contract_id": [f"U{i:05d}" for i in range(n_firms)],
            "provider": ids,
            "recipient": PLATFORM,
            "items": "*",
            "granularity": "process",
            "purpose": s.purpose,
            "onward": None,
            "spec": "3",
        }
    )
    contracts = pd.concat([pair, platform], ignore_index=True)
    contracts["valid_from"] = str(start)
    contracts["valid_to"] = str(end)
    contracts["provenance"] = "synthetic"
    return Network(
        firms=firms,
        products=products,
        links=links,
        processes=processes,
        costs=costs,
        terms=terms,
        dictionary=dictionary,
        contracts=contracts,
        settings=s,
        folder="",
    )
