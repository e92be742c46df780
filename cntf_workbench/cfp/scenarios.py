"""Scenarios of the supply chain: named changes applied to a copy, compared side by side.

A scenario (シナリオ) is a name and a list of changes. Each change is one of ``CHANGE_KINDS``:

==============  ===========================  =================================================
kind            lever (打ち手)                keys
==============  ===========================  =================================================
material        購入材料変更 / サプライヤ指導  ``material``, ``factor`` [, ``supplier``]
electricity     再エネ電力メニューへの切替     ``firm``, ``factor`` [, ``share`` (0, 1]]
move_process    生産地切替                   ``where`` {record, order, firm, stage, process,
                                             equipment} (a value or a list), ``to`` (a firm: its site's factors)
logistics       物流業者変更・輸送モード見直し  ``where`` {record, order, origin, destination,
                                             carrier}, ``set`` {carrier, mode, method,
                                             vehicle_class, max_payload_kg, load_factor,
                                             distance_km, km_per_l}
ev              EV輸送車活用                 ``where`` {…as logistics}, [``kwh_per_km``,
                                             ``electricity_factor``]
==============  ===========================  =================================================

A scenario file is YAML::

    order: P-001                  # optional: one product order (all product orders if omitted)
    scenarios:
      - name: モーター工場を再エネ電力に
        changes:
          - kind: electricity
            firm: MTR
            factor: elec_jp_yonden_fy2023_menu_a

Structure is checked when the file is read (``load_scenarios``), names against the chain when
the scenario is applied (``apply_scenario``): an unknown kind, key, firm, stage, material, record
or factor, a load factor outside (0, 1] or a negative distance raises ``ScenarioError`` naming
the file and the key (``scenarios[0].changes[1].firm``). Input files are only read.

A renewable share below 1 blends the site's current factor with the menu's, ``(1 − s)·current +
s·menu`` [kg-CO2e/kWh], as a new factor labelled assumed (added to a copy of the factor table).

The chain itself comes from ``cntf_workbench.cfp.chain`` (its "API for scenarios"): tables are
swapped with ``replace``, never changed in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cntf_workbench import tabular
from cntf_workbench.cfp import chain as ch
from cntf_workbench.cfp import transport as tr
from cntf_workbench.cfp.optimise import KEEP, Plan, optimise, pareto_front
from cntf_workbench.cfp.uncertainty import options_dir
from cntf_workbench.errors import CntfError
from cntf_workbench.factors import FactorTable
from cntf_workbench.trace import Footprint

BASELINE = "現状"
"""Name of the unchanged chain in comparisons."""

CHANGE_KINDS: dict[str, str] = {
    "material": "購入材料変更",
    "electricity": "再エネ電力メニューへの切替",
    "move_process": "生産地切替",
    "logistics": "物流の変更（物流業者・輸送モード・車両・積載率）",
    "ev": "EV輸送車活用",
}
"""Change kinds and their Japanese names."""

_KEYS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required keys, optional keys), besides "kind"
    "material": ({"material", "factor"}, {"supplier", "note"}),
    "electricity": ({"firm", "factor"}, {"share", "note"}),
    "move_process": ({"where", "to"}, {"note"}),
    "logistics": ({"where", "set"}, {"note"}),
    "ev": ({"where"}, {"kwh_per_km", "electricity_factor", "note"}),
}

PROCESS_WHERE = ("record", "order", "firm", "stage", "process", "equipment")
LOGISTICS_WHERE = ("record", "order", "origin", "destination", "carrier")
LOGISTICS_SET = (
    "carrier",
    "mode",
    "method",
    "vehicle_class",
    "max_payload_kg",
    "load_factor",
    "distance_km",
    "km_per_l",
)


class ScenarioError(CntfError):
    """A scenario file or change is invalid (unknown kind, key, name, or a value out of range).

    ``column`` holds the key path in the file, e.g. ``scenarios[0].changes[1].firm``.
    """

    area = "シナリオ"

    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.row is not None:
            parts.append(f"データ{self.row}行目")
        if self.column is not None:
            parts.append(f"キー「{self.column}」")
        return ", ".join(parts)


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    Attributes
    ----------
    kind : str
        One of ``CHANGE_KINDS``.
    params : dict
        The change's keys (see the module docstring).
    file : str, optional
        Where it was read from (named in errors).
    key : str
        Its key path in the file (named in errors), e.g. ``scenarios[0].changes[1]``.
    row : int, optional
        Data row when it came from a table (``alternatives.csv``).
    """

    kind: str
    params: dict[str, Any]
    file: str | None = None
    key: str = "change"
    row: int | None = None

    def error(self, message: str, key: str | None = None) -> ScenarioError:
        """A ``ScenarioError`` naming this change's file and ``key``."""
        path = self.key if key is None else f"{self.key}.{key}"
        return ScenarioError(message, file=self.file, row=self.row, column=path)

    def describe(self) -> str:
        """Japanese one-line description."""
        body = ", ".join(f"{k}={v}" for k, v in self.params.items() if k != "note")
        return f"{CHANGE_KINDS[self.kind]}（{body}）"


