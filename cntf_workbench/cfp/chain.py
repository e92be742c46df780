"""Supply-chain CFP (サプライチェーンCFP): order-level footprints across firms.

The seminar's figure "サプライチェーンCFP最適化シミュレーション" made computable. Each firm turns its
records (実績) and conversion tables (変換TBL) into order-level CFPs (オーダCFP) at the stages
``STAGES``; the inter-firm SCM-BOM (``order_links``: which supplier order goes into which
customer order, and what share of it) joins them into a product order's cradle-to-gate
footprint, solved as one sparse linear system by ``cntf_workbench.cfp.bom.rollup`` /
``contributions`` (orders are the items of the BOM).

API for scenarios
-----------------
Stable names helper modules (scenarios, uncertainty, optimisation) build on:

- ``load_chain(folder=None) -> ChainData``: the validated tables of ``data/seminar/chain/``
  (frozen dataclass of DataFrames; ``ChainData.TABLES`` lists them).
- ``replace(chain, **tables) -> ChainData`` (also ``chain.replace(...)``): a copy with some
  tables swapped, re-checked; the original is never changed. E.g.
  ``replace(chain, firms=chain.firms.assign(electricity_factor_id=...))``.
- ``record_emissions(chain, factors, transport=None) -> DataFrame``: every record's own
  emission, vectorised (columns ``RECORD_COLUMNS``: ``order_id, record_id, firm_id``,
  the trace columns without the scope, and ``own_scope``).
- ``order_totals(chain, factors, transport=None) -> DataFrame``: per order, its own emission
  and its cradle-to-gate emission (one triangular solve for all orders).
- ``chain_records(chain, factors, order_id=None, transport=None) -> DataFrame``: the rows that
  make up a product order's footprint, scaled by the share of each supplier order that goes
  into it, with ``firm_id``, ``order_id``, ``record_id`` beside the ``TRACE_COLUMNS``.
- ``chain_footprint(chain, factors, order_id=None, transport=None) -> Footprint``: the same as
  a ``Footprint``. Trace: ``item`` = ``"{order_id}/{record_id}"``, ``stage`` = the figure's stage
  name, ``note`` begins with ``"[{firm_id} {firm name}]"``. ``order_id=None``: every product
  order (orders no other order consumes) combined.
- ``by_firm(records)``, ``by_stage(records)``: kg-CO2e tables from ``chain_records``.
- ``with_logistics(chain, record_id, **changes)``: a copy with one consignment changed
  (carrier, ``method``/``mode``, vehicle, ``load_factor``, EV); other levers are plain
  ``replace`` calls: a site's electricity (``firms.electricity_factor_id``), a process moved to
  another site (``manufacturing.factor_id``), a material (``material_co2.factor_id``).
- ``analyses(chain, factors, order_id)``: the figure's four analyses (``LEVERS``), and
  ``flows(records, chain)`` for the Sankey diagram.
- ``storage_energy(chain)`` and ``logistics_activity(chain, factors)``: the kWh, litres and
  t·km behind the storage and logistics rows.

Every trace row is ``kg_co2e = amount × factor_value × (unit conversion)``, so a change of a
factor or an activity scales its rows linearly (what the uncertainty analysis relies on).

Scopes are from the point of view of the product order's firm (the final maker): its own energy
is Scope 1 or 2, its purchased materials and everything its suppliers emit Scope 3 category 1,
transport and warehousing (部品物流, 部品保管/払出) by others Scope 3 category 4.

``ChainData`` is frozen but its DataFrames are not: never change a table in place, build a new
one and pass it to ``replace``.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cntf_workbench import tabular, units
from cntf_workbench.cfp import transport as tr
from cntf_workbench.cfp.bom import contributions, rollup
from cntf_workbench.cfp.equipment import ENERGY_JA, ENERGY_SCOPE, allocate
from cntf_workbench.errors import CntfError, DataError, FactorError
from cntf_workbench.factors import FactorTable
from cntf_workbench.resources import data_root
from cntf_workbench.trace import TRACE_COLUMNS, Footprint, validate_trace

STAGES: tuple[str, ...] = (
    "材料払出",
    "部品製造",
    "部品出荷",
    "部品物流",
    "部品保管/払出",
    "製品製造",
    "製品出荷",
)
"""Stages of the seminar figure, in the order of the flow."""

STAGES_EN: dict[str, str] = {
    "材料払出": "material issue",
    "部品製造": "part manufacturing",
    "部品出荷": "part shipping (supplier storage)",
    "部品物流": "part logistics",
    "部品保管/払出": "part storage and issue",
    "製品製造": "product manufacturing",
    "製品出荷": "product shipping (product storage)",
}

LEVERS: dict[str, tuple[str, ...]] = {
    "部品別製造CFP": ("製造技術改善", "新たな設備切替", "生産地切替"),
    "購入材料別CFP": ("購入材料変更", "サプライヤ指導"),
    "物流CFP": ("物流業者変更", "輸送モード見直し", "EV輸送車活用"),
    "製品別製造CFP": ("製造技術改善", "新たな設備切替", "生産地切替"),
}
"""The analyses of the figure and the levers (改善の打ち手) each points to."""

CHAIN_TABLES: tuple[str, ...] = (
    "firms",
    "orders",
    "order_links",
    "material_co2",
    "energy_co2",
    "material_issues",
    "manufacturing",
    "storage_areas",
    "storage",
    "logistics",
)

RECORD_COLUMNS: tuple[str, ...] = (
    "order_id",
    "record_id",
    "firm_id",
    *[c for c in TRACE_COLUMNS if c not in ("scope", "scope3_category")],
    "own_scope",
)
"""Columns of ``record_emissions``: ``own_scope`` is the scope for the firm that emits."""


class ChainError(CntfError):
    """The supply-chain tables do not fit together (unknown firm, order, material, area …)."""

    area = "サプライチェーン"


def chain_dir() -> Path:
    """Folder of the shipped supply-chain data package."""
    return data_root() / "seminar" / "chain"


def chain_schema(table: str) -> dict:
    """Frictionless schema of one chain table."""
    if table not in CHAIN_TABLES:
        raise DataError(f"表「{table}」はありません（{', '.join(CHAIN_TABLES)}）")
    return copy.deepcopy(_schema(table))


@functools.cache
def _schema(table: str) -> dict:
    return tabular.load_schema(chain_dir() / "datapackage.json", table)


def _check_columns(chain: ChainData, table: str) -> None:
    """Every schema column is present; numbers are finite and within the schema's bounds."""
    frame = getattr(chain, table)
    for field in _schema(table)["fields"]:
        name = field["name"]
        if name not in frame.columns:
            raise ChainError(f"列「{name}」がありません", file=_file(chain, table), column=name)
        if field.get("type") not in ("number", "integer"):
            continue
        cons = field.get("constraints", {})
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        given = ~_blank(frame[name])
        bad = given & ~np.isfinite(values)
        if "minimum" in cons:
            bad |= given & (values < cons["minimum"])
        if "maximum" in cons:
            bad |= given & (values > cons["maximum"])
        if cons.get("required"):
            bad |= ~given
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            limits = {"minimum": "以上", "maximum": "以下"}
            bounds = "、".join(f"{cons[k]:g} {w}" for k, w in limits.items() if k in cons)
            bounds = f"{bounds}の数値" if bounds else "有限の数値"
            raise ChainError(
                f"「{frame[name].iloc[i]}」は使えません（{field.get('description', name)}: {bounds}）",
                file=_file(chain, table),
                row=i + 1,
                column=name,
            )


