"""Bill of materials (BOM, 部品表): cradle-to-gate CO2 per unit, solved as one linear system.

With ``A[p, c]`` the quantity of child ``c`` in one unit of parent ``p`` and ``own`` each item's
direct emission per unit, the cradle-to-gate emission per unit ``x`` satisfies

    x = own + A x,   i.e.   (I - A) x = own.

For a part graph without cycles, ordering the items topologically (parents before children)
makes ``A`` strictly upper triangular, so ``I - A`` is unit upper triangular and one sparse
triangular solve gives every item at once: the matrix method of LCA engines, with no recursion.
Duplicate (parent, child) rows are summed (a part listed twice counts twice).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve_triangular

from cntf_workbench import units
from cntf_workbench.errors import BomError
from cntf_workbench.trace import Footprint, make_trace

EDGE_COLUMNS = ("parent", "child", "quantity")


def _check_edges(edges: pd.DataFrame) -> np.ndarray:
    for col in EDGE_COLUMNS:
        if col not in edges.columns:
            raise BomError(
                f"部品表に列「{col}」がありません（必要な列: parent, child, quantity）", column=col
            )
    qty = pd.to_numeric(edges["quantity"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(qty)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise BomError(
            f"員数「{edges['quantity'].iloc[row]}」が数値ではありません"
            f"（{edges['parent'].iloc[row]} → {edges['child'].iloc[row]}）",
            row=row + 1,
            column="quantity",
        )
    neg = qty < 0
    if neg.any():
        row = int(np.flatnonzero(neg)[0])
        raise BomError(
            f"員数 {qty[row]:g} が負です（{edges['parent'].iloc[row]} → {edges['child'].iloc[row]}）",
            row=row + 1,
            column="quantity",
        )
    return qty


def _check_own(own: pd.Series) -> np.ndarray:
    values = pd.to_numeric(own, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise BomError(
            f"品目「{own.index[i]}」の自身の排出量「{own.iloc[i]}」が数値ではありません",
            column="own",
        )
    if own.index.has_duplicates:
        dup = own.index[own.index.duplicated()][0]
        raise BomError(f"品目「{dup}」の自身の排出量が重複しています", column="own")
    return values


def _codes(
    own: pd.Series, edges: pd.DataFrame
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Integer codes of every item, in order of first appearance (own's items first).

    One hashing pass over all labels (``pandas.factorize``); an empty parent or child is an
    error naming its row.
    """
    labels = pd.concat([pd.Series(own.index), edges["parent"], edges["child"]], ignore_index=True)
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    n_own, n_edges = len(own), len(edges)
    own_codes = codes[:n_own]
    p = codes[n_own : n_own + n_edges]
    c = codes[n_own + n_edges :]
    for name, part in (("parent", p), ("child", c)):
        if (part < 0).any():
            raise BomError("品目が空です", row=int(np.flatnonzero(part < 0)[0]) + 1, column=name)
    if (own_codes < 0).any():
        raise BomError("自身の排出量の品目名が空です", column="own")
    return pd.Index(uniques), own_codes, p, c


def _topological_order(matrix: sp.csr_matrix) -> np.ndarray:
    """Kahn's algorithm by frontiers (vectorised per level): parents before children."""
    n = matrix.shape[0]
    indeg = np.bincount(matrix.indices, minlength=n)
    frontier = np.flatnonzero(indeg == 0)
    levels = []
    while frontier.size:
        levels.append(frontier)
        children = matrix[frontier].indices
        if children.size == 0:
            break
        uniq, counts = np.unique(children, return_counts=True)
        indeg[uniq] -= counts
        frontier = uniq[indeg[uniq] == 0]
    return np.concatenate(levels) if levels else np.empty(0, dtype=np.int64)


def _raise_cycle(matrix: sp.csr_matrix, items: pd.Index) -> None:
    diag = matrix.diagonal()
    if (diag != 0).any():
        item = items[int(np.flatnonzero(diag)[0])]
        raise BomError(f"部品表が循環しています: 「{item}」が自分自身を含みます")
    ncomp, labels = connected_components(matrix, directed=True, connection="strong")
    counts = np.bincount(labels, minlength=ncomp)
    big = np.flatnonzero(counts > 1)
    if big.size:
        members = [str(items[i]) for i in np.flatnonzero(labels == big[0])]
        shown = "、".join(members[:10]) + (" …" if len(members) > 10 else "")
        raise BomError(f"部品表が循環しています。循環に含まれる品目（{len(members)}）: {shown}")


