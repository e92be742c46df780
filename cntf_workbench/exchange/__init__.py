"""CIOF data exchange between sample firms: PACT footprints, signatures, ledger, simulation.

- :mod:`~cntf_workbench.exchange.network`: the sample firms (two final makers of different
  groups, Tier 1, a Tier 2 that supplies both groups, Tier 3 with an SME subcontractor, a
  logistics firm) and synthetic networks of N firms in T tiers;
- :mod:`~cntf_workbench.exchange.dictionary` (CIOF 辞書) and
  :mod:`~cntf_workbench.exchange.contracts` (data usage terms);
- :mod:`~cntf_workbench.exchange.bus`: the only way parties talk — bytes, counted, with the
  exposure read off what crossed;
- :mod:`~cntf_workbench.exchange.relay` (1-to-1 bucket relay) and
  :mod:`~cntf_workbench.exchange.central` (many-to-1 central platform), compared by
  :mod:`~cntf_workbench.exchange.metrics`;
- the standard-format and integrity layer: :mod:`~cntf_workbench.exchange.pact` (PACT
  ProductFootprint documents and events), :mod:`~cntf_workbench.exchange.signing` (Ed25519
  signatures carried in a PACT data model extension) and
  :mod:`~cntf_workbench.exchange.ledger` (the hash-chained record of every request, transfer
  and refusal);
- :mod:`~cntf_workbench.exchange.burden`: sharing the cost of a supplier's reduction project
  (alone, proportional, Shapley, internal carbon price) with SME protection.
"""