@dataclass(frozen=True)
class ChainData:
    """The validated tables of a supply chain (see ``data/seminar/chain/datapackage.json``).

    Attributes
    ----------
    firms : pandas.DataFrame
        ``firm_id, name, name_en, role, site, region, electricity_factor_id, provenance``.
    orders : pandas.DataFrame
        ``order_id, firm_id, item, item_en, kind, quantity [unit], unit, provenance``.
    order_links : pandas.DataFrame
        ``customer_order_id, supplier_order_id, share [-]`` (the SCM-BOM).
    material_co2 : pandas.DataFrame
        材料CO2変換TBL: ``material, material_ja, supplier_firm_id, factor_id``.
    energy_co2 : pandas.DataFrame
        エネCO2変換TBL (fuels): ``firm_id, energy, factor_id``.
    material_issues : pandas.DataFrame
        ``record_id, order_id, material, mass_kg [kg], data_kind``.
    manufacturing : pandas.DataFrame
        ``record_id, order_id, stage, process, equipment, temperature_c [°C], energy,
        amount [unit], unit, factor_id, data_kind``.
    storage_areas : pandas.DataFrame
        ``area_id, firm_id, name, climate, temperature_c [°C], kwh_per_day [kWh/day],
        period_days [day], basis (volume|mass), other_occupancy [m3·day or kg·day]``.
    storage : pandas.DataFrame
        ``record_id, area_id, order_id, stage, volume_m3 [m3], mass_kg [kg], days [day]``.
    logistics : pandas.DataFrame
        ``record_id, order_id, carrier_firm_id, origin, destination, method, mode,
        distance_km [km], mass_kg [kg], vehicle_class, max_payload_kg [kg], load_factor [-],
        fuel, km_per_l [km/L], fuel_l [L], kwh_per_km [kWh/km], electricity_factor_id``.
    folder : str
        Where the tables came from (named in errors).
    """

    firms: pd.DataFrame
    orders: pd.DataFrame
    order_links: pd.DataFrame
    material_co2: pd.DataFrame
    energy_co2: pd.DataFrame
    material_issues: pd.DataFrame
    manufacturing: pd.DataFrame
    storage_areas: pd.DataFrame
    storage: pd.DataFrame
    logistics: pd.DataFrame
    folder: str = ""

    TABLES = CHAIN_TABLES

    def __post_init__(self) -> None:
        check_chain(self)

    def replace(self, **tables: pd.DataFrame) -> ChainData:
        """A copy with the given tables replaced (copied), checked again."""
        return replace(self, **tables)

    def firm_name(self, firm_id: str) -> str:
        """Japanese name of a firm."""
        names = dict(zip(self.firms["firm_id"], self.firms["name"], strict=True))
        if firm_id not in names:
            raise ChainError(f"企業「{firm_id}」がありません")
        return str(names[firm_id])

    def product_orders(self) -> list[str]:
        """Orders that no other order consumes (the roots of the SCM-BOM), in table order."""
        consumed = set(self.order_links["supplier_order_id"])
        return [o for o in self.orders["order_id"] if o not in consumed]


def replace(chain: ChainData, **tables: pd.DataFrame) -> ChainData:
    """Return a copy of ``chain`` with some tables replaced.

    Parameters
    ----------
    chain : ChainData
    **tables : pandas.DataFrame
        Tables by name (``firms=…``, ``logistics=…``); each is copied.

    Returns
    -------
    ChainData
        Checked like a loaded chain (references between tables).

    Raises
    ------
    ChainError
        On an unknown table name or a broken reference.
    """
    unknown = [k for k in tables if k not in CHAIN_TABLES]
    if unknown:
        raise ChainError(f"表「{unknown[0]}」はありません（{', '.join(CHAIN_TABLES)}）")
    copies = {k: v.copy().reset_index(drop=True) for k, v in tables.items()}
    return dataclasses.replace(chain, **copies)


def load_chain(folder: str | Path | None = None) -> ChainData:
    """Load and validate the supply-chain tables.

    Parameters
    ----------
    folder : str or Path, optional
        A folder with the same CSV files; the shipped ``data/seminar/chain/`` when omitted.

    Returns
    -------
    ChainData

    Raises
    ------
    DataError
        A row does not match its schema (file, row, column named).
    ChainError
        A reference between tables is broken (file, row, column named).
    """
    base = Path(folder) if folder is not None else chain_dir()
    tables = {
        name: tabular.load_table(base / f"{name}.csv", chain_schema(name)) for name in CHAIN_TABLES
    }
    for name in ("manufacturing",):
        for i, text in enumerate(tables[name]["unit"], start=1):
            try:
                units.parse_unit(text)
            except units.UnitError as exc:
                raise DataError(
                    exc.message, file=base / f"{name}.csv", row=i, column="unit"
                ) from None
    return ChainData(**tables, folder=str(base))


def _file(chain: ChainData, table: str) -> str | None:
    return str(Path(chain.folder) / f"{table}.csv") if chain.folder else f"{table}.csv"


def _check_ref(
    chain: ChainData, table: str, column: str, known: set, what: str, optional: bool = False
) -> None:
    frame = getattr(chain, table)
    if column not in frame.columns:
        raise ChainError(f"列「{column}」がありません", file=_file(chain, table), column=column)
    values = frame[column]
    mask = ~values.isin(known)
    if optional:
        mask &= values.notna() & (values.astype(str) != "")
    if mask.any():
        i = int(np.flatnonzero(mask.to_numpy())[0])
        raise ChainError(
            f"{what}「{values.iloc[i]}」がありません",
            file=_file(chain, table),
            row=i + 1,
            column=column,
        )


def check_chain(chain: ChainData) -> None:
    """Check the references between the tables of ``chain``.

    Raises
    ------
    ChainError
        Naming file, row and column of the first problem: a missing column, a number outside
        the schema's bounds (e.g. a negative mass), a broken reference (an unknown firm, order,
        material or storage area), a duplicated id, or an order that consumes itself.
    """
    for name in CHAIN_TABLES:
        if not isinstance(getattr(chain, name), pd.DataFrame):
            raise ChainError(f"表「{name}」が DataFrame ではありません")
        _check_columns(chain, name)
    for table, column in (("firms", "firm_id"), ("orders", "order_id")):
        dup = getattr(chain, table)[column].duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup.to_numpy())[0])
            raise ChainError(
                f"ID「{getattr(chain, table)[column].iloc[i]}」が重複しています",
                file=_file(chain, table),
                row=i + 1,
                column=column,
            )
    firms = set(chain.firms["firm_id"])
    orders = set(chain.orders["order_id"])
    _check_ref(chain, "orders", "firm_id", firms, "企業")
    _check_ref(chain, "order_links", "customer_order_id", orders, "オーダ")
    _check_ref(chain, "order_links", "supplier_order_id", orders, "オーダ")
    _check_ref(chain, "material_co2", "supplier_firm_id", firms, "企業")
    _check_ref(chain, "energy_co2", "firm_id", firms, "企業")
    _check_ref(chain, "material_issues", "order_id", orders, "オーダ")
    _check_ref(chain, "material_issues", "material", set(chain.material_co2["material"]), "材料")
    _check_ref(chain, "manufacturing", "order_id", orders, "オーダ")
    _check_ref(chain, "storage_areas", "firm_id", firms, "企業")
    _check_ref(chain, "storage", "order_id", orders, "オーダ")
    _check_ref(chain, "storage", "area_id", set(chain.storage_areas["area_id"]), "保管エリア")
    _check_ref(chain, "logistics", "order_id", orders, "オーダ")
    _check_ref(chain, "logistics", "carrier_firm_id", firms, "企業")
    links = chain.order_links
    self_link = links["customer_order_id"] == links["supplier_order_id"]
    if self_link.any():
        i = int(np.flatnonzero(self_link.to_numpy())[0])
        raise ChainError(
            f"オーダ「{links['customer_order_id'].iloc[i]}」が自分自身を使っています",
            file=_file(chain, "order_links"),
            row=i + 1,
            column="supplier_order_id",
        )
    share = pd.to_numeric(links["share"], errors="coerce")
    bad = ~np.isfinite(share.to_numpy(dtype=float)) | (share < 0).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ChainError(
            f"割合「{links['share'].iloc[i]}」は 0 以上の数値でなければなりません",
            file=_file(chain, "order_links"),
            row=i + 1,
            column="share",
        )
    used = share.groupby(links["supplier_order_id"]).sum()
    over = used[used > 1 + 1e-9]
    if not over.empty:
        raise ChainError(
            f"オーダ「{over.index[0]}」の割合の合計 {over.iloc[0]:g} が 1 を超えています",
            file=_file(chain, "order_links"),
            column="share",
        )


