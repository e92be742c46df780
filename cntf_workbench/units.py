"""Units: one pint registry for the whole workbench.

Canonical units inside the package are kg-CO2e, kg, kWh, Nm3, L, km, t·km, h. Users may write
any unit pint understands (``"g"``, ``"MWh"``, ``"千Nm3"`` is not pint, so write ``"1000 Nm3"``);
this module converts at the edges.

CO2e is a mass of CO2-equivalent, so ``kg-CO2e`` is parsed as ``kg`` and the ``-CO2e``/``-CO2``
suffix is checked and dropped. Emission factors are written ``kg-CO2e/kWh``, ``g-CO2e/g`` and so on.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pint

from cntf_workbench.errors import UnitError

ureg = pint.UnitRegistry()
# Normal cubic metre (0 °C or 25 °C reference, as the factor's source says): a volume.
ureg.define("normal_cubic_meter = meter ** 3 = Nm3 = Nm³")
ureg.define("unit = [count] = units = pcs = piece = 台 = 個")
ureg.define("lot = [lot]")
ureg.define("tkm = tonne * kilometer = t_km")

_CO2E = re.compile(r"-?\s*CO2\s*e?q?\b|-?\s*CO₂\s*e?", re.IGNORECASE)

_ALIASES = {
    "分": "min",
    "時間": "h",
    "t·km": "tkm",
    "t-km": "tkm",
    "km3": "km**3",
}


def _clean(text: str) -> str:
    text = str(text).strip()
    return _ALIASES.get(text, text)


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit written by a user.

    Parameters
    ----------
    text : str
        A unit such as ``"kWh"``, ``"Nm3"``, ``"min"``, ``"kg"``.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        When pint does not know the unit.
    """
    cleaned = _clean(text)
    try:
        return ureg.parse_units(cleaned)
    except Exception as exc:  # pint raises several types
        raise UnitError(f"単位「{text}」を解釈できません（例: kWh, Nm3, L, kg, min, h）") from exc


def split_factor_unit(text: str) -> tuple[pint.Unit, pint.Unit]:
    """Split an emission-factor unit into its CO2e numerator and activity denominator.

    Parameters
    ----------
    text : str
        For example ``"kg-CO2e/kWh"``, ``"g-CO2e/g"``, ``"kg-CO2e/unit"``.

    Returns
    -------
    (numerator, denominator) : tuple of pint.Unit
        The numerator is a mass unit (of CO2e), the denominator the activity unit.
    """
    if "/" not in str(text):
        raise UnitError(f"排出係数の単位「{text}」は「kg-CO2e/kWh」の形で書いてください")
    num, den = str(text).split("/", 1)
    if not _CO2E.search(num):
        raise UnitError(f"排出係数の単位「{text}」の分子に CO2e がありません（例: kg-CO2e/kWh）")
    num_unit = parse_unit(_CO2E.sub("", num).strip())
    if num_unit.dimensionality != ureg.kg.dimensionality:
        raise UnitError(f"排出係数の単位「{text}」の分子は質量（kg-CO2e など）でなければなりません")
    return num_unit, parse_unit(den.strip())


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from one unit to another.

    Parameters
    ----------
    value : float
        Amount in ``from_unit``.
    from_unit, to_unit : str
        Units pint understands.

    Returns
    -------
    float
        Amount in ``to_unit``.

    Raises
    ------
    UnitError
        When the units are unknown or of different dimensions (e.g. kWh to Nm3).
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(ureg.Quantity(value, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(
            f"「{from_unit}」を「{to_unit}」に換算できません（次元が違います）"
        ) from exc


def factor_multiplier(factor_unit: str) -> tuple[float, pint.Unit]:
    """Return the multiplier that turns a factor into kg-CO2e per its activity unit.

    Parameters
    ----------
    factor_unit : str
        For example ``"g-CO2e/g"`` (multiplier 1.0 per g, i.e. kg-CO2e per kg is the same) or
        ``"t-CO2e/kWh"`` (multiplier 1000).

    Returns
    -------
    (multiplier, activity_unit) : tuple of float and pint.Unit
        ``kg-CO2e = amount[activity_unit] * value * multiplier``.
    """
    num, den = split_factor_unit(factor_unit)
    return float(ureg.Quantity(1.0, num).to(ureg.kg).magnitude), den


def kg_co2e(amount: float, amount_unit: str, factor_value: float, factor_unit: str) -> float:
    """Emission of an activity: amount × factor, with the units reconciled.

    Parameters
    ----------
    amount : float
        Activity amount [amount_unit].
    amount_unit : str
        Unit of the amount, e.g. ``"min"``.
    factor_value : float
        Emission factor [factor_unit].
    factor_unit : str
        e.g. ``"kg-CO2e/h"``.

    Returns
    -------
    float
        Emission [kg-CO2e].
    """
    mult, den = factor_multiplier(factor_unit)
    src = parse_unit(amount_unit)
    try:
        amount_in_den = float(ureg.Quantity(amount, src).to(den).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(
            f"活動量の単位「{amount_unit}」は排出係数の単位「{factor_unit}」に合いません"
        ) from exc
    return amount_in_den * factor_value * mult