@dataclass(frozen=True)
class Scenario:
    """A named set of changes.

    Attributes
    ----------
    name : str
    changes : tuple of Change
    description : str
    """

    name: str
    changes: tuple[Change, ...] = ()
    description: str = ""


def _number(change: Change, key: str, value: Any) -> float:
    if isinstance(value, bool):
        raise change.error(f"「{value}」は数値ではありません", key)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise change.error(f"「{value}」は数値ではありません", key) from None
    if not math.isfinite(out):
        raise change.error(f"「{value}」は有限の数値ではありません", key)
    return out


def _check_ranges(change: Change, values: Mapping[str, Any], prefix: str) -> None:
    for key, value in values.items():
        if key in ("load_factor", "share"):
            v = _number(change, f"{prefix}{key}", value)
            if not 0 < v <= 1:
                what = "積載率" if key == "load_factor" else "再エネ比率"
                raise change.error(
                    f"{what} {value} は 0 より大きく 1 以下の割合です（例: 0.6）", f"{prefix}{key}"
                )
        elif key == "distance_km":
            if _number(change, f"{prefix}{key}", value) < 0:
                raise change.error(f"輸送距離 {value} km が負です（0 以上）", f"{prefix}{key}")
        elif key in ("max_payload_kg", "km_per_l", "kwh_per_km"):
            if _number(change, f"{prefix}{key}", value) <= 0:
                raise change.error(f"{key} = {value} は正の値です", f"{prefix}{key}")