# --------------------------------------------------------------------------------------------
# Factor look-up, vectorised over records


def _factor_columns(factor_ids: pd.Series, factors: FactorTable, where: str) -> pd.DataFrame:
    """Value, unit, source, kind, assumed and activity of each factor id (one look-up per id)."""
    uniq = pd.unique(factor_ids)
    rows = {}
    for fid in uniq:
        if fid not in factors:
            raise FactorError(f"排出係数「{fid}」が係数表にありません（{where}）")
        f = factors.get(fid)
        rows[fid] = (f.value, f.unit, f.source, f.kind, f.assumed, f.activity)
    table = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["factor_value", "factor_unit", "factor_source", "factor_kind", "f_assumed", "act"],
    )
    return table.reindex(factor_ids.to_numpy()).reset_index(drop=True)


def _multiplier(amount_units: pd.Series, factor_units: pd.Series) -> np.ndarray:
    """kg-CO2e per (1 amount unit × 1 factor value), one pint conversion per unit pair."""
    pairs = pd.MultiIndex.from_arrays([amount_units.to_numpy(), factor_units.to_numpy()])
    uniq = pairs.unique()
    table = {(a, f): units.kg_co2e(1.0, a, 1.0, f) for a, f in uniq}
    return (
        np.array([table[p] for p in pairs], dtype=float)
        if len(uniq) > 1
        else np.full(len(pairs), table[uniq[0]] if len(uniq) else 0.0)
    )


def _order_firm(chain: ChainData, order_ids: pd.Series) -> pd.Series:
    firms = chain.orders["firm_id"].to_numpy(dtype=object)
    pos = pd.Index(chain.orders["order_id"]).get_indexer(order_ids)
    return pd.Series(firms[pos], index=order_ids.index, dtype=object)


def _electricity_ids(chain: ChainData, firm_ids: pd.Series) -> pd.Series:
    return firm_ids.map(
        dict(zip(chain.firms["firm_id"], chain.firms["electricity_factor_id"], strict=True))
    )


def _energy_ids(
    chain: ChainData, firm_ids: pd.Series, energy: pd.Series, factors: FactorTable
) -> pd.Series:
    """Factor id of each (firm, energy): electricity → the firm's; fuels → energy_co2 or default."""
    firm_arr = firm_ids.to_numpy(dtype=object)
    energy_arr = energy.to_numpy(dtype=object)
    out = np.empty(len(firm_arr), dtype=object)
    elec = energy_arr == "electricity"
    out[elec] = _electricity_ids(chain, pd.Series(firm_arr[elec])).to_numpy(dtype=object)
    fuel = ~elec
    if fuel.any():
        table = pd.Series(
            chain.energy_co2["factor_id"].to_numpy(dtype=object),
            index=pd.MultiIndex.from_arrays(
                [
                    chain.energy_co2["firm_id"].to_numpy(dtype=object),
                    chain.energy_co2["energy"].to_numpy(dtype=object),
                ]
            ),
            dtype=object,
        )
        keys = pd.MultiIndex.from_arrays([firm_arr[fuel], energy_arr[fuel]])
        found = np.array(table.reindex(keys).to_numpy(dtype=object), dtype=object)
        defaults = {e: factors.default(str(e)).id for e in pd.unique(energy_arr[fuel])}
        missing = pd.isna(found)
        found[missing] = [defaults[e] for e in energy_arr[fuel][missing]]
        out[fuel] = found
    return pd.Series(out, index=firm_ids.index, dtype=object)


def _is_assumed(provenance: pd.Series) -> np.ndarray:
    return provenance.fillna("").astype(str).str.startswith("assumed").to_numpy()


def _blank(series: pd.Series) -> np.ndarray:
    return (series.isna() | (series.astype(str).str.strip() == "")).to_numpy()


def _frame(**cols: object) -> pd.DataFrame:
    return pd.DataFrame(cols)


def _material_rows(chain: ChainData, factors: FactorTable) -> pd.DataFrame:
    mi = chain.material_issues
    conv = chain.material_co2.set_index("material")
    fids = mi["material"].map(conv["factor_id"])
    fc = _factor_columns(fids, factors, "material_co2.csv")
    bad = ~fc["act"].str.startswith("material:")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise FactorError(
            f"材料「{mi['material'].iloc[i]}」の係数「{fids.iloc[i]}」は材料用ではありません",
            file=_file(chain, "material_co2"),
            column="factor_id",
        )
    unit = pd.Series("kg", index=mi.index)
    kg = (
        mi["mass_kg"].to_numpy(dtype=float)
        * fc["factor_value"].to_numpy()
        * _multiplier(unit, fc["factor_unit"])
    )
    names = mi["material"].map(conv["material_ja"])
    supplier = mi["material"].map(conv["supplier_firm_id"])
    return _frame(
        order_id=mi["order_id"],
        record_id=mi["record_id"],
        firm_id=_order_firm(chain, mi["order_id"]),
        stage="材料払出",
        item=mi["order_id"] + "/" + mi["record_id"],
        activity="材料払出質量（" + names + "）",
        amount=mi["mass_kg"].astype(float),
        unit="kg",
        factor_id=fids,
        factor_value=fc["factor_value"],
        factor_unit=fc["factor_unit"],
        factor_source=fc["factor_source"],
        data_kind=fc["factor_kind"],
        kg_co2e=kg,
        assumed=_is_assumed(mi["provenance"]) | fc["f_assumed"].to_numpy(dtype=bool),
        note="材料の供給元 " + supplier,
        own_scope=3,
    )


