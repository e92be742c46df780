"""CFP calculations: routing (BOP), bill of materials (BOM), bill of equipment (BOE), product,
end of life (3R, cut-off)."""

from cntf_workbench.cfp.bom import bom_footprint, contributions, rollup
from cntf_workbench.cfp.endoflife import end_of_life
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
    "end_of_life",
    "equipment_energy",
    "implied_power",
    "product_footprint",
    "rollup",
    "routing_footprint",
]