def make_change(
    raw: Any, file: str | None = None, key: str = "change", row: int | None = None
) -> Change:
    """Check the structure of one change (a mapping with ``kind``) and return a ``Change``.

    Parameters
    ----------
    raw : mapping
        As read from YAML, e.g. ``{"kind": "electricity", "firm": "MTR", "factor": "…"}``.
    file, key, row
        Named in errors.

    Raises
    ------
    ScenarioError
        Unknown kind or key, a missing key, a value of the wrong type or out of range.
    """
    probe = Change("material", {}, file, key, row)
    if not isinstance(raw, Mapping):
        raise probe.error("変更は「kind: …」を含むマッピングです")
    kind = raw.get("kind")
    if kind not in CHANGE_KINDS:
        raise probe.error(
            f"変更の種類「{kind}」は不明です（{', '.join(CHANGE_KINDS)} のいずれか）", "kind"
        )
    params = {str(k): v for k, v in raw.items() if k != "kind"}
    change = Change(str(kind), params, file, key, row)
    required, optional = _KEYS[kind]
    for k in params:
        if k not in required | optional:
            allowed = ", ".join(sorted(required | optional))
            raise change.error(f"「{kind}」の変更にキー「{k}」はありません（{allowed}）", k)
    for k in sorted(required):
        if k not in params or params[k] is None:
            raise change.error(f"「{kind}」の変更にはキー「{k}」が必要です", k)
    where_keys = PROCESS_WHERE if kind == "move_process" else LOGISTICS_WHERE
    if "where" in required:
        where = params["where"]
        if not isinstance(where, Mapping) or not where:
            raise change.error(
                f"where は対象を選ぶマッピングです（{', '.join(where_keys)}）", "where"
            )
        for k in where:
            if k not in where_keys:
                raise change.error(
                    f"where にキー「{k}」はありません（{', '.join(where_keys)}）", f"where.{k}"
                )
    if kind == "logistics":
        new = params["set"]
        if not isinstance(new, Mapping) or not new:
            raise change.error(
                f"set は変更する項目のマッピングです（{', '.join(LOGISTICS_SET)}）", "set"
            )
        for k in new:
            if k not in LOGISTICS_SET:
                raise change.error(
                    f"set にキー「{k}」はありません（{', '.join(LOGISTICS_SET)}）", f"set.{k}"
                )
        _check_ranges(change, new, "set.")
        if "mode" in new and new["mode"] not in tr.MODES_JA:
            raise change.error(
                f"輸送モード「{new['mode']}」は不明です（{', '.join(tr.MODES_JA)}）", "set.mode"
            )
        if "method" in new and new["method"] not in tr.METHODS_JA:
            raise change.error(
                f"算定方法「{new['method']}」は不明です（{', '.join(tr.METHODS_JA)}）", "set.method"
            )
    _check_ranges(change, {k: v for k, v in params.items() if k not in ("where", "set")}, "")
    return change