def _manufacturing_rows(chain: ChainData, factors: FactorTable) -> pd.DataFrame:
    mf = chain.manufacturing
    firm = _order_firm(chain, mf["order_id"])
    fids = _energy_ids(chain, firm, mf["energy"], factors)
    override = ~_blank(mf["factor_id"])
    fids[override] = mf.loc[override, "factor_id"]
    fc = _factor_columns(fids, factors, "manufacturing.csv")
    wrong = (fc["act"] != mf["energy"]).to_numpy()
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise FactorError(
            f"係数「{fids.iloc[i]}」は「{fc['act'].iloc[i]}」用で、「{mf['energy'].iloc[i]}」には使えません",
            file=_file(chain, "manufacturing"),
            row=i + 1,
            column="factor_id",
        )
    kg = (
        mf["amount"].to_numpy(dtype=float)
        * fc["factor_value"].to_numpy()
        * _multiplier(mf["unit"], fc["factor_unit"])
    )
    temp = mf["temperature_c"].map(lambda t: "" if pd.isna(t) else f"、{t:g}℃")
    equip = mf["equipment"].fillna("").astype(str)
    return _frame(
        order_id=mf["order_id"],
        record_id=mf["record_id"],
        firm_id=firm,
        stage=mf["stage"],
        item=mf["order_id"] + "/" + mf["record_id"],
        activity=mf["process"]
        + "（"
        + equip.where(equip != "", "設備なし")
        + temp
        + "）"
        + mf["energy"].map(ENERGY_JA).fillna(mf["energy"]),
        amount=mf["amount"].astype(float),
        unit=mf["unit"],
        factor_id=fids,
        factor_value=fc["factor_value"],
        factor_unit=fc["factor_unit"],
        factor_source=fc["factor_source"],
        data_kind=mf["data_kind"],
        kg_co2e=kg,
        assumed=_is_assumed(mf["provenance"]) | fc["f_assumed"].to_numpy(dtype=bool),
        note="",
        own_scope=mf["energy"].map(ENERGY_SCOPE).fillna(1).astype(int),
    )


def storage_energy(chain: ChainData) -> pd.DataFrame:
    """Electricity of each storage record: area kWh allocated by volume or mass × days.

    Each area's electricity over its period (``kwh_per_day × period_days``) is split by
    ``cntf_workbench.cfp.allocate`` among the area's records (weight ``volume_m3 × days`` or
    ``mass_kg × days`` by the area's ``basis``) and ``other_occupancy`` (goods outside the
    sample), so that the parts add up to the area's electricity exactly.

    Returns
    -------
    pandas.DataFrame
        Index as ``chain.storage``; columns ``weight`` [m3·day or kg·day], ``area_kwh`` [kWh],
        ``share`` [-] and ``kwh`` [kWh].
    """
    st = chain.storage
    areas = chain.storage_areas.set_index("area_id")
    basis = st["area_id"].map(areas["basis"])
    weight = np.where(
        basis == "volume", st["volume_m3"].to_numpy(float), st["mass_kg"].to_numpy(float)
    ) * st["days"].to_numpy(float)
    pos = areas.index.get_indexer(st["area_id"])
    totals = areas["kwh_per_day"].to_numpy(float) * areas["period_days"].to_numpy(float)
    other = areas["other_occupancy"].to_numpy(float)
    area_kwh = totals[pos]
    kwh = np.zeros(len(st))
    order = np.argsort(pos, kind="stable")
    bounds = np.searchsorted(pos[order], np.arange(len(areas) + 1))
    for k in np.flatnonzero(np.diff(bounds)):
        idx = order[bounds[k] : bounds[k + 1]]
        weights = np.append(weight[idx], other[k])
        if weights.sum() > 0:
            kwh[idx] = allocate(float(totals[k]), pd.Series(weights)).to_numpy()[:-1]
    share = np.divide(kwh, area_kwh, out=np.zeros_like(kwh), where=area_kwh > 0)
    return pd.DataFrame({"weight": weight, "area_kwh": area_kwh, "share": share, "kwh": kwh})


def _storage_rows(chain: ChainData, factors: FactorTable) -> pd.DataFrame:
    st = chain.storage
    areas = chain.storage_areas.set_index("area_id")
    energy = storage_energy(chain)
    firm = st["area_id"].map(areas["firm_id"])
    fids = _electricity_ids(chain, firm)
    fc = _factor_columns(fids, factors, "firms.csv electricity_factor_id")
    unit = pd.Series("kWh", index=st.index)
    kg = (
        energy["kwh"].to_numpy()
        * fc["factor_value"].to_numpy()
        * _multiplier(unit, fc["factor_unit"])
    )
    basis = st["area_id"].map(areas["basis"])
    name = st["area_id"].map(areas["name"])
    note = (
        name
        + " の電力 "
        + energy["area_kwh"].map(lambda v: f"{v:g}")
        + " kWh を"
        + basis.map({"volume": "容積×日数", "mass": "質量×日数"})
        + "で配賦（割合 "
        + energy["share"].map(lambda v: f"{v:.4g}")
        + "）"
    )
    return _frame(
        order_id=st["order_id"],
        record_id=st["record_id"],
        firm_id=firm,
        stage=st["stage"],
        item=st["order_id"] + "/" + st["record_id"],
        activity="保管の電力量（" + st["days"].map(lambda d: f"{d:g}") + "日）",
        amount=energy["kwh"],
        unit="kWh",
        factor_id=fids,
        factor_value=fc["factor_value"],
        factor_unit=fc["factor_unit"],
        factor_source=fc["factor_source"],
        data_kind="measured",
        kg_co2e=kg,
        assumed=_is_assumed(st["provenance"]) | fc["f_assumed"].to_numpy(dtype=bool),
        note=note,
        own_scope=2,
    )


