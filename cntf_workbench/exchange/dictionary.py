"""Term dictionaries (CIOF 辞書): each firm's own field names, units and item codes.

Every firm keeps its records in its own vocabulary: MTR calls the footprint ``CO2排出量_g`` and
keeps it in grams, MAT reports tonnes per kg, MKB's purchasing system calls the motor by a code of
its own. CIOF's answer is a shared vocabulary of *terms* (``terms.csv``: ``item_code``, ``pcf``,
``declared_unit``, ``primary_share``, each with a canonical unit); each firm maps its fields to
those terms once (``dictionary.csv``). A translation map between two firms is the composition of
the two dictionaries plus the code map of the pair (the customer's code for the supplier's item).

Nothing passes silently: a field that a dictionary does not know, a unit that cannot be converted
to the term's unit (kWh for a CO2 mass), or an item code with no mapping raises
``DictionaryError`` naming the firm, the field and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from cntf_workbench import units
from cntf_workbench.errors import CntfError


class DictionaryError(CntfError):
    """A field, unit or code that a term dictionary cannot translate."""

    area = "辞書"


@dataclass(frozen=True)
class Term:
    """One term of the shared vocabulary.

    Attributes
    ----------
    term : str
        Identifier (``pcf``).
    name : str
        Japanese name.
    unit : str
        Canonical unit ("" for a text term; ``dimensionless`` for a share).
    """

    term: str
    name: str
    unit: str


def _is_text(unit: str) -> bool:
    return not unit or str(unit).strip() == "" or str(unit) == "nan"


@lru_cache(maxsize=256)
def _conversion(local: str, canonical: str) -> float | None:
    """Multiplier from ``local`` to ``canonical`` units, None when they do not convert."""
    try:
        return units.convert(1.0, local, canonical)
    except CntfError:
        return None


def _compatible(local: str, canonical: str) -> bool:
    if _is_text(local) or _is_text(canonical):
        return _is_text(local) and _is_text(canonical)
    return _conversion(local, canonical) is not None


@dataclass
class FirmDictionary:
    """One firm's mapping from its own fields to the shared terms.

    Parameters
    ----------
    firm_id : str
    fields : dict
        ``{local_field: (term, local_unit)}``.
    terms : dict
        ``{term: Term}`` of the shared vocabulary.

    Raises
    ------
    DictionaryError
        A field maps to an unknown term, or its unit cannot be converted to the term's unit.
    """

    firm_id: str
    fields: dict[str, tuple[str, str]]
    terms: dict[str, Term]
    _by_term: dict[str, tuple[str, str]] = field(init=False, repr=False)
    _factors: dict[str, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_term = {}
        self._factors = {}
        for local, (term, unit) in self.fields.items():
            if term not in self.terms:
                raise DictionaryError(
                    f"{self.firm_id} の辞書のフィールド「{local}」が共通語彙にない用語「{term}」を"
                    f"指しています（使える用語: {', '.join(sorted(self.terms))}）"
                )
            canonical = self.terms[term].unit
            if not _compatible(unit, canonical):
                raise DictionaryError(
                    f"{self.firm_id} の辞書のフィールド「{local}」の単位「{unit}」は用語「{term}」の"
                    f"単位「{canonical or '（文字列）'}」に換算できません"
                )
            if term in self._by_term:
                raise DictionaryError(
                    f"{self.firm_id} の辞書で用語「{term}」に二つのフィールド"
                    f"（{self._by_term[term][0]}, {local}）が割り当てられています"
                )
            self._by_term[term] = (local, unit)
            if not _is_text(unit):
                self._factors[local] = _conversion(unit, canonical)

    def field_for(self, term: str) -> str:
        """The firm's own field name for a term (DictionaryError when unmapped)."""
        try:
            return self._by_term[term][0]
        except KeyError:
            raise DictionaryError(
                f"{self.firm_id} の辞書に用語「{term}」（{self.terms[term].name if term in self.terms else '不明'}）"
                "のフィールドがありません"
            ) from None

    def to_canonical(self, record: Mapping[str, object]) -> dict[str, object]:
        """Translate a record in the firm's own fields and units to shared terms.

        Parameters
        ----------
        record : mapping
            ``{local_field: value}``; numeric values in the field's local unit.

        Returns
        -------
        dict
            ``{term: value}`` with numbers in the term's canonical unit.
        """
        out: dict[str, object] = {}
        for local, value in record.items():
            if local not in self.fields:
                raise DictionaryError(
                    f"{self.firm_id} のレコードのフィールド「{local}」は辞書にありません"
                    f"（辞書のフィールド: {', '.join(self.fields)}）"
                )
            term = self.fields[local][0]
            out[term] = value * self._factors[local] if local in self._factors else value
        return out

    def from_canonical(self, record: Mapping[str, object]) -> dict[str, object]:
        """Translate shared terms into the firm's own fields and units (inverse of
        :meth:`to_canonical`)."""
        out: dict[str, object] = {}
        for term, value in record.items():
            local = self.field_for(term)
            out[local] = value / self._factors[local] if local in self._factors else value
        return out


