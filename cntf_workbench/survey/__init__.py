"""Member questionnaire analysis: codebook, robust loading, tabulation (and, on top, free text).

Layers: ``survey`` uses the common ground (``errors``, ``resources``) only, never ``cfp`` or
``exchange``. ``codebook`` ← ``io`` ← ``tabulate`` ← ``charts``; ``generate`` writes synthetic
exports for teaching and tests. ``i18n`` (below ``codebook``) holds the Japanese and English
messages of the reports, forms and CLI (``lang="en"`` / ``--lang en``; Japanese by default).
"""

from cntf_workbench.survey.codebook import (
    Codebook,
    Question,
    SurveyError,
    load_codebook,
    table_schema,
)
from cntf_workbench.survey.io import SurveyData, load_responses

__all__ = [
    "Codebook",
    "Question",
    "SurveyData",
    "SurveyError",
    "load_codebook",
    "load_responses",
    "table_schema",
]
