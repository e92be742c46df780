"""Signed PACT footprints of the workbench's products, for ``cntf exchange pact``.

``cooker_document`` exports the seminar's electronic cooker (the footprint of
:func:`cntf_workbench.cfp.product_footprint`, from the 部品表, 生産指示書 and 設備表), signed by
its maker; ``network_document`` exports a product of the exchange network as its maker computes
it in the bucket relay. Keys are the simulation's teaching keys (derived from the firm id, so
anyone can recompute them): a signature made here shows that a document was not altered, not
who made it. Pass your own key to :func:`sign_footprint` for anything real.
"""

from __future__ import annotations

import pandas as pd

from cntf_workbench import datasets
from cntf_workbench.cfp import product_footprint
from cntf_workbench.exchange import pact, signing
from cntf_workbench.exchange.bus import firm_urn, product_urn
from cntf_workbench.exchange.firms import PACT_UNITS, sim_id
from cntf_workbench.exchange.network import Network, Settings, load_settings
from cntf_workbench.exchange.parties import party_key
from cntf_workbench.factors import load_factors
from cntf_workbench.trace import Footprint

COOKER_MAKER = "MKR"
"""Firm id of the seminar cooker's maker (as in ``data/seminar/chain/firms.csv``)."""


def sign_footprint(
    fp: Footprint,
    *,
    firm_id: str,
    firm_name: str,
    item_code: str,
    product_name: str,
    mass_kg: float,
    unit: str = "unit",
    spec: str = "3",
    key=None,
    settings: Settings | None = None,
) -> dict:
    """A signed PACT footprint of one declared unit from a :class:`Footprint`.

    The breakdown extension carries the footprint by stage (段階別); the primary data share
    comes from the trace.

    Parameters
    ----------
    fp : Footprint
        Per one piece [kg-CO2e].
    firm_id, firm_name, item_code, product_name : str
    mass_kg : float
        Mass of one declared unit [kg].
    unit : {"unit", "kg", "tkm"}
        Declared unit of the product (a piece, a kilogram, a tonne-kilometre).
    spec : {"3", "2"}
    key : Ed25519PrivateKey, optional
        The teaching key of ``firm_id`` when omitted.
    settings : Settings, optional
        Reference period and creation time (``simulation.yaml`` when omitted).
    """
    s = settings or load_settings()
    stages = fp.by("stage").reset_index()
    declared, amount = PACT_UNITS[unit], 1.0
    if spec == "2" and unit == "unit":  # v2.3 has no "piece": one piece as its mass in kg
        declared, amount = "kilogram", float(mass_kg)
    breakdown = pd.DataFrame(
        {"label": stages["stage"].astype(str), "kg_co2e": stages["kg_co2e"], "level": "stage"}
    )
    doc = pact.from_footprint(
        fp.total,
        company_name=firm_name,
        company_id=firm_urn(firm_id),
        product_id=product_urn(firm_id, item_code),
        product_name=product_name,
        product_description=f"{product_name}（{fp.functional_unit}）",
        declared_unit=declared,
        unit_amount=amount,
        product_mass_kg=float(mass_kg),
        period_start=s.period_start,
        period_end=s.period_end,
        primary_data_share=fp.primary_share(),
        breakdown=breakdown,
        spec=spec,
        created=s.created,
        pf_id=sim_id("export", firm_id, item_code, spec),
    )
    return signing.sign(
        doc,
        key if key is not None else party_key(firm_id),
        signer=firm_urn(firm_id),
        signed_at=s.created,
    )


def cooker_document(spec: str = "3") -> dict:
    """The seminar's electronic cooker as a signed PACT footprint (per unit)."""
    data = datasets.load_seminar()
    fp = product_footprint(data, load_factors())
    mass = float(data.products.set_index("product").loc["電子調理器", "mass_kg"])
    return sign_footprint(
        fp,
        firm_id=COOKER_MAKER,
        firm_name="最終製品メーカー（電子調理器）",
        item_code="electronic-cooker",
        product_name="電子調理器",
        mass_kg=mass,
        spec=spec,
    )


def network_document(net: Network, product: tuple[str, str], spec: str = "3") -> dict:
    """A product of the exchange network as its maker computes it in the bucket relay."""
    from cntf_workbench.exchange import relay

    result = relay.simulate(net, product, inspect=False)
    firm_id, item = product
    prod = net.products.set_index(["firm_id", "item_code"]).loc[product]
    name = str(net.firms.set_index("firm_id").loc[firm_id, "name"])
    fp = result.footprint
    return sign_footprint(
        fp,
        firm_id=firm_id,
        firm_name=name,
        item_code=item,
        product_name=str(prod["name"]),
        mass_kg=float(prod["mass_kg"]),
        unit=str(prod["unit"]),
        spec=spec,
        settings=net.settings,
    )
