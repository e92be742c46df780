"""Monte Carlo uncertainty of a footprint, vectorised over draws and trace rows.

Every trace row is ``kg_co2e = amount × factor_value`` (times a unit conversion), so a draw of
the footprint multiplies each row by an activity multiplier and a factor multiplier, both
lognormal with median 1 and a geometric standard deviation (GSD, 幾何標準偏差) that depends on the
row's data kind (not its ``assumed`` flag: see ``trace_inputs``). The spreads are data (``data/seminar/chain/options/spreads.csv``), every one of
them labelled assumed.

- A factor is one input shared by every row that uses it (the same ``factor_id`` draws the same
  multiplier in a draw), so its uncertainty does not average out over many rows.
- An activity amount is one input per trace row, keyed by ``(item, stage, activity)`` (with an
  occurrence number for repeats), so that two scenarios of the same chain share the draws of the
  rows they have in common (common random numbers: the difference between scenarios is then much
  narrower than either interval).

The draws are one ``(draws × rows)`` matrix: no Python loop per draw.

The 95 % interval of one lognormal input is ``median ×/÷ GSD**1.96``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cntf_workbench import tabular
from cntf_workbench.errors import DataError
from cntf_workbench.resources import data_root
from cntf_workbench.trace import DATA_KINDS, Footprint

INPUTS: tuple[str, ...] = ("activity", "factor")
"""The two kinds of uncertain input of a trace row."""


def options_dir() -> Path:
    """Folder of the scenario options data package (spreads and alternatives)."""
    return data_root() / "seminar" / "chain" / "options"


def load_spreads(path: str | Path | None = None) -> pd.DataFrame:
    """Load the table of lognormal spreads by input and data kind.

    Parameters
    ----------
    path : str or Path, optional
        A CSV in the format of ``spreads.csv``; the shipped one when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``input`` (``activity`` | ``factor``), ``data_kind``, ``gsd`` [-] (geometric
        standard deviation, >= 1), ``source``, ``assumed``, ``note``; one row per pair.

    Raises
    ------
    DataError
        On a bad row, or when a pair of input and data kind is missing.
    """
    folder = options_dir()
    schema = tabular.load_schema(folder / "datapackage.json", "spreads")
    path = Path(path) if path is not None else folder / "spreads.csv"
    table = tabular.load_table(path, schema)
    have = set(zip(table["input"], table["data_kind"], strict=True))
    for inp in INPUTS:
        for kind in DATA_KINDS:
            if (inp, kind) not in have:
                raise DataError(
                    f"入力「{inp}」・データ種別「{kind}」のばらつき（gsd）がありません",
                    file=path,
                    column="data_kind",
                )
    return table


def _sigma(spreads: pd.DataFrame, inp: str) -> dict[str, float]:
    return {
        k: math.log(g)
        for i, k, g in zip(spreads["input"], spreads["data_kind"], spreads["gsd"], strict=True)
        if i == inp
    }


@dataclass(frozen=True)
class Inputs:
    """The uncertain inputs of one footprint, as index arrays into the trace rows.

    Attributes
    ----------
    kg : numpy.ndarray
        Point value of each trace row [kg-CO2e], shape ``(rows,)``.
    factor_ids : list of str
        Distinct factor ids (the factor inputs).
    factor_index : numpy.ndarray
        For each row, its position in ``factor_ids``.
    factor_sigma : numpy.ndarray
        ln(GSD) of each factor input [-] (the largest over the rows that use it).
    activity_keys : list of str
        One key per row (item / stage / activity / occurrence).
    activity_sigma : numpy.ndarray
        ln(GSD) of each row's activity amount [-].
    labels : dict
        Japanese label of every input, keyed ``("factor", id)`` or ``("activity", key)``.
    """

    kg: np.ndarray
    factor_ids: list[str]
    factor_index: np.ndarray
    factor_sigma: np.ndarray
    activity_keys: list[str]
    activity_sigma: np.ndarray
    labels: dict[tuple[str, str], str]


def trace_inputs(footprint: Footprint, spreads: pd.DataFrame | None = None) -> Inputs:
    """Split a footprint's trace into its uncertain inputs.

    Parameters
    ----------
    footprint : Footprint
    spreads : pandas.DataFrame, optional
        ``load_spreads()`` output; the shipped spreads when omitted.

    Returns
    -------
    Inputs
    """
    spreads = load_spreads() if spreads is None else spreads
    trace = footprint.trace
    fs, acts = _sigma(spreads, "factor"), _sigma(spreads, "activity")
    # The spread follows the data kind (how the figure was obtained). The trace's ``assumed``
    # flag is not used: in the sample chain every record is synthetic (assumed), yet a synthetic
    # "measured" record stands for a meter reading and should vary like one.
    kinds = trace["data_kind"].astype(str).tolist()
    fids = trace["factor_id"].astype(str).tolist()
    factor_ids = list(dict.fromkeys(fids))
    pos = {f: i for i, f in enumerate(factor_ids)}
    factor_index = np.array([pos[f] for f in fids], dtype=np.int64)
    factor_sigma = np.zeros(len(factor_ids))
    for f, k in zip(fids, kinds, strict=True):
        factor_sigma[pos[f]] = max(factor_sigma[pos[f]], fs[k])
    seen: dict[str, int] = {}
    keys = []
    labels: dict[tuple[str, str], str] = {}
    columns = (trace["item"].tolist(), trace["stage"].tolist(), trace["activity"].tolist())
    for item, stage, act in zip(*columns, strict=True):
        base = f"{item} / {stage} / {act}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        key = base if n == 0 else f"{base} #{n + 1}"
        keys.append(key)
        labels[("activity", key)] = f"活動量: {item} {act}" + ("" if n == 0 else f" #{n + 1}")
    for f in factor_ids:
        labels[("factor", f)] = f"係数: {f}"
    return Inputs(
        kg=trace["kg_co2e"].to_numpy(dtype=float),
        factor_ids=factor_ids,
        factor_index=factor_index,
        factor_sigma=factor_sigma,
        activity_keys=keys,
        activity_sigma=np.array([acts[k] for k in kinds], dtype=float),
        labels=labels,
    )


_GOLDEN32 = np.uint32(0x9E3779B9)
_SALT32 = np.uint32(0x85EBCA6B)


def _mix32(x: np.ndarray) -> np.ndarray:
    """A 32-bit integer hash (lowbias32, C. Wellons), elementwise on uint32 (wrapping)."""
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def _normals(keys: list[str], draws: int, seed: int, salt: str) -> np.ndarray:
    """Standard normals ``(draws × len(keys))``, one column per key, the same for the same key.

    Counter-based: draw ``i`` of key ``k`` comes from a hash of (seed, salt, k) and ``i``, so
    the same input draws the same numbers in every scenario (common random numbers) whatever
    the other inputs are, and the whole matrix is computed at once. Two 24-bit uniforms per
    hash pair give two normals by the Box–Muller transform (float32: tails to about 5.9 σ).
    """
    key_hash = np.array(
        [
            int.from_bytes(
                hashlib.blake2b(f"{seed}|{salt}|{k}".encode(), digest_size=4).digest(), "little"
            )
            for k in keys
        ],
        dtype=np.uint32,
    )
    half = (draws + 1) // 2
    with np.errstate(over="ignore"):
        state = key_hash[None, :] + np.arange(half, dtype=np.uint32)[:, None] * _GOLDEN32
        a = _mix32(state)
        b = _mix32(a ^ _SALT32)
    scale = np.float32(2.0**-24)
    u1 = ((a >> np.uint32(8)).astype(np.float32) + np.float32(0.5)) * scale
    u2 = (b >> np.uint32(8)).astype(np.float32) * scale
    r = np.log(u1)
    r *= np.float32(-2.0)
    np.sqrt(r, out=r)
    u2 *= np.float32(2.0 * np.pi)
    out = np.empty((2 * half, len(keys)), dtype=np.float32)
    np.multiply(r, np.cos(u2), out=out[:half])
    np.multiply(r, np.sin(u2), out=out[half:])
    return out[:draws]


def draw_rows(
    footprint: Footprint,
    draws: int = 1000,
    seed: int = 0,
    spreads: pd.DataFrame | None = None,
) -> np.ndarray:
    """Monte Carlo draws of every trace row.

    Parameters
    ----------
    footprint : Footprint
    draws : int
        Number of draws [-].
    seed : int
        Random seed; the same seed gives the same draws.
    spreads : pandas.DataFrame, optional
        ``load_spreads()`` output.

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, rows)`` [kg-CO2e]: row ``j`` of the trace in draw ``i``.
    """
    if draws < 1:
        raise DataError(f"試行回数は1以上です（{draws} が指定されました）")
    inp = trace_inputs(footprint, spreads)
    z_factor = _normals(inp.factor_ids, draws, seed, "factor")
    z_activity = _normals(inp.activity_keys, draws, seed, "activity")
    log_mult = (z_factor * inp.factor_sigma.astype(np.float32))[:, inp.factor_index]
    log_mult += z_activity * inp.activity_sigma.astype(np.float32)
    np.exp(log_mult, out=log_mult)
    return log_mult * inp.kg  # float32 multipliers × float64 point values → float64


def monte_carlo(
    footprints: Footprint | Mapping[str, Footprint],
    draws: int = 1000,
    seed: int = 0,
    spreads: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Monte Carlo totals of one or several footprints (scenarios), with common random numbers.

    Parameters
    ----------
    footprints : Footprint or mapping of name to Footprint
        E.g. ``{"現状": base, "再エネ": renewable}``.
    draws : int
        Number of draws [-].
    seed : int
    spreads : pandas.DataFrame, optional

    Returns
    -------
    pandas.DataFrame
        One column per footprint, one row per draw: the total [kg-CO2e].
    """
    if isinstance(footprints, Footprint):
        footprints = {footprints.name or "合計": footprints}
    spreads = load_spreads() if spreads is None else spreads
    return pd.DataFrame(
        {name: draw_rows(fp, draws, seed, spreads).sum(axis=1) for name, fp in footprints.items()}
    )