def logistics_activity(
    chain: ChainData, factors: FactorTable, transport: tr.TransportParameters | None = None
) -> pd.DataFrame:
    """Fuel, electricity or t·km of each logistics record, by its method (vectorised).

    Returns
    -------
    pandas.DataFrame
        Index as ``chain.logistics``; columns ``amount`` [unit], ``unit`` (``L``, ``kWh`` or
        ``tkm``), ``factor_id``, ``energy`` (``diesel``/``gasoline``/``electricity``/``tonkm``),
        ``share`` [-] (of the trip borne by this consignment; 1 for ton-km methods),
        ``data_kind`` and ``detail`` (Japanese, how the amount was obtained).

    Raises
    ------
    TransportError
        A load factor outside (0, 1], a negative distance or a missing input of the method,
        naming the file, row and column.
    """
    params = transport or tr.load_transport()
    lg = chain.logistics
    n = len(lg)
    method = lg["method"].to_numpy(dtype=object)
    dist = lg["distance_km"].to_numpy(dtype=float)
    mass = lg["mass_kg"].to_numpy(dtype=float)
    fuel = lg["fuel"].fillna("").astype(str).to_numpy(dtype=object)
    amount = np.zeros(n)
    unit = np.empty(n, dtype=object)
    energy = np.empty(n, dtype=object)
    fids = np.empty(n, dtype=object)
    share = np.ones(n)
    kind = np.full(n, "measured", dtype=object)
    detail = np.empty(n, dtype=object)
    where = _file(chain, "logistics")

    def fail(exc: CntfError, mask: np.ndarray, column: str | None = None) -> None:
        rows = np.flatnonzero(mask)
        raise tr.TransportError(
            exc.message + f"（実績 {lg['record_id'].iloc[rows[0]]}）",
            file=where,
            row=int(rows[0]) + 1,
            column=column or exc.column,
        ) from None

    def need(mask: np.ndarray, column: str, what: str) -> np.ndarray:
        values = lg[column].to_numpy(dtype=float)
        missing = mask & ~np.isfinite(values)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise tr.TransportError(
                f"{_method_name(method[i])}には{what}が必要です（実績 {lg['record_id'].iloc[i]}）",
                file=where,
                row=i + 1,
                column=column,
            )
        return values

    neg = dist < 0
    if neg.any():
        fail(
            tr.TransportError(f"輸送距離 {dist[neg][0]:g} km が負です（0 以上）"),
            neg,
            "distance_km",
        )
    trip = np.isin(method, ["fuel_economy", "fuel", "ev"])
    itk = method == "improved_tonkm"
    needs_truck = trip | itk
    lf = need(needs_truck, "load_factor", "積載率")
    payload = need(needs_truck, "max_payload_kg", "最大積載量")
    if needs_truck.any():
        try:
            tr.check_load_factor(lf[needs_truck])
        except tr.TransportError as exc:
            fail(exc, needs_truck & ((lf <= 0) | (lf > 1)), "load_factor")
        if (payload[needs_truck] <= 0).any():
            fail(
                tr.TransportError("最大積載量は正の値でなければなりません"),
                needs_truck & (payload <= 0),
                "max_payload_kg",
            )
    if trip.any():
        share[trip] = tr.consignment_share(mass[trip], lf[trip], payload[trip])

    # ton-km method with mode factors
    tk = method == "tonkm"
    for mode in pd.unique(lg.loc[tk, "mode"]):
        m = tk & (lg["mode"].to_numpy() == mode)
        row = params.mode_factor(str(mode))
        amount[m] = mass[m] / 1000.0 * dist[m]
        unit[m] = "tkm"
        energy[m] = "tonkm"
        fids[m] = f"transport:{row['id']}"
        kind[m] = "database"
    # improved ton-km
    for f in pd.unique(fuel[itk]):
        m = itk & (fuel == f)
        try:
            y = np.asarray(tr.improved_tonkm_intensity(lf[m], payload[m], str(f), params))
        except tr.TransportError as exc:
            fail(exc, m, "fuel")
        amount[m] = y * mass[m] / 1000.0 * dist[m]
        unit[m] = "L"
        energy[m] = f
        kind[m] = "database"
        detail[m] = [
            f"改良トンキロ法: y = exp({a:g} − {b:g}·ln({x:g}) − {c:g}·ln({z:g})) = {yy:.5g} L/t·km"
            f" × {w / 1000:g} t × {d:g} km"
            for (a, b, c), x, z, yy, w, d in zip(
                [params.coefficients(str(f))] * int(m.sum()),
                lf[m],
                payload[m],
                y,
                mass[m],
                dist[m],
                strict=True,
            )
        ]
    # fuel economy
    fe = method == "fuel_economy"
    if fe.any():
        kpl = lg["km_per_l"].to_numpy(dtype=float).copy()
        default = fe & ~np.isfinite(kpl)
        for key, idx in _groups(default, fuel, payload):
            try:
                kpl[idx] = tr.default_fuel_economy(str(key[0]), key[1], params)
            except tr.TransportError as exc:
                fail(exc, np.isin(np.arange(n), idx), "km_per_l")
        kind[default] = "database"
        try:
            litres = np.asarray(tr.fuel_economy_fuel(dist[fe], kpl[fe]))
        except tr.TransportError as exc:
            fail(exc, fe & ~(kpl > 0), "km_per_l")
        amount[fe] = litres * share[fe]
        unit[fe] = "L"
        energy[fe] = fuel[fe]
        detail[fe] = [
            f"燃費法: {d:g} km ÷ {k:g} km/L = {v:.4g} L × 積載按分 {s:.4g}"
            for d, k, v, s in zip(dist[fe], kpl[fe], litres, share[fe], strict=True)
        ]
    # fuel method
    fm = method == "fuel"
    if fm.any():
        litres = need(fm, "fuel_l", "燃料使用量（fuel_l）")
        amount[fm] = litres[fm] * share[fm]
        unit[fm] = "L"
        energy[fm] = fuel[fm]
        detail[fm] = [
            f"燃料法: 便の燃料 {v:g} L × 積載按分 {s:.4g}"
            for v, s in zip(litres[fm], share[fm], strict=True)
        ]
    # EV
    ev = method == "ev"
    if ev.any():
        kpk = lg["kwh_per_km"].to_numpy(dtype=float).copy()
        default = ev & ~np.isfinite(kpk)
        for key, idx in _groups(default, fuel, payload):
            try:
                kpk[idx] = tr.default_ev_consumption(key[1], params)
            except tr.TransportError as exc:
                fail(exc, np.isin(np.arange(n), idx), "kwh_per_km")
        kind[default] = "database"
        kwh = np.asarray(tr.ev_electricity(dist[ev], kpk[ev]))
        amount[ev] = kwh * share[ev]
        unit[ev] = "kWh"
        energy[ev] = "electricity"
        detail[ev] = [
            f"EV: {d:g} km × {k:g} kWh/km = {v:.4g} kWh × 積載按分 {s:.4g}"
            for d, k, v, s in zip(dist[ev], kpk[ev], kwh, share[ev], strict=True)
        ]
    bad_fuel = (itk | fe | fm) & ~np.isin(fuel, list(tr.FUELS))
    if bad_fuel.any():
        i = int(np.flatnonzero(bad_fuel)[0])
        raise tr.TransportError(
            f"燃料「{fuel[i]}」は{_method_name(method[i])}に使えません（diesel, gasoline）",
            file=where,
            row=i + 1,
            column="fuel",
        )
    # factor ids of fuels and electricity
    firm = lg["carrier_firm_id"]
    burn = itk | fe | fm
    if burn.any():
        fids[burn] = _energy_ids(
            chain, firm[burn], pd.Series(energy[burn], index=firm[burn].index), factors
        ).to_numpy()
    if ev.any():
        own = ~_blank(lg["electricity_factor_id"])
        ids = _electricity_ids(chain, firm).to_numpy(dtype=object)
        ids[own] = lg["electricity_factor_id"].to_numpy(dtype=object)[own]
        fids[ev] = ids[ev]
    detail[tk] = [
        f"トンキロ法: {w / 1000:g} t × {d:g} km = {a:.4g} t·km"
        for w, d, a in zip(mass[tk], dist[tk], amount[tk], strict=True)
    ]
    return pd.DataFrame(
        {
            "amount": amount,
            "unit": unit,
            "factor_id": fids,
            "energy": energy,
            "share": share,
            "data_kind": kind,
            "detail": detail,
        },
        index=lg.index,
    )


