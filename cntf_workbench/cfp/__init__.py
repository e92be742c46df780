"""CFP calculations: routing (BOP), bill of materials (BOM), bill of equipment (BOE), product."""

from cntf_workbench.cfp.bom import bom_footprint, contributions, rollup
from cntf_workbench.cfp.equipment import (
    ALLOCATION_BASES,
    allocate,
    allocation_shares,
    boe_footprint,
    equipment_energy,
)
from cntf_workbench.cfp.footprint import product_footprint
from cntf_workbench.cfp.routing import implied_power, routing_footprint

__all__ = [
    "ALLOCATION_BASES",
    "allocate",
    "allocation_shares",
    "boe_footprint",
    "bom_footprint",
    "contributions",
    "equipment_energy",
    "implied_power",
    "product_footprint",
    "rollup",
    "routing_footprint",
]