def _system(
    edges: pd.DataFrame, own: pd.Series
) -> tuple[pd.Index, sp.csr_matrix, np.ndarray, np.ndarray]:
    """Items, the quantity matrix A (rows: parents), own emissions, and a topological order."""
    qty = _check_edges(edges)
    own_values = _check_own(own)
    items, own_codes, p, c = _codes(own, edges)
    n = len(items)
    matrix = sp.csr_matrix((qty, (p, c)), shape=(n, n))
    matrix.sum_duplicates()
    direct = np.zeros(n)
    direct[own_codes] = own_values
    order = _topological_order(matrix)
    if order.size != n:
        _raise_cycle(matrix, items)
        raise BomError("部品表が循環しています")  # pragma: no cover - SCC always finds it
    return items, matrix, direct, order


def _triangular(matrix: sp.csr_matrix, order: np.ndarray) -> sp.csr_matrix:
    """``I - A`` with rows and columns in topological order: unit upper triangular."""
    n = matrix.shape[0]
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    coo = matrix.tocoo()
    rows = np.concatenate([np.arange(n), position[coo.row]])
    cols = np.concatenate([np.arange(n), position[coo.col]])
    data = np.concatenate([np.ones(n), -coo.data])
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n))


def rollup(edges: pd.DataFrame, own: pd.Series) -> pd.Series:
    """Cradle-to-gate emission per unit of every item of a part graph.

    Parameters
    ----------
    edges : pandas.DataFrame
        Columns ``parent``, ``child``, ``quantity``: ``quantity`` units of ``child`` go into
        one unit of ``parent`` [unit/unit]. Any depth; shared sub-assemblies allowed.
    own : pandas.Series
        Indexed by item: the item's own (direct) emission per unit [kg-CO2e/unit]. Items that
        appear only in ``edges`` have no own emission.

    Returns
    -------
    pandas.Series
        ``kg_co2e_per_unit`` [kg-CO2e/unit] for every item in either input, indexed by item
        (own's items first, in their order, then the other items in order of appearance).

    Raises
    ------
    BomError
        On a cycle (naming the items in it), a negative, missing or non-numeric quantity, or a
        non-numeric own emission.
    """
    items, matrix, direct, order = _system(edges, own)
    n = len(items)
    if n == 0:
        return pd.Series(dtype=float, name="kg_co2e_per_unit")
    system = _triangular(matrix, order)
    solved = spsolve_triangular(system, direct[order], lower=False, unit_diagonal=True)
    result = np.empty(n)
    result[order] = solved
    return pd.Series(result, index=items, name="kg_co2e_per_unit")


def contributions(edges: pd.DataFrame, own: pd.Series, root: object) -> pd.DataFrame:
    """Where the cradle-to-gate emission of ``root`` comes from, item by item.

    Solves the transposed system ``(I - A)^T s = e_root`` for ``s``, the number of units of each
    item in one unit of ``root``; each item contributes ``s × own``.

    Parameters
    ----------
    edges, own
        As in ``rollup``.
    root : object
        The item whose footprint is broken down.

    Returns
    -------
    pandas.DataFrame
        Index: item (only items in ``root``'s tree); columns ``units_per_root`` [unit/unit],
        ``own_kg_co2e`` [kg-CO2e/unit], ``kg_co2e`` [kg-CO2e per unit of root], ``share`` [-].
        ``kg_co2e`` sums to ``rollup(edges, own)[root]``.
    """
    items, matrix, direct, order = _system(edges, own)
    if root not in items:
        raise BomError(f"品目「{root}」が部品表にありません")
    n = len(items)
    system = _triangular(matrix, order).T.tocsr()
    rhs = np.zeros(n)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    rhs[position[items.get_loc(root)]] = 1.0
    solved = spsolve_triangular(system, rhs, lower=True, unit_diagonal=True)
    demand = np.empty(n)
    demand[order] = solved
    out = pd.DataFrame(
        {"units_per_root": demand, "own_kg_co2e": direct, "kg_co2e": demand * direct}, index=items
    )
    out = out[out["units_per_root"] != 0]
    total = math.fsum(out["kg_co2e"].tolist())
    out["share"] = out["kg_co2e"] / total if total else 0.0
    return out


