"""cntf-workbench: Scope 3 / CFP teaching helpers for the IVI Carbon Neutral Task Force.

Layers point one way: ``errors, units, factors, trace, datasets`` ← ``cfp`` ← ``viz``,
``widgets``, ``exercises``, ``cli`` ← notebooks.
"""

from cntf_workbench.errors import CntfError, DataError, FactorError, UnitError
from cntf_workbench.trace import Footprint

__all__ = ["CntfError", "DataError", "FactorError", "Footprint", "UnitError"]
__version__ = "0.1.0"