@dataclass
class TranslationMap:
    """Field, unit and code translation from one firm's records to another's.

    Built by :func:`translation_map`; ``codes`` maps the source firm's item codes to the target
    firm's codes for the same items.
    """

    source: FirmDictionary
    target: FirmDictionary
    codes: dict[str, str]

    def table(self) -> pd.DataFrame:
        """The map as a table: source field and unit, term, target field and unit, multiplier."""
        rows = []
        for local, (term, unit) in self.source.fields.items():
            tfield, tunit = self.target._by_term.get(term, ("", ""))
            mult = float("nan")
            if tfield and not _is_text(unit):
                mult = units.convert(1.0, unit, tunit)
            rows.append(
                {
                    "source_field": local,
                    "source_unit": unit,
                    "term": term,
                    "target_field": tfield or "（対応なし）",
                    "target_unit": tunit,
                    "multiplier": mult,
                }
            )
        return pd.DataFrame(rows)

    def translate(self, record: Mapping[str, object]) -> dict[str, object]:
        """Translate one record; unknown fields, unmapped terms and unmapped codes are errors."""
        canonical = self.source.to_canonical(record)
        if "item_code" in canonical:
            code = str(canonical["item_code"])
            if code not in self.codes:
                raise DictionaryError(
                    f"{self.source.firm_id} の品目コード「{code}」に対応する {self.target.firm_id} "
                    "のコードがコード対応表にありません"
                )
            canonical["item_code"] = self.codes[code]
        return self.target.from_canonical(canonical)


def load_terms(frame: pd.DataFrame) -> dict[str, Term]:
    """Terms from a ``terms.csv`` table (columns term, name, unit)."""
    return {
        str(r.term): Term(str(r.term), str(r.name), "" if pd.isna(r.unit) else str(r.unit))
        for r in frame.itertuples(index=False)
    }


def firm_dictionaries(frame: pd.DataFrame, terms: Mapping[str, Term]) -> dict[str, FirmDictionary]:
    """One :class:`FirmDictionary` per firm of a ``dictionary.csv`` table."""
    fields: dict[str, dict[str, tuple[str, str]]] = {}
    for firm_id, term, local, unit in zip(
        frame["firm_id"].tolist(),
        frame["term"].tolist(),
        frame["local_field"].tolist(),
        frame["local_unit"].tolist(),
        strict=True,
    ):
        unit_text = "" if unit is None or (isinstance(unit, float) and unit != unit) else str(unit)
        fields.setdefault(str(firm_id), {})[str(local)] = (str(term), unit_text)
    shared = dict(terms)
    return {firm: FirmDictionary(firm, f, shared) for firm, f in fields.items()}


def translation_map(
    source: FirmDictionary, target: FirmDictionary, codes: Mapping[str, str]
) -> TranslationMap:
    """Compose two firms' dictionaries into a translation map.

    Parameters
    ----------
    source, target : FirmDictionary
    codes : mapping
        Source item code → target item code.

    Raises
    ------
    DictionaryError
        A term of the source has no field at the target (it would be lost in translation).
    """
    for local, (term, _unit) in source.fields.items():
        if term not in target._by_term:
            raise DictionaryError(
                f"{source.firm_id} のフィールド「{local}」（用語「{term}」）に対応する "
                f"{target.firm_id} のフィールドがありません"
            )
    return TranslationMap(source, target, dict(codes))