def _groups(mask: np.ndarray, *keys: np.ndarray) -> list[tuple[tuple, np.ndarray]]:
    """Row positions under ``mask`` grouped by the values of ``keys``."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return []
    frame = pd.DataFrame({f"k{i}": k[rows] for i, k in enumerate(keys)})
    return [
        (key if isinstance(key, tuple) else (key,), rows[idx])
        for key, idx in frame.groupby(list(frame.columns), sort=False).indices.items()
    ]


def _method_name(method: object) -> str:
    """Japanese name of a logistics method."""
    return tr.METHODS_JA.get(str(method), str(method))


def _logistics_rows(
    chain: ChainData, factors: FactorTable, transport: tr.TransportParameters | None
) -> pd.DataFrame:
    lg = chain.logistics
    params = transport or tr.load_transport()
    act = logistics_activity(chain, factors, params)
    n = len(lg)
    value = np.zeros(n)
    f_unit = np.empty(n, dtype=object)
    source = np.empty(n, dtype=object)
    f_assumed = np.zeros(n, dtype=bool)
    tk = (act["energy"] == "tonkm").to_numpy()
    tk_ids = act["factor_id"].to_numpy(dtype=object)
    for fid in pd.unique(tk_ids[tk]):
        m = tk & (tk_ids == fid)
        row = params.row(str(fid).removeprefix("transport:"))
        value[m] = float(row["value"])
        f_unit[m] = "kg-CO2e/tkm"
        source[m] = str(row["source"])
        f_assumed[m] = bool(row["assumed"])
    if (~tk).any():
        fc = _factor_columns(act.loc[~tk, "factor_id"], factors, "logistics.csv")
        value[~tk] = fc["factor_value"].to_numpy()
        f_unit[~tk] = fc["factor_unit"].to_numpy()
        source[~tk] = fc["factor_source"].to_numpy()
        f_assumed[~tk] = fc["f_assumed"].to_numpy(dtype=bool)
    itk = (lg["method"] == "improved_tonkm").to_numpy()
    energy = act["energy"].to_numpy(dtype=object)
    for f in pd.unique(energy[itk]):
        m = itk & (energy == f)
        extra = f"; 燃料量は {params.coefficient_source(str(f))}"
        source[m] = [f"{text}{extra}" for text in source[m]]
    kg = act["amount"].to_numpy() * value * _multiplier(act["unit"], pd.Series(f_unit))
    ev = (lg["method"] == "ev").to_numpy()
    own_scope = np.where(ev, 2, 1)
    route = lg["origin"] + "→" + lg["destination"]
    return _frame(
        order_id=lg["order_id"],
        record_id=lg["record_id"],
        firm_id=lg["carrier_firm_id"],
        stage="部品物流",
        item=lg["order_id"] + "/" + lg["record_id"],
        activity=lg["method"].map(tr.METHODS_JA)
        + "（"
        + route
        + "、"
        + lg["vehicle_class"].fillna(lg["mode"].map(tr.MODES_JA))
        + "）",
        amount=act["amount"],
        unit=act["unit"],
        factor_id=act["factor_id"],
        factor_value=value,
        factor_unit=f_unit,
        factor_source=source,
        data_kind=act["data_kind"],
        kg_co2e=kg,
        assumed=_is_assumed(lg["provenance"]) | f_assumed,
        note=act["detail"],
        own_scope=own_scope,
    )


def record_emissions(
    chain: ChainData, factors: FactorTable, transport: tr.TransportParameters | None = None
) -> pd.DataFrame:
    """Own emission of every record of the chain (vectorised over records).

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    transport : TransportParameters, optional
        The shipped ``transport.csv`` when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``RECORD_COLUMNS``: one row per material issue, manufacturing, storage and
        logistics record; ``kg_co2e`` [kg-CO2e] for the whole record (not yet scaled to a
        product order); ``own_scope`` the scope for the emitting firm.

    Raises
    ------
    FactorError
        A factor id that the table does not have, or one of the wrong activity.
    TransportError
        A logistics input out of range.
    """
    parts = [
        _material_rows(chain, factors),
        _manufacturing_rows(chain, factors),
        _storage_rows(chain, factors),
        _logistics_rows(chain, factors, transport),
    ]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    if out.empty:
        return pd.DataFrame(columns=list(RECORD_COLUMNS))
    out["stage"] = pd.Categorical(out["stage"], categories=list(STAGES))
    note_firm = (
        "["
        + out["firm_id"]
        + " "
        + out["firm_id"].map(dict(zip(chain.firms["firm_id"], chain.firms["name"], strict=True)))
        + "]"
    )
    out["note"] = (note_firm + " " + out["note"].fillna("").astype(str)).str.strip()
    return out.loc[:, list(RECORD_COLUMNS)]


def _edges(chain: ChainData) -> pd.DataFrame:
    links = chain.order_links
    return pd.DataFrame(
        {
            "parent": links["customer_order_id"].to_numpy(),
            "child": links["supplier_order_id"].to_numpy(),
            "quantity": links["share"].to_numpy(dtype=float),
        }
    )


def _own(chain: ChainData, records: pd.DataFrame) -> pd.Series:
    own = records.groupby("order_id", sort=False)["kg_co2e"].sum()
    return own.reindex(chain.orders["order_id"], fill_value=0.0)


def order_totals(
    chain: ChainData,
    factors: FactorTable,
    transport: tr.TransportParameters | None = None,
    records: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Own and cradle-to-gate emission of every order.

    Parameters
    ----------
    chain, factors, transport
        As in ``record_emissions``.
    records : pandas.DataFrame, optional
        ``record_emissions(chain, factors)`` when already computed.

    Returns
    -------
    pandas.DataFrame
        Index ``order_id`` (table order); columns ``firm_id``, ``item``, ``quantity`` [unit],
        ``own_kg_co2e`` [kg-CO2e] (the order's own records), ``cradle_to_gate_kg_co2e``
        [kg-CO2e] (own plus the shares of its supplier orders, from one sparse triangular
        solve), ``per_unit_kg_co2e`` [kg-CO2e/unit].
    """
    rec = records if records is not None else record_emissions(chain, factors, transport)
    own = _own(chain, rec)
    total = rollup(_edges(chain), own).reindex(own.index)
    out = chain.orders.set_index("order_id")[["firm_id", "item", "quantity"]].copy()
    out["own_kg_co2e"] = own.to_numpy()
    out["cradle_to_gate_kg_co2e"] = total.to_numpy()
    qty = out["quantity"].to_numpy(dtype=float)
    out["per_unit_kg_co2e"] = np.divide(
        out["cradle_to_gate_kg_co2e"].to_numpy(), qty, out=np.full(len(out), np.nan), where=qty > 0
    )
    return out


def _scoped(records: pd.DataFrame, root_firm: str) -> pd.DataFrame:
    out = records.copy()
    mine = (out["firm_id"] == root_firm).to_numpy()
    logistic = out["stage"].isin(["部品物流", "部品保管/払出"]).to_numpy()
    material = (out["stage"] == "材料払出").to_numpy()
    scope = np.where(mine, out["own_scope"].to_numpy(dtype=int), 3)
    cat = np.where(scope == 3, np.where(logistic & ~mine, 4, 1), 0)
    scope = np.where(mine & material, 3, scope)
    cat = np.where(mine & material, 1, cat)
    out["scope"] = scope
    out["scope3_category"] = pd.array(np.where(scope == 3, cat, 0), dtype="Int64")
    out.loc[out["scope"] != 3, "scope3_category"] = pd.NA
    return out