def bom_edges(bom: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Edges and own emissions of a seminar-format BOM (``bom.csv``).

    Returns
    -------
    edges : pandas.DataFrame
        ``parent`` (product), ``child`` (part), ``quantity`` [unit/unit].
    own : pandas.Series
        Each part's own emission per piece: ``mass_kg × intensity`` [kg-CO2e/unit].
    """
    edges = pd.DataFrame(
        {"parent": bom["product"], "child": bom["part"], "quantity": bom["quantity"]}
    )
    own = pd.Series(
        [
            units.kg_co2e(m, "kg", v, u)
            for m, v, u in zip(bom["mass_kg"], bom["intensity"], bom["intensity_unit"], strict=True)
        ],
        index=bom["part"].tolist(),
        name="own_kg_co2e",
    )
    return edges, own


def bom_footprint(
    bom: pd.DataFrame,
    product: str | None = None,
    scope3_category: int = 1,
    source: str = "セミナー資料「部品表」",
) -> Footprint:
    """Cradle-to-gate CO2 of one unit of ``product`` from its purchased parts.

    Parameters
    ----------
    bom : pandas.DataFrame
        Seminar-format BOM (``bom.csv``): ``product, part, quantity, intensity,
        intensity_unit, intensity_kind, mass_kg, mass_provenance, material``.
    product : str, optional
        The product; the BOM's only product when omitted.
    scope3_category : int
        Scope 3 category of purchased parts for the product's maker (1: purchased goods).
    source : str
        Source named in the trace.

    Returns
    -------
    Footprint
        One row per part [kg-CO2e per unit of product]; its total equals
        ``rollup(*bom_edges(bom))[product]``. Rows whose mass is assumed say so.
    """
    products = bom["product"].unique().tolist()
    if product is None:
        if len(products) != 1:
            raise BomError(f"製品を指定してください（部品表の製品: {', '.join(products)}）")
        product = products[0]
    rows_of = bom[bom["product"] == product]
    if rows_of.empty:
        raise BomError(f"製品「{product}」は部品表にありません", column="product")
    edges, own = bom_edges(bom)
    contrib = contributions(edges, own, product)
    rows = []
    for _, part in rows_of.iterrows():
        pieces = float(contrib.loc[part["part"], "units_per_root"])
        mass_assumed = part["mass_provenance"] == "assumed"
        rows.append(
            {
                "item": part["part"],
                "stage": "部品調達",
                "activity": f"部品質量（{part['material']}）",
                "amount": pieces * float(part["mass_kg"]),
                "unit": "kg",
                "factor_id": f"bom:{product}/{part['part']}",
                "factor_value": float(part["intensity"]),
                "factor_unit": part["intensity_unit"],
                "factor_source": source,
                "data_kind": part["intensity_kind"],
                "scope": 3,
                "scope3_category": scope3_category,
                "kg_co2e": float(contrib.loc[part["part"], "kg_co2e"]),
                "assumed": mass_assumed,
                "note": f"員数 {part['quantity']:g} × 質量 {part['mass_kg']:g} kg"
                + ("（質量は仮定値 assumed）" if mass_assumed else ""),
            }
        )
    return Footprint(make_trace(rows), name=product, functional_unit="1台")


def by_material(bom: pd.DataFrame, product: str | None = None) -> pd.DataFrame:
    """Contribution of each material (the ``material`` column) [kg-CO2e per unit of product]."""
    fp = bom_footprint(bom, product)
    material = bom.set_index("part")["material"]
    return (
        fp.trace.assign(material=fp.trace["item"].map(material))
        .pipe(
            lambda t: Footprint(t.drop(columns="material").assign(stage=t["material"])).by("stage")
        )
        .rename_axis("material")
    )