def intervals(totals: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Median and central interval of Monte Carlo totals.

    Parameters
    ----------
    totals : pandas.DataFrame
        ``monte_carlo`` output.
    level : float
        Interval probability [-], e.g. 0.95.

    Returns
    -------
    pandas.DataFrame
        Index: the scenarios; columns ``mean``, ``median``, ``low``, ``high`` [kg-CO2e].
    """
    if not 0 < level < 1:
        raise DataError(f"区間の確率は 0 と 1 の間です（{level} が指定されました）")
    q = (1 - level) / 2
    return pd.DataFrame(
        {
            "mean": totals.mean(),
            "median": totals.median(),
            "low": totals.quantile(q),
            "high": totals.quantile(1 - q),
        }
    )


def tornado(
    footprint: Footprint,
    spreads: pd.DataFrame | None = None,
    z: float = 1.96,
    top: int | None = 10,
) -> pd.DataFrame:
    """One-at-a-time swing of the total when each input moves to the ends of its interval.

    Each input (a factor id, or one row's activity amount) is set to ``median ×/÷ GSD**z`` with
    every other input at its median; the swing is the difference of the two totals.

    Parameters
    ----------
    footprint : Footprint
    spreads : pandas.DataFrame, optional
    z : float
        Normal quantile of the interval ends (1.96: 95 %) [-].
    top : int, optional
        Keep the ``top`` inputs with the largest swing; all when None.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``swing`` (largest first), columns ``input`` (``factor`` | ``activity``),
        ``key``, ``label`` (Japanese), ``low`` and ``high`` (the total at each end)
        [kg-CO2e], ``swing`` [kg-CO2e].
    """
    inp = trace_inputs(footprint, spreads)
    total = float(inp.kg.sum())
    rows = []
    by_factor = np.bincount(inp.factor_index, weights=inp.kg, minlength=len(inp.factor_ids))
    for f, kg, s in zip(inp.factor_ids, by_factor, inp.factor_sigma, strict=True):
        rows.append(("factor", f, kg, s))
    for key, kg, s in zip(inp.activity_keys, inp.kg, inp.activity_sigma, strict=True):
        rows.append(("activity", key, kg, s))
    out = pd.DataFrame(rows, columns=["input", "key", "kg", "sigma"])
    out["label"] = [inp.labels[(i, k)] for i, k in zip(out["input"], out["key"], strict=True)]
    out["low"] = total + out["kg"] * (np.exp(-z * out["sigma"]) - 1)
    out["high"] = total + out["kg"] * (np.exp(z * out["sigma"]) - 1)
    out["swing"] = out["high"] - out["low"]
    out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    if top is not None:
        out = out.head(top)
    return out.loc[:, ["input", "key", "label", "low", "high", "swing"]]


__all__ = [
    "INPUTS",
    "Inputs",
    "draw_rows",
    "intervals",
    "load_spreads",
    "monte_carlo",
    "options_dir",
    "tornado",
    "trace_inputs",
]