def chain_records(
    chain: ChainData,
    factors: FactorTable,
    order_id: str | None = None,
    transport: tr.TransportParameters | None = None,
    records: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of a product order's cradle-to-gate footprint across firms (the SCM-BOM(CO2)).

    Parameters
    ----------
    chain, factors, transport
        As in ``record_emissions``.
    order_id : str, optional
        A product order; every product order (``chain.product_orders()``) when omitted.
    records : pandas.DataFrame, optional
        ``record_emissions(chain, factors)`` when already computed.

    Returns
    -------
    pandas.DataFrame
        ``TRACE_COLUMNS`` plus ``order_id``, ``record_id``, ``firm_id``, ``root_order_id`` and
        ``units_per_root`` [-] (share of the record's order that goes into the root order).
        ``amount`` and ``kg_co2e`` are scaled by ``units_per_root``; ``kg_co2e`` sums to the
        root's ``cradle_to_gate_kg_co2e`` in ``order_totals``.
    """
    rec = records if records is not None else record_emissions(chain, factors, transport)
    roots = [order_id] if order_id is not None else chain.product_orders()
    known = set(chain.orders["order_id"])
    for root in roots:
        if root not in known:
            raise ChainError(f"オーダ「{root}」がありません", file=_file(chain, "orders"))
    firm_of = dict(zip(chain.orders["order_id"], chain.orders["firm_id"], strict=True))
    own = _own(chain, rec)
    edges = _edges(chain)
    frames = []
    for root in roots:
        contrib = contributions(edges, own, root)
        demand = contrib["units_per_root"]
        sub = rec[rec["order_id"].isin(demand.index)].copy()
        k = sub["order_id"].map(demand).to_numpy(dtype=float)
        sub["units_per_root"] = k
        sub["amount"] = sub["amount"].to_numpy(dtype=float) * k
        sub["kg_co2e"] = sub["kg_co2e"].to_numpy(dtype=float) * k
        sub["root_order_id"] = root
        frames.append(_scoped(sub.sort_values("stage", kind="stable"), firm_of[root]))
    out = pd.concat(frames, ignore_index=True)
    out["stage"] = out["stage"].astype(str)
    cols = [*list(TRACE_COLUMNS), "order_id", "record_id", "firm_id", "root_order_id"]
    return out.loc[:, [*cols, "units_per_root"]]


def chain_footprint(
    chain: ChainData,
    factors: FactorTable,
    order_id: str | None = None,
    transport: tr.TransportParameters | None = None,
) -> Footprint:
    """Cradle-to-gate footprint of a product order across the supply chain.

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    order_id : str, optional
        A product order (e.g. ``"P-001"``); every product order combined when omitted.
    transport : TransportParameters, optional

    Returns
    -------
    Footprint
        One trace row per record of every order that goes into the product order, scaled by
        its share: ``item`` = ``"{order_id}/{record_id}"``, ``stage`` one of ``STAGES``,
        ``note`` starting with ``"[{firm_id} {firm name}]"``. Its total equals the order's
        ``cradle_to_gate_kg_co2e`` in ``order_totals`` [kg-CO2e per order].
    """
    rows = chain_records(chain, factors, order_id, transport)
    if order_id is None:
        name, fu = "全製品オーダ", "全製品オーダ"
    else:
        o = chain.orders.set_index("order_id").loc[order_id]
        name = f"{o['item']} オーダ {order_id}"
        fu = f"1オーダ（{o['quantity']:g} {'台' if o['unit'] == 'unit' else o['unit']}）"
    return Footprint(validate_trace(rows.loc[:, list(TRACE_COLUMNS)]), name, fu)


def per_unit(chain: ChainData, footprint: Footprint, order_id: str) -> Footprint:
    """The footprint of ``order_id`` per unit of its product (``Footprint.scaled``)."""
    qty = float(chain.orders.set_index("order_id").loc[order_id, "quantity"])
    if qty <= 0:
        raise ChainError(f"オーダ「{order_id}」の数量が0です", column="quantity")
    return footprint.scaled(1.0 / qty, "1台")


def by_stage(records: pd.DataFrame) -> pd.DataFrame:
    """kg-CO2e and share by stage, in the order of ``STAGES`` (stages with no rows omitted)."""
    grouped = records.groupby("stage", sort=False)["kg_co2e"].agg(lambda s: math.fsum(s))
    grouped = grouped.reindex([s for s in STAGES if s in grouped.index])
    total = math.fsum(grouped.tolist())
    return pd.DataFrame(
        {"kg_co2e": grouped, "share": grouped / total if total else 0.0}
    ).rename_axis("stage")


def by_firm(records: pd.DataFrame, chain: ChainData | None = None) -> pd.DataFrame:
    """kg-CO2e and share by firm (with the firm's name when ``chain`` is given)."""
    grouped = records.groupby("firm_id", sort=False)["kg_co2e"].agg(lambda s: math.fsum(s))
    total = math.fsum(grouped.tolist())
    out = pd.DataFrame({"kg_co2e": grouped, "share": grouped / total if total else 0.0})
    if chain is not None:
        out.insert(0, "name", [chain.firm_name(f) for f in out.index])
    return out.rename_axis("firm_id")


# --------------------------------------------------------------------------------------------
# Analyses of the figure, each a table that names its levers


def _with_levers(table: pd.DataFrame, analysis: str) -> pd.DataFrame:
    table.attrs["analysis"] = analysis
    table.attrs["levers"] = LEVERS[analysis]
    return table


def _order_info(chain: ChainData) -> pd.DataFrame:
    return chain.orders.set_index("order_id")[["item", "quantity", "firm_id"]]


def part_manufacturing(records: pd.DataFrame, chain: ChainData) -> pd.DataFrame:
    """部品別製造CFP分析: manufacturing CO2 of each part by process.

    Parameters
    ----------
    records : pandas.DataFrame
        ``chain_records(...)`` (scaled to product orders) or ``record_emissions(...)``.
    chain : ChainData

    Returns
    -------
    pandas.DataFrame
        One row per (part, firm, process): ``part``, ``firm``, ``process``, ``kg_co2e``
        [kg-CO2e], ``per_part_kg_co2e`` [kg-CO2e per piece], ``share`` [-] of all part
        manufacturing; ``attrs["levers"]`` the levers (製造技術改善, 新たな設備切替, 生産地切替).
    """
    return _manufacturing_analysis(records, chain, "部品製造", "部品別製造CFP", "part")


def product_manufacturing(records: pd.DataFrame, chain: ChainData) -> pd.DataFrame:
    """製品別製造CFP分析: the final maker's manufacturing CO2 by product and process.

    Returns
    -------
    pandas.DataFrame
        As ``part_manufacturing`` with ``product`` for ``part`` and ``per_unit_kg_co2e``
        [kg-CO2e per unit of product].
    """
    return _manufacturing_analysis(records, chain, "製品製造", "製品別製造CFP", "product")


def _manufacturing_analysis(
    records: pd.DataFrame, chain: ChainData, stage: str, analysis: str, label: str
) -> pd.DataFrame:
    rows = records[records["stage"] == stage]
    mf = chain.manufacturing.set_index("record_id")
    info = _order_info(chain)
    done = rows["order_id"].map(info["quantity"]).astype(float)
    k = rows["units_per_root"] if "units_per_root" in rows.columns else 1.0
    frame = pd.DataFrame(
        {
            label: rows["order_id"].map(info["item"]),
            "firm": rows["firm_id"].map(lambda f: chain.firm_name(f)),
            "process": rows["record_id"].map(mf["process"]),
            "kg_co2e": rows["kg_co2e"],
            "pieces": done * k,
        }
    )
    out = frame.groupby([label, "firm", "process"], sort=False).agg(
        kg_co2e=("kg_co2e", "sum"), pieces=("pieces", "sum")
    )
    # pieces are counted once per order, not once per record of the order
    pieces = (
        pd.DataFrame({label: frame[label], "order": rows["order_id"], "pieces": frame["pieces"]})
        .drop_duplicates(["order"])
        .groupby(label, sort=False)["pieces"]
        .sum()
    )
    out = out.drop(columns="pieces").reset_index()
    per = "per_part_kg_co2e" if label == "part" else "per_unit_kg_co2e"
    out[per] = out["kg_co2e"] / out[label].map(pieces).to_numpy(dtype=float)
    total = math.fsum(out["kg_co2e"].tolist())
    out["share"] = out["kg_co2e"] / total if total else 0.0
    return _with_levers(out, analysis)


def material_purchases(records: pd.DataFrame, chain: ChainData) -> pd.DataFrame:
    """購入材料別CFP分析: CO2 of the materials issued, by material and supplier.

    Returns
    -------
    pandas.DataFrame
        One row per material: ``material`` (Japanese), ``supplier``, ``factor_id``,
        ``factor_value`` [kg-CO2e/kg], ``mass_kg`` [kg], ``kg_co2e`` [kg-CO2e], ``share`` [-];
        ``attrs["levers"]`` (購入材料変更, サプライヤ指導).
    """
    rows = records[records["stage"] == "材料払出"]
    mi = chain.material_issues.set_index("record_id")
    conv = chain.material_co2.set_index("material")
    mat = rows["record_id"].map(mi["material"])
    frame = pd.DataFrame(
        {
            "material": mat.map(conv["material_ja"]),
            "supplier": mat.map(conv["supplier_firm_id"]).map(lambda f: chain.firm_name(f)),
            "factor_id": rows["factor_id"],
            "factor_value": rows["factor_value"],
            "mass_kg": rows["amount"],
            "kg_co2e": rows["kg_co2e"],
        }
    )
    out = frame.groupby(["material", "supplier", "factor_id"], sort=False).agg(
        factor_value=("factor_value", "first"),
        mass_kg=("mass_kg", "sum"),
        kg_co2e=("kg_co2e", "sum"),
    )
    out = out.reset_index().sort_values("kg_co2e", ascending=False, kind="stable")
    total = math.fsum(out["kg_co2e"].tolist())
    out["share"] = out["kg_co2e"] / total if total else 0.0
    return _with_levers(out.reset_index(drop=True), "購入材料別CFP")


def logistics_analysis(records: pd.DataFrame, chain: ChainData) -> pd.DataFrame:
    """物流CFP分析: CO2 of each consignment, per item carried.

    Returns
    -------
    pandas.DataFrame
        One row per logistics record: ``record_id``, ``order_id``, ``item``, ``carrier``,
        ``route``, ``method``, ``vehicle``, ``load_factor`` [-], ``distance_km`` [km],
        ``mass_kg`` [kg], ``kg_co2e`` [kg-CO2e], ``g_per_item`` [g-CO2e per piece carried],
        ``share`` [-]; ``attrs["levers"]`` (物流業者変更, 輸送モード見直し, EV輸送車活用).
    """
    rows = records[records["stage"] == "部品物流"]
    lg = chain.logistics.set_index("record_id")
    info = _order_info(chain)
    rid = rows["record_id"]
    k = rows["units_per_root"].to_numpy(float) if "units_per_root" in rows.columns else 1.0
    pieces = rows["order_id"].map(info["quantity"]).to_numpy(float) * k
    out = pd.DataFrame(
        {
            "record_id": rid.to_numpy(),
            "order_id": rows["order_id"].to_numpy(),
            "item": rows["order_id"].map(info["item"]).to_numpy(),
            "carrier": rows["firm_id"].map(lambda f: chain.firm_name(f)).to_numpy(),
            "route": (rid.map(lg["origin"]) + "→" + rid.map(lg["destination"])).to_numpy(),
            "method": rid.map(lg["method"]).map(tr.METHODS_JA).to_numpy(),
            "vehicle": rid.map(lg["vehicle_class"]).to_numpy(),
            "load_factor": rid.map(lg["load_factor"]).to_numpy(float),
            "distance_km": rid.map(lg["distance_km"]).to_numpy(float),
            "mass_kg": rid.map(lg["mass_kg"]).to_numpy(float) * k,
            "kg_co2e": rows["kg_co2e"].to_numpy(float),
        }
    )
    out["g_per_item"] = np.divide(
        out["kg_co2e"].to_numpy() * 1000.0,
        pieces,
        out=np.full(len(out), np.nan),
        where=pieces > 0,
    )
    total = math.fsum(out["kg_co2e"].tolist())
    out["share"] = out["kg_co2e"] / total if total else 0.0
    return _with_levers(out, "物流CFP")


def analyses(
    chain: ChainData,
    factors: FactorTable,
    order_id: str | None = None,
    transport: tr.TransportParameters | None = None,
) -> dict[str, pd.DataFrame]:
    """The four analyses of the figure for a product order (all product orders when omitted).

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys of ``LEVERS`` (部品別製造CFP, 購入材料別CFP, 物流CFP, 製品別製造CFP); each table's
        ``attrs["levers"]`` names the levers it points to.
    """
    rows = chain_records(chain, factors, order_id, transport)
    return {
        "部品別製造CFP": part_manufacturing(rows, chain),
        "購入材料別CFP": material_purchases(rows, chain),
        "物流CFP": logistics_analysis(rows, chain),
        "製品別製造CFP": product_manufacturing(rows, chain),
    }


def flows(records: pd.DataFrame, chain: ChainData) -> pd.DataFrame:
    """CO2 flows firm → stage → product for a Sankey diagram.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target``, ``kg_co2e`` [kg-CO2e]: firm (Japanese name) → stage,
        and stage → product (the root order's item). Both layers sum to the total.
    """
    names = records["firm_id"].map(lambda f: chain.firm_name(f))
    info = _order_info(chain)
    root = records["root_order_id"] if "root_order_id" in records.columns else records["order_id"]
    product = root.map(info["item"])
    first = (
        pd.DataFrame(
            {"source": names, "target": records["stage"].astype(str), "kg": records["kg_co2e"]}
        )
        .groupby(["source", "target"], sort=False)["kg"]
        .sum()
    )
    second = (
        pd.DataFrame(
            {"source": records["stage"].astype(str), "target": product, "kg": records["kg_co2e"]}
        )
        .groupby(["source", "target"], sort=False)["kg"]
        .sum()
    )
    out = pd.concat([first, second]).rename("kg_co2e").reset_index()
    return out[out["kg_co2e"] > 0].reset_index(drop=True)


LOGISTICS_EDITABLE: tuple[str, ...] = (
    "carrier_firm_id",
    "method",
    "mode",
    "distance_km",
    "mass_kg",
    "vehicle_class",
    "max_payload_kg",
    "load_factor",
    "fuel",
    "km_per_l",
    "fuel_l",
    "kwh_per_km",
    "electricity_factor_id",
)
"""Columns of a logistics record that ``with_logistics`` may change."""


def with_logistics(chain: ChainData, record_id: str, **changes: object) -> ChainData:
    """A copy of ``chain`` with one logistics record changed (carrier, mode, vehicle, EV …).

    Parameters
    ----------
    chain : ChainData
    record_id : str
        A ``record_id`` of ``logistics.csv``.
    **changes
        New values of ``LOGISTICS_EDITABLE`` columns, e.g. ``method="tonkm", mode="rail"`` or
        ``method="ev", fuel="electricity", kwh_per_km=0.45`` or ``load_factor=0.8``.

    Returns
    -------
    ChainData
        The provenance of the changed row says what was changed (``assumed (scenario: …)``).

    Raises
    ------
    ChainError
        An unknown record or column.
    """
    lg = chain.logistics
    hit = lg.index[lg["record_id"] == record_id]
    if hit.empty:
        raise ChainError(f"物流実績「{record_id}」がありません", file=_file(chain, "logistics"))
    bad = [k for k in changes if k not in LOGISTICS_EDITABLE]
    if bad:
        raise ChainError(
            f"物流実績の列「{bad[0]}」は変更できません（{', '.join(LOGISTICS_EDITABLE)}）",
            column=bad[0],
        )
    new = lg.copy()
    for key, value in changes.items():
        if new[key].dtype.kind == "f" and value is not None:
            value = float(value)
        new.loc[hit[0], key] = value
    what = ", ".join(f"{k}={v}" for k, v in changes.items())
    new.loc[hit[0], "provenance"] = f"assumed (scenario: {what})"
    return replace(chain, logistics=new)
