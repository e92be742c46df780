"""Transport CO2 (輸送のCO2): the shippers' methods of the Japanese energy-saving law.

Four ways to get the fuel (or electricity) of a shipment, then fuel × emission factor:

===================  =====================================================================
ton-km method        トンキロ法: cargo [t] × distance [km] × mode factor [kg-CO2e/t·km]
improved ton-km      改良トンキロ法: fuel per t·km from load factor and max payload,
                     ``ln y = a − b·ln(x) − c·ln(z)`` (x load factor as a fraction, z max payload
                     [kg], y [L/t·km]), then fuel [L] = y × cargo [t] × distance [km]
fuel-economy method  燃費法: fuel [L] = distance [km] / fuel economy [km/L]
fuel method          燃料法: fuel [L] measured (refuelling records)
EV                   電費法: electricity [kWh] = distance [km] × [kWh/km]; × grid factor. The
                     ton-km formulas do not apply to battery-electric trucks.
===================  =====================================================================

All parameters are data in ``data/factors/transport.csv`` (with source, year and an ``assumed``
flag); the fuel and electricity emission factors come from ``emission_factors.csv``.

References
----------
.. [1] 経済産業省告示第66号（平成18年）「貨物輸送事業者に行わせる貨物の輸送に係るエネルギーの使用量の
   算定の方法」: 改良トンキロ法 (軽油 a = 2.71, b = 0.812, c = 0.654; ガソリン a = 2.67, b = 0.927,
   c = 0.648), 燃費法, 燃料法.
.. [2] 経済産業省・国土交通省「ロジスティクス分野におけるCO2排出量算定方法 共同ガイドライン」.
.. [3] 国土交通省「運輸部門における二酸化炭素排出量」(mode factors, order of magnitude only).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cntf_workbench import tabular
from cntf_workbench.errors import CntfError
from cntf_workbench.factors import FactorTable
from cntf_workbench.resources import data_root

FUELS: tuple[str, ...] = ("diesel", "gasoline")
"""Fuels with improved ton-km coefficients."""

MODES_JA: dict[str, str] = {"truck": "トラック", "rail": "鉄道", "ship": "内航船舶"}

METHODS_JA: dict[str, str] = {
    "tonkm": "トンキロ法",
    "improved_tonkm": "改良トンキロ法",
    "fuel_economy": "燃費法",
    "fuel": "燃料法",
    "ev": "EV（電費×電力係数）",
}


class TransportError(CntfError):
    """A transport input is out of range (load factor, distance, payload) or has no parameter."""

    area = "輸送"


@dataclass(frozen=True)
class TransportParameters:
    """The rows of ``transport.csv``, looked up by method, fuel, mode and payload.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns of ``transport.csv`` (see ``data/factors/datapackage.json``).
    source : str
        File the table came from (named in errors and in traces).
    """

    frame: pd.DataFrame
    source: str = ""

    def row(self, parameter_id: str) -> pd.Series:
        """The row with id ``parameter_id``."""
        rows = self.frame[self.frame["id"] == parameter_id]
        if rows.empty:
            raise TransportError(f"輸送パラメータ「{parameter_id}」がありません", file=self.source)
        return rows.iloc[0]

    def coefficients(self, fuel: str) -> tuple[float, float, float]:
        """Improved ton-km coefficients ``(a, b, c)`` of ``fuel`` [-]."""
        if fuel not in FUELS:
            raise TransportError(
                f"改良トンキロ法の燃料「{fuel}」は使えません（{', '.join(FUELS)} のいずれか）"
            )
        rows = self.frame[(self.frame["method"] == "improved_tonkm") & (self.frame["fuel"] == fuel)]
        values = dict(zip(rows["parameter"], rows["value"], strict=True))
        missing = [p for p in ("a", "b", "c") if p not in values]
        if missing:
            raise TransportError(
                f"改良トンキロ法（{fuel}）の係数 {', '.join(missing)} がありません",
                file=self.source,
            )
        return float(values["a"]), float(values["b"]), float(values["c"])

    def coefficient_source(self, fuel: str) -> str:
        """Source text of the improved ton-km coefficients of ``fuel``."""
        rows = self.frame[(self.frame["method"] == "improved_tonkm") & (self.frame["fuel"] == fuel)]
        return str(rows.iloc[0]["source"]) if not rows.empty else ""

    def mode_factor(self, mode: str) -> pd.Series:
        """Ton-km row of ``mode`` (``value`` [kg-CO2e/t·km], ``source``, ``assumed``)."""
        rows = self.frame[(self.frame["method"] == "tonkm") & (self.frame["mode"] == mode)]
        if rows.empty:
            known = ", ".join(self.frame.loc[self.frame["method"] == "tonkm", "mode"])
            raise TransportError(
                f"輸送モード「{mode}」のトンキロ法の係数がありません（{known}）", file=self.source
            )
        return rows.iloc[0]

    def by_payload(self, method: str, fuel: str, max_payload_kg: float) -> pd.Series:
        """The ``fuel_economy`` or ``ev`` row whose payload class holds ``max_payload_kg``.

        Classes are half-open: ``payload_min_kg <= max_payload_kg < payload_max_kg`` (an empty
        bound is open).
        """
        rows = self.frame[(self.frame["method"] == method) & (self.frame["fuel"] == fuel)]
        lo = rows["payload_min_kg"].fillna(0.0)
        hi = rows["payload_max_kg"].fillna(np.inf)
        hit = rows[(lo <= max_payload_kg) & (max_payload_kg < hi)]
        if hit.empty:
            raise TransportError(
                f"{METHODS_JA.get(method, method)}の既定値がありません（燃料 {fuel}、"
                f"最大積載量 {max_payload_kg:g} kg）",
                file=self.source,
            )
        return hit.iloc[0]


@lru_cache(maxsize=4)
def _load(path: str) -> TransportParameters:
    folder = data_root() / "factors"
    schema = tabular.load_schema(folder / "datapackage.json", "transport")
    return TransportParameters(tabular.load_table(Path(path), schema), source=path)


def load_transport(path: str | Path | None = None) -> TransportParameters:
    """Load ``transport.csv`` (or a file of the same format), validated against its schema.

    Parameters
    ----------
    path : str or Path, optional
        The shipped ``data/factors/transport.csv`` when omitted.

    Returns
    -------
    TransportParameters
    """
    path = Path(path) if path is not None else data_root() / "factors" / "transport.csv"
    return _load(str(path))


def _array(value: object, name: str) -> np.ndarray:
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TransportError(f"{name} が数値ではありません: {value!r}", column=name) from None
    if not np.isfinite(out).all():
        raise TransportError(f"{name} に数値でない値（NaN・無限大）があります", column=name)
    return out


def check_distance(distance_km: object) -> np.ndarray:
    """Distances as an array [km]; ``TransportError`` if any is negative or not a number."""
    out = _array(distance_km, "distance_km")
    if (out < 0).any():
        bad = float(out[out < 0].ravel()[0])
        raise TransportError(f"輸送距離 {bad:g} km が負です（0 以上）", column="distance_km")
    return out


def check_load_factor(load_factor: object) -> np.ndarray:
    """Load factors as an array [-]; ``TransportError`` if any is outside (0, 1]."""
    out = _array(load_factor, "load_factor")
    bad = (out <= 0) | (out > 1)
    if bad.any():
        value = float(out[bad].ravel()[0])
        raise TransportError(
            f"積載率 {value:g} は 0 より大きく 1 以下の割合で指定してください（例: 50% → 0.5）",
            column="load_factor",
        )
    return out


def _positive(value: object, name: str, label: str, unit: str) -> np.ndarray:
    out = _array(value, name)
    if (out <= 0).any():
        bad = float(out[out <= 0].ravel()[0])
        raise TransportError(f"{label} {bad:g} {unit} は正の値でなければなりません", column=name)
    return out


def _nonnegative(value: object, name: str, label: str, unit: str) -> np.ndarray:
    out = _array(value, name)
    if (out < 0).any():
        bad = float(out[out < 0].ravel()[0])
        raise TransportError(f"{label} {bad:g} {unit} が負です", column=name)
    return out


def _result(out: np.ndarray) -> float | np.ndarray:
    return float(out) if out.ndim == 0 else out


def improved_tonkm_intensity(
    load_factor: object,
    max_payload_kg: object,
    fuel: str = "diesel",
    parameters: TransportParameters | None = None,
) -> float | np.ndarray:
    """Fuel per t·km of a truck by the improved ton-km method (改良トンキロ法の燃料使用原単位).

    ``ln y = a − b·ln(load_factor) − c·ln(max_payload_kg)``

    Parameters
    ----------
    load_factor : float or array
        積載率, a fraction in (0, 1] [-].
    max_payload_kg : float or array
        最大積載量 of the vehicle [kg], > 0.
    fuel : {"diesel", "gasoline"}
    parameters : TransportParameters, optional
        The shipped ``transport.csv`` when omitted.

    Returns
    -------
    float or numpy.ndarray
        y [L/t·km].

    References
    ----------
    経済産業省告示第66号 改良トンキロ法 (coefficients in ``transport.csv``).
    """
    params = parameters or load_transport()
    a, b, c = params.coefficients(fuel)
    x = check_load_factor(load_factor)
    z = _positive(max_payload_kg, "max_payload_kg", "最大積載量", "kg")
    return _result(np.exp(a - b * np.log(x) - c * np.log(z)))


def improved_tonkm_fuel(
    distance_km: object,
    cargo_t: object,
    load_factor: object,
    max_payload_kg: object,
    fuel: str = "diesel",
    parameters: TransportParameters | None = None,
) -> float | np.ndarray:
    """Fuel of a shipment by the improved ton-km method (改良トンキロ法).

    Parameters
    ----------
    distance_km : float or array
        輸送距離 [km], >= 0.
    cargo_t : float or array
        貨物重量 of the shipment [t], >= 0.
    load_factor : float or array
        積載率 of the truck, a fraction in (0, 1] [-].
    max_payload_kg : float or array
        最大積載量 [kg], > 0.
    fuel : {"diesel", "gasoline"}
    parameters : TransportParameters, optional

    Returns
    -------
    float or numpy.ndarray
        Fuel [L] = y [L/t·km] × cargo [t] × distance [km].

    Raises
    ------
    TransportError
        Load factor outside (0, 1], negative distance or cargo, non-positive payload, or an
        unknown fuel.
    """
    d = check_distance(distance_km)
    w = _nonnegative(cargo_t, "cargo_t", "貨物重量", "t")
    y = improved_tonkm_intensity(load_factor, max_payload_kg, fuel, parameters)
    return _result(np.asarray(y) * w * d)


def tonkm(distance_km: object, cargo_t: object) -> float | np.ndarray:
    """Transport work (輸送トンキロ) [t·km] = cargo [t] × distance [km]."""
    return _result(check_distance(distance_km) * _nonnegative(cargo_t, "cargo_t", "貨物重量", "t"))


def tonkm_emission(
    distance_km: object,
    cargo_t: object,
    mode: str = "truck",
    parameters: TransportParameters | None = None,
) -> float | np.ndarray:
    """Emission by the ton-km method with a mode factor (トンキロ法).

    Parameters
    ----------
    distance_km : float or array
        [km]
    cargo_t : float or array
        [t]
    mode : {"truck", "rail", "ship"}
    parameters : TransportParameters, optional

    Returns
    -------
    float or numpy.ndarray
        [kg-CO2e] = t·km × mode factor [kg-CO2e/t·km].
    """
    params = parameters or load_transport()
    factor = float(params.mode_factor(mode)["value"])
    return _result(np.asarray(tonkm(distance_km, cargo_t)) * factor)


def fuel_economy_fuel(distance_km: object, km_per_l: object) -> float | np.ndarray:
    """Fuel by the fuel-economy method (燃費法) [L] = distance [km] / fuel economy [km/L]."""
    d = check_distance(distance_km)
    e = _positive(km_per_l, "km_per_l", "燃費", "km/L")
    return _result(d / e)


def default_fuel_economy(
    fuel: str, max_payload_kg: float, parameters: TransportParameters | None = None
) -> float:
    """Default fuel economy of a truck class [km/L] (``transport.csv``, method fuel_economy)."""
    params = parameters or load_transport()
    return float(params.by_payload("fuel_economy", fuel, float(max_payload_kg))["value"])


def default_ev_consumption(
    max_payload_kg: float, parameters: TransportParameters | None = None
) -> float:
    """Default electricity use of an EV truck class [kWh/km] (``transport.csv``, method ev)."""
    params = parameters or load_transport()
    return float(params.by_payload("ev", "electricity", float(max_payload_kg))["value"])


def fuel_emission(
    litres: object, fuel: str, factors: FactorTable, factor_id: str | None = None
) -> float | np.ndarray:
    """Emission of burnt fuel (燃料法, and the last step of the other methods) [kg-CO2e].

    Parameters
    ----------
    litres : float or array
        Fuel [L], >= 0.
    fuel : {"diesel", "gasoline"}
        Activity of the factor.
    factors : FactorTable
    factor_id : str, optional
        Default factor of ``fuel`` when omitted.
    """
    volume = _nonnegative(litres, "fuel_l", "燃料使用量", "L")
    factor = factors.resolve(fuel, factor_id)
    return _result(volume * factor.emission(1.0, "L"))


def ev_electricity(distance_km: object, kwh_per_km: object) -> float | np.ndarray:
    """Electricity of an EV trip [kWh] = distance [km] × consumption [kWh/km]."""
    d = check_distance(distance_km)
    e = _nonnegative(kwh_per_km, "kwh_per_km", "電費", "kWh/km")
    return _result(d * e)


def ev_emission(
    distance_km: object,
    kwh_per_km: object,
    factors: FactorTable,
    factor_id: str | None = None,
) -> float | np.ndarray:
    """Emission of an EV trip [kg-CO2e] = distance × kWh/km × grid factor [kg-CO2e/kWh]."""
    kwh = np.asarray(ev_electricity(distance_km, kwh_per_km))
    factor = factors.resolve("electricity", factor_id)
    return _result(kwh * factor.emission(1.0, "kWh"))


def consignment_share(mass_kg: object, load_factor: object, max_payload_kg: object) -> np.ndarray:
    """Share of a trip's fuel borne by one consignment [-].

    ``mass_kg / (load_factor × max_payload_kg)``, capped at 1: the trip's cargo is the load
    factor times the max payload, and fuel is shared by mass (the ton basis of the joint
    guideline [2]_ for a single-leg trip).
    """
    m = _nonnegative(mass_kg, "mass_kg", "貨物質量", "kg")
    x = check_load_factor(load_factor)
    z = _positive(max_payload_kg, "max_payload_kg", "最大積載量", "kg")
    return np.minimum(m / (x * z), 1.0)