def load_scenarios(path: str | Path) -> tuple[list[Scenario], str | None]:
    """Read a scenario file (YAML).

    Parameters
    ----------
    path : str or Path
        The file; only read.

    Returns
    -------
    scenarios : list of Scenario
    order_id : str or None
        The file's ``order`` (a product order), or None for every product order.

    Raises
    ------
    ScenarioError
        Naming the file and the key of the first problem.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise ScenarioError("シナリオファイルが見つかりません", file=file)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError("シナリオファイルは UTF-8 で保存してください", file=file) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}行目" if mark is not None else "不明な位置"
        raise ScenarioError(f"YAML として読めません（{where}）", file=file) from None
    if not isinstance(doc, Mapping):
        raise ScenarioError("シナリオファイルは「scenarios:」を含むマッピングです", file=file)
    unknown = [k for k in doc if k not in ("order", "scenarios", "description")]
    if unknown:
        raise ScenarioError(
            f"キー「{unknown[0]}」はありません（order, scenarios, description）",
            file=file,
            column=str(unknown[0]),
        )
    order = doc.get("order")
    items = doc.get("scenarios")
    if not isinstance(items, list) or not items:
        raise ScenarioError(
            "「scenarios:」にシナリオのリストが必要です", file=file, column="scenarios"
        )
    out = []
    names: set[str] = set()
    for i, item in enumerate(items):
        key = f"scenarios[{i}]"
        if not isinstance(item, Mapping):
            raise ScenarioError(
                "シナリオは name と changes のマッピングです", file=file, column=key
            )
        extra = [k for k in item if k not in ("name", "changes", "description")]
        if extra:
            raise ScenarioError(
                f"キー「{extra[0]}」はありません（name, changes, description）",
                file=file,
                column=f"{key}.{extra[0]}",
            )
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError("シナリオの名前（name）が必要です", file=file, column=f"{key}.name")
        if name in names or name == BASELINE:
            raise ScenarioError(
                f"シナリオ名「{name}」が重複しています（「{BASELINE}」は予約名）",
                file=file,
                column=f"{key}.name",
            )
        names.add(name)
        raw_changes = item.get("changes")
        if not isinstance(raw_changes, list) or not raw_changes:
            raise ScenarioError(
                "changes に変更のリストが必要です", file=file, column=f"{key}.changes"
            )
        changes = tuple(
            make_change(c, file, f"{key}.changes[{j}]") for j, c in enumerate(raw_changes)
        )
        out.append(Scenario(name, changes, str(item.get("description") or "")))
    return out, (None if order is None else str(order))


# --------------------------------------------------------------------------------------------
# Applying changes to a copy of the chain


@dataclass(frozen=True)
class Variant:
    """A changed copy of the chain and of the factor table."""

    chain: ch.ChainData
    factors: FactorTable


def _factor(change: Change, factors: FactorTable, key: str, activity_prefix: str) -> str:
    fid = change.params[key]
    if fid not in factors:
        raise change.error(f"排出係数「{fid}」が係数表にありません", key)
    act = factors.get(fid).activity
    if not act.startswith(activity_prefix):
        raise change.error(
            f"排出係数「{fid}」は「{act}」用で、ここには使えません（{activity_prefix}…）", key
        )
    return str(fid)


def _firm(change: Change, chain: ch.ChainData, value: Any, key: str) -> str:
    if value not in set(chain.firms["firm_id"]):
        known = ", ".join(chain.firms["firm_id"])
        raise change.error(f"企業「{value}」はありません（{known}）", key)
    return str(value)


def _provenance(frame: pd.DataFrame, mask: np.ndarray, change: Change) -> None:
    frame.loc[mask, "provenance"] = f"assumed (scenario: {change.describe()})"


def _apply_material(v: Variant, c: Change) -> Variant:
    mat = v.chain.material_co2.copy()
    hit = (mat["material"] == c.params["material"]).to_numpy()
    if not hit.any():
        known = ", ".join(mat["material"])
        raise c.error(f"材料「{c.params['material']}」はありません（{known}）", "material")
    mat.loc[hit, "factor_id"] = _factor(c, v.factors, "factor", "material:")
    if "supplier" in c.params:
        mat.loc[hit, "supplier_firm_id"] = _firm(c, v.chain, c.params["supplier"], "supplier")
    _provenance(mat, hit, c)
    return Variant(ch.replace(v.chain, material_co2=mat), v.factors)


def _blend(factors: FactorTable, current: str, menu: str, share: float, firm: str) -> tuple:
    cur, new = factors.get(current), factors.get(menu)
    value = (1 - share) * cur.value + share * new.value
    fid = f"{firm}:{current}+{menu}@{share:g}"
    if fid in factors:
        return factors, fid
    row = {
        "id": fid,
        "activity": "electricity",
        "value": value,
        "unit": cur.unit,
        "region": cur.region,
        "year": cur.year,
        "source": (
            f"シナリオの加重平均（assumed）: {1 - share:g} × {current} ({cur.value:g}) + "
            f"{share:g} × {menu} ({new.value:g})"
        ),
        "kind": "assumed",
        "default": False,
        "assumed": True,
        "note": f"再エネ比率 {share:.0%}（利用者が指定）",
    }
    frame = pd.concat([factors.frame, pd.DataFrame([row])], ignore_index=True)
    return FactorTable(frame, source=factors.source), fid


def _apply_electricity(v: Variant, c: Change) -> Variant:
    firm = _firm(c, v.chain, c.params["firm"], "firm")
    menu = _factor(c, v.factors, "factor", "electricity")
    share = float(c.params.get("share", 1.0))
    firms = v.chain.firms.copy()
    hit = (firms["firm_id"] == firm).to_numpy()
    factors = v.factors
    fid = menu
    if share < 1:
        current = str(firms.loc[hit, "electricity_factor_id"].iloc[0])
        factors, fid = _blend(factors, current, menu, share, firm)
    firms.loc[hit, "electricity_factor_id"] = fid
    _provenance(firms, hit, c)
    return Variant(ch.replace(v.chain, firms=firms), factors)


def _match(
    c: Change, frame: pd.DataFrame, columns: Mapping[str, pd.Series], what: str
) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for key, value in c.params["where"].items():
        col = columns[key]
        for one in value if isinstance(value, list) else [value]:
            if key == "stage" and one not in ch.STAGES:
                raise c.error(f"段階「{one}」は不明です（{', '.join(ch.STAGES)}）", f"where.{key}")
            if key in ("firm", "carrier") and one not in set(frame.attrs.get("firms", ())):
                known = ", ".join(frame.attrs.get("firms", ()))
                raise c.error(f"企業「{one}」はありません（{known}）", f"where.{key}")
        wanted = [str(x) for x in value] if isinstance(value, list) else [str(value)]
        values = set(col.astype(str))
        for w in wanted:
            if w not in values:
                raise c.error(f"{what}に {key} =「{w}」の行がありません", f"where.{key}")
        mask &= col.astype(str).isin(wanted).to_numpy()
    if not mask.any():
        raise c.error(f"where の条件をすべて満たす{what}の行がありません", "where")
    return mask


def _apply_move(v: Variant, c: Change) -> Variant:
    to = _firm(c, v.chain, c.params["to"], "to")
    mf = v.chain.manufacturing.copy()
    mf.attrs["firms"] = list(v.chain.firms["firm_id"])
    firm_of = ch._order_firm(v.chain, mf["order_id"])
    cols = {
        "record": mf["record_id"],
        "order": mf["order_id"],
        "firm": firm_of,
        "stage": mf["stage"],
        "process": mf["process"],
        "equipment": mf["equipment"].fillna(""),
    }
    hit = _match(c, mf, cols, "製造実績")
    elec = dict(zip(v.chain.firms["firm_id"], v.chain.firms["electricity_factor_id"], strict=True))
    fuels = {
        (f, e): fid
        for f, e, fid in zip(
            v.chain.energy_co2["firm_id"],
            v.chain.energy_co2["energy"],
            v.chain.energy_co2["factor_id"],
            strict=True,
        )
    }
    new_ids = mf["factor_id"].astype(object).copy()
    for i in np.flatnonzero(hit):
        energy = mf["energy"].iloc[i]
        if energy == "electricity":
            new_ids.iloc[i] = elec[to]
        elif (to, energy) in fuels:
            new_ids.iloc[i] = fuels[(to, energy)]
    mf["factor_id"] = new_ids
    _provenance(mf, hit, c)
    mf.attrs = {}
    return Variant(ch.replace(v.chain, manufacturing=mf), v.factors)


def _logistics_mask(v: Variant, c: Change) -> tuple[pd.DataFrame, np.ndarray]:
    lg = v.chain.logistics.copy()
    lg.attrs["firms"] = list(v.chain.firms["firm_id"])
    cols = {
        "record": lg["record_id"],
        "order": lg["order_id"],
        "origin": lg["origin"],
        "destination": lg["destination"],
        "carrier": lg["carrier_firm_id"],
    }
    hit = _match(c, lg, cols, "物流実績")
    lg.attrs = {}
    return lg, hit


def _set(lg: pd.DataFrame, hit: np.ndarray, column: str, value: Any) -> None:
    if lg[column].dtype.kind == "f":
        lg[column] = lg[column].astype(float)
        lg.loc[hit, column] = np.nan if value is None else float(value)
    else:
        lg[column] = lg[column].astype(object)
        lg.loc[hit, column] = value


def _apply_logistics(v: Variant, c: Change) -> Variant:
    lg, hit = _logistics_mask(v, c)
    new = dict(c.params["set"])
    if "carrier" in new:
        _set(lg, hit, "carrier_firm_id", _firm(c, v.chain, new.pop("carrier"), "set.carrier"))
    mode = new.get("mode")
    if mode is not None and mode != "truck" and "method" not in new:
        new["method"] = "tonkm"  # rail and ship have only the ton-km method
    if new.get("method", "tonkm") != "tonkm" and (
        mode in ("rail", "ship") or ("mode" not in new and (lg.loc[hit, "mode"] != "truck").any())
    ):
        raise c.error("鉄道・船舶はトンキロ法（method: tonkm）だけで計算します", "set.method")
    if "max_payload_kg" in new and "km_per_l" not in new:
        new["km_per_l"] = None  # another vehicle: the class's default fuel economy
    for key, value in new.items():
        _set(lg, hit, key, value)
    _provenance(lg, hit, c)
    return Variant(ch.replace(v.chain, logistics=lg), v.factors)


def _apply_ev(v: Variant, c: Change) -> Variant:
    lg, hit = _logistics_mask(v, c)
    if (lg.loc[hit, "mode"] != "truck").any():
        raise c.error("EV に切り替えられるのはトラック輸送だけです", "where")
    _set(lg, hit, "method", "ev")
    _set(lg, hit, "fuel", "electricity")
    _set(lg, hit, "kwh_per_km", c.params.get("kwh_per_km"))
    if "electricity_factor" in c.params:
        _set(
            lg,
            hit,
            "electricity_factor_id",
            _factor(c, v.factors, "electricity_factor", "electricity"),
        )
    _provenance(lg, hit, c)
    return Variant(ch.replace(v.chain, logistics=lg), v.factors)


_APPLY = {
    "material": _apply_material,
    "electricity": _apply_electricity,
    "move_process": _apply_move,
    "logistics": _apply_logistics,
    "ev": _apply_ev,
}


def apply_changes(chain: ch.ChainData, factors: FactorTable, changes: Sequence[Change]) -> Variant:
    """Apply changes in order to copies of the chain and the factor table.

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    changes : sequence of Change

    Returns
    -------
    Variant
        The originals are not changed.

    Raises
    ------
    ScenarioError
        A change names something the chain or the factor table does not have.
    """
    v = Variant(chain, factors)
    for c in changes:
        try:
            v = _APPLY[c.kind](v, c)
        except ScenarioError:
            raise
        except CntfError as exc:
            raise c.error(exc.message) from None
    return v


def apply_scenario(chain: ch.ChainData, factors: FactorTable, scenario: Scenario) -> Variant:
    """``apply_changes`` with a scenario's changes."""
    return apply_changes(chain, factors, scenario.changes)


