"""The product's combined footprint: BOM (Scope 3) + own process + allocated equipment energy."""

from __future__ import annotations

from collections.abc import Mapping

from cntf_workbench.cfp.bom import bom_footprint
from cntf_workbench.cfp.equipment import boe_footprint
from cntf_workbench.cfp.routing import routing_footprint
from cntf_workbench.datasets import SeminarData
from cntf_workbench.factors import Factor, FactorTable
from cntf_workbench.trace import Footprint, combine


def product_footprint(
    data: SeminarData,
    factors: FactorTable,
    product: str = "電子調理器",
    basis: str = "machine_hours",
    factor_ids: Mapping[str, str | Factor] | None = None,
    routing_item: str | None = "筐体",
) -> Footprint:
    """Cradle-to-gate CFP of one unit of the seminar's product, as one Footprint.

    - purchased parts from the BOM: Scope 3 category 1;
    - the maker's own processing of ``routing_item`` (the housing routing of the production
      instruction, per unit = per lot / lot size): Scope 2 for measured electric equipment,
      Scope 3 category 1 for the subcontracted painting;
    - the factory's equipment energy (BOE) allocated to the product by ``basis``, per unit:
      Scope 1 (city gas) and Scope 2 (electricity).

    The seminar does not say who makes the housing; here the cooker's maker is taken to process
    it in-house (an assumption, written in the trace notes), so its routing is the maker's own.

    Parameters
    ----------
    data : SeminarData
    factors : FactorTable
    product : str
    basis : str
        Allocation basis for the BOE (``ALLOCATION_BASES``).
    factor_ids : mapping, optional
        Energy kind → factor id to use for the BOE.
    routing_item : str or None
        The routed item to include; ``None`` leaves the routing out.

    Returns
    -------
    Footprint
        Per unit of ``product`` [kg-CO2e/unit].
    """
    parts = [bom_footprint(data.bom, product)]
    if routing_item is not None:
        lot = routing_footprint(data.routing, data.resources, routing_item)
        lot_size = int(data.routing.loc[data.routing["item"] == routing_item, "lot_size"].iloc[0])
        per_unit = lot.scaled(1.0 / lot_size, "1台")
        trace = per_unit.trace.copy()
        trace["note"] = trace["note"] + "; 筐体は自社で加工すると仮定 (assumed)"
        parts.append(Footprint(trace))
    parts.append(boe_footprint(data.boe, data.products, factors, product, basis, factor_ids))
    return combine(parts, name=f"{product} 1台", functional_unit="1台")