def _records(v: Variant, order_id: str | None, where: Change | None = None) -> pd.DataFrame:
    try:
        return ch.chain_records(v.chain, v.factors, order_id)
    except CntfError as exc:
        if where is None:
            raise
        raise where.error(exc.message) from None


# --------------------------------------------------------------------------------------------
# Comparison


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side.

    Attributes
    ----------
    totals : pandas.DataFrame
        Index: scenario (``"現状"`` first); columns ``total_kg_co2e``, ``delta_kg_co2e``
        [kg-CO2e], ``delta_share`` [-] (of the baseline).
    by_stage : pandas.DataFrame
        Index: stage (order of ``STAGES``); one column per scenario [kg-CO2e].
    by_firm : pandas.DataFrame
        Index: firm name; one column per scenario [kg-CO2e].
    footprints : dict
        Scenario name → Footprint (for Monte Carlo and charts).
    """

    totals: pd.DataFrame
    by_stage: pd.DataFrame
    by_firm: pd.DataFrame
    footprints: dict[str, Footprint] = field(default_factory=dict)

    def stage_delta(self) -> pd.DataFrame:
        """``by_stage`` minus the baseline column [kg-CO2e] (the baseline column dropped)."""
        return self.by_stage.sub(self.by_stage[BASELINE], axis=0).drop(columns=BASELINE)

    def firm_delta(self) -> pd.DataFrame:
        """``by_firm`` minus the baseline column [kg-CO2e] (the baseline column dropped)."""
        return self.by_firm.sub(self.by_firm[BASELINE], axis=0).drop(columns=BASELINE)


def compare(
    chain: ch.ChainData,
    factors: FactorTable,
    scenarios: Sequence[Scenario],
    order_id: str | None = None,
) -> Comparison:
    """Footprint of the chain under each scenario, with the deltas by stage and by firm.

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    scenarios : sequence of Scenario
    order_id : str, optional
        A product order; every product order combined when omitted.

    Returns
    -------
    Comparison
    """
    if order_id is not None and order_id not in set(chain.product_orders()):
        raise ScenarioError(
            f"製品オーダ「{order_id}」はありません（{', '.join(chain.product_orders())}）",
            column="order",
        )
    variants = {BASELINE: (Variant(chain, factors), None)}
    for s in scenarios:
        variants[s.name] = (apply_scenario(chain, factors, s), s.changes[-1] if s.changes else None)
    records = {name: _records(v, order_id, last) for name, (v, last) in variants.items()}
    base = math.fsum(records[BASELINE]["kg_co2e"].tolist())
    totals = pd.DataFrame(
        {"total_kg_co2e": {n: math.fsum(r["kg_co2e"].tolist()) for n, r in records.items()}}
    )
    totals["delta_kg_co2e"] = totals["total_kg_co2e"] - base
    totals["delta_share"] = totals["delta_kg_co2e"] / base if base else 0.0
    totals.index.name = "scenario"
    by_stage = pd.DataFrame({n: ch.by_stage(r)["kg_co2e"] for n, r in records.items()})
    by_stage = by_stage.reindex([s for s in ch.STAGES if s in by_stage.index]).fillna(0.0)
    names = dict(zip(chain.firms["firm_id"], chain.firms["name"], strict=True))
    by_firm = pd.DataFrame({n: ch.by_firm(r)["kg_co2e"] for n, r in records.items()}).fillna(0.0)
    by_firm.index = [names.get(f, f) for f in by_firm.index]
    by_firm.index.name = "firm"
    from cntf_workbench.trace import TRACE_COLUMNS  # local: keeps the import list short

    fps = {
        n: Footprint(
            r.loc[:, list(TRACE_COLUMNS)], n, "全製品オーダ" if order_id is None else order_id
        )
        for n, r in records.items()
    }
    return Comparison(totals, by_stage, by_firm, fps)


def renewable_scenario(firms: Sequence[str], factor: str, share: float) -> Scenario:
    """A scenario that buys ``share`` of the electricity of ``firms`` on the menu ``factor``.

    Parameters
    ----------
    firms : sequence of str
        Firm ids.
    factor : str
        Electricity factor id of the renewable menu.
    share : float
        Renewable share (0, 1] [-].
    """
    changes = tuple(
        make_change(
            {"kind": "electricity", "firm": f, "factor": factor, "share": share},
            key=f"changes[{i}]",
        )
        for i, f in enumerate(firms)
    )
    return Scenario(f"再エネ比率 {share:.0%}", changes)


# --------------------------------------------------------------------------------------------
# Alternatives and optimisation on the chain


def load_alternatives(path: str | Path | None = None) -> pd.DataFrame:
    """Load the decision points and their alternatives (``alternatives.csv``).

    Parameters
    ----------
    path : str or Path, optional
        A CSV in that format; the shipped one when omitted.

    Returns
    -------
    pandas.DataFrame
        The table's columns (see its ``datapackage.json``) plus ``change_obj`` (a ``Change``).

    Raises
    ------
    DataError, ScenarioError
        Naming file, row and column (``params``) of the first problem.
    """
    folder = options_dir()
    schema = tabular.load_schema(folder / "datapackage.json", "alternatives")
    path = Path(path) if path is not None else folder / "alternatives.csv"
    table = tabular.load_table(path, schema)
    objs = []
    for i, (kind, params) in enumerate(zip(table["change"], table["params"], strict=True), 1):
        try:
            raw = yaml.safe_load("{" + str(params) + "}")
        except yaml.YAMLError:
            raise ScenarioError(
                "params は「key: value, …」の形（YAML のフロー形式）です",
                file=str(path),
                row=i,
                column="params",
            ) from None
        if not isinstance(raw, dict):
            raise ScenarioError(
                "params は「key: value, …」の形です", file=str(path), row=i, column="params"
            )
        objs.append(make_change({"kind": kind, **raw}, str(path), "params", i))
    table["change_obj"] = objs
    return table


def alternative_effects(
    chain: ch.ChainData,
    factors: FactorTable,
    alternatives: pd.DataFrame | None = None,
    order_id: str | None = None,
) -> tuple[pd.DataFrame, float]:
    """The footprint change of each alternative applied on its own.

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    alternatives : pandas.DataFrame, optional
        ``load_alternatives()`` output; the shipped alternatives when omitted.
    order_id : str, optional

    Returns
    -------
    options : pandas.DataFrame
        ``decision, decision_label, option, label, lever, cost_yen`` [JPY], ``delta_kg``
        [kg-CO2e] (negative: a reduction), ``change_obj``; ready for ``optimise``.
    base_kg_co2e : float
        The unchanged footprint [kg-CO2e].
    """
    alternatives = load_alternatives() if alternatives is None else alternatives
    base = math.fsum(_records(Variant(chain, factors), order_id)["kg_co2e"].tolist())
    deltas = []
    for c in alternatives["change_obj"]:
        v = apply_changes(chain, factors, [c])
        deltas.append(math.fsum(_records(v, order_id, c)["kg_co2e"].tolist()) - base)
    cols = ["decision", "decision_label", "option", "label", "lever", "cost_yen", "change_obj"]
    out = alternatives.loc[:, cols].copy()
    out.insert(6, "delta_kg", deltas)
    return out, base


def plan_changes(plan: Plan, options: pd.DataFrame) -> list[Change]:
    """The changes of the alternatives a plan chose."""
    picked = plan.changed()
    key = options.set_index(["decision", "option"])["change_obj"]
    return [key.loc[(d, o)] for d, o in zip(picked["decision"], picked["option"], strict=True)]


def evaluate_plan(
    chain: ch.ChainData,
    factors: FactorTable,
    plan: Plan,
    options: pd.DataFrame,
    order_id: str | None = None,
) -> Footprint:
    """Recompute the chain with every chosen alternative applied together."""
    v = apply_changes(chain, factors, plan_changes(plan, options))
    rows = _records(v, order_id)
    from cntf_workbench.trace import TRACE_COLUMNS

    return Footprint(rows.loc[:, list(TRACE_COLUMNS)], "最適化後", "全製品オーダ")


def optimise_chain(
    chain: ch.ChainData,
    factors: FactorTable,
    budget_yen: float,
    alternatives: pd.DataFrame | None = None,
    order_id: str | None = None,
) -> tuple[Plan, pd.DataFrame]:
    """The least-CFP choice of alternatives within ``budget_yen`` on the chain.

    Returns
    -------
    plan : Plan
        ``total_kg_co2e`` is the MILP's figure; ``evaluate_plan`` recomputes it on the chain.
    options : pandas.DataFrame
        ``alternative_effects`` output.
    """
    options, base = alternative_effects(chain, factors, alternatives, order_id)
    return optimise(options, budget_yen, base), options


def chain_pareto(
    chain: ch.ChainData,
    factors: FactorTable,
    alternatives: pd.DataFrame | None = None,
    order_id: str | None = None,
) -> pd.DataFrame:
    """The cost–CO2 Pareto front of the chain's alternatives (see ``optimise.pareto_front``)."""
    options, base = alternative_effects(chain, factors, alternatives, order_id)
    return pareto_front(options, base)


__all__ = [
    "BASELINE",
    "CHANGE_KINDS",
    "KEEP",
    "Change",
    "Comparison",
    "Scenario",
    "ScenarioError",
    "Variant",
    "alternative_effects",
    "apply_changes",
    "apply_scenario",
    "chain_pareto",
    "compare",
    "evaluate_plan",
    "load_alternatives",
    "load_scenarios",
    "make_change",
    "optimise_chain",
    "plan_changes",
    "renewable_scenario",
]
