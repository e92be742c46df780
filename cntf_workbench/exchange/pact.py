"""PACT ProductFootprint documents (v3, and v2.3 on request): models, import/export, events.

Firms in the exchange simulation send each other footprints as PACT Technical Specifications
ProductFootprint JSON, and ask for them with the PACT events (RequestCreated, RequestFulfilled,
RequestRejected). This module holds the data model as pydantic models written for this project,
the reading and writing of documents (:func:`load`, :func:`dump`, :func:`to_bytes`), the building
of a document from a computed total (:func:`from_footprint`) with the project's breakdown
extension, and the events.

What is modelled: every property, required list, enumeration, pattern, ``minItems``,
``uniqueItems``, ``minimum``/``maximum`` and the geography ``oneOf`` of
``components.schemas`` ProductFootprint, CarbonFootprint, DataQualityIndicators, Verification
(v3) / Assurance (v2), DataModelExtension, EmissionFactorSource, ProductOrSectorSpecificRule and
the three request events. Formats are checked as the spec names them (``uuid``, ``date-time``
per RFC 3339, ``uri``, ``urn``). Decimals are JSON strings, kept exactly as written, so a
document read and written back is unchanged. The spec's sign patterns are applied with their
intended meaning (the whole string, and the sign it names), which is stricter than their
literal regular expressions (e.g. the spec's PositiveNonZeroDecimal pattern lets ``"-0.5"``
through because of an unanchored alternative). Rules stated only in prose (DQR between 1 and 5,
packaging emissions undefined when not included, validity period bounds …) are not checked.

Notice
------
This module implements the data model of the PACT Technical Specifications (versions 3.0 and
2.3, https://github.com/wbcsd/data-exchange-protocol) and is a derivative work based on them.
The Licensed Material is owned by the World Business Council for Sustainable Development
(WBCSD), the Licensor, and created by the WBCSD Partnership for Carbon Transparency (PACT). No
part of the specification files is included here. Section 5 of the licence reads:

5         Disclaimer of Warranties and Limitation of Liability.

5.1       Licensor offers, provides, makes available, and licenses the Licensed Material, and grants the license and Licensed Rights, "as is" and "as available" without any representations or warranties, express or implied.  Licensor hereby disclaims all representations and warranties, express, implied, statutory, or otherwise, under any law, including, without limitation, all representations and warranties of title, merchantability, fitness for a particular purpose, non-infringement, absence of latent or other defects, accuracy, or the presence or absence of errors, whether or not known or discoverable. Where disclaimers of warranties are limited by applicable law, this disclaimer applies to the greatest extent not limited by such applicable law.

5.2       In no event will Licensor be liable to User or any other person, under contract, negligence, willful misconduct, other tort, property, intellectual property, or other cause or legal theory any legal theory or otherwise, for any direct, indirect, special, incidental, consequential, punitive, exemplary, liquidated, or other losses, costs, expenses, attorneys' or legal fees or costs, or damages of any kind anywhere, under any law, arising or related to this License, any Licensed Right, the Licensed Material, any Derivative, and/or any part thereof or any Use, even if Licensor has been advised of the possibility of such losses, costs, expenses, attorneys' or legal fees or costs, or damages of any kind anywhere. Where the exclusion or limitation of liability is limited by applicable law, this exclusion and limitation of liability applies to the greatest extent not limited by such applicable law.

5.3       The disclaimer of representations and warranties and the exclusion and limitation of liability under Sections 5.1 and 5.2 shall be interpreted in a manner that, to the extent possible, most closely approximates an absolute disclaimer and waiver of all liability.
"""

from __future__ import annotations

import calendar
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal as _Dec
from decimal import InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar

import orjson
import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cntf_workbench.errors import CntfError

__all__ = [
    "BREAKDOWN_SCHEMA",
    "EVENT_TYPES",
    "NOTICE",
    "SIGNATURE_SCHEMA",
    "SPEC_VERSION_V2",
    "SPEC_VERSION_V3",
    "AssuranceV2",
    "BreakdownData",
    "CarbonFootprint",
    "CarbonFootprintV2",
    "DataModelExtension",
    "DataQualityIndicators",
    "DataQualityIndicatorsV2",
    "EmissionFactorSource",
    "PactError",
    "ProductFootprint",
    "ProductFootprintV2",
    "ProductOrSectorSpecificRule",
    "RequestCreatedEvent",
    "RequestFulfilledEvent",
    "RequestRejectedEvent",
    "SignatureData",
    "Verification",
    "breakdown",
    "decimal_str",
    "dump",
    "estimated",
    "from_footprint",
    "load",
    "parse_event",
    "request_created",
    "request_fulfilled",
    "request_rejected",
    "to_bytes",
    "total",
    "validate",
]

NOTICE = __doc__[__doc__.index("This module implements") :]

SPEC_VERSION_V3 = "3.0.3"
"""The PACT Technical Specifications version written by :func:`from_footprint` (spec="3")."""
SPEC_VERSION_V2 = "2.3.3"
"""The version written when spec="2"."""
EXTENSION_SPEC_VERSION = "2.0.0"
"""Version of the PACT Data Model Extensions specification our extensions follow."""
BREAKDOWN_SCHEMA = "urn:cntf-workbench:extension:breakdown:1.0.0"
"""``dataSchema`` of the project's breakdown extension (see :class:`BreakdownData`)."""
SIGNATURE_SCHEMA = "urn:cntf-workbench:extension:signature:1.0.0"
"""``dataSchema`` of the project's signature extension (see :class:`SignatureData`)."""
CLOUDEVENTS_VERSION = "1.0"

EVENT_TYPES = {
    ("3", "created"): "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    ("3", "fulfilled"): "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    ("3", "rejected"): "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
    ("2", "created"): "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
    ("2", "fulfilled"): "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
    ("2", "rejected"): "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
}
"""CloudEvents ``type`` of each request event, by spec major version and kind."""


class PactError(CntfError):
    """A PACT document or event is invalid, or cannot be built from the given values.

    ``column`` holds the field path in the document, e.g. ``pcf.declaredUnitAmount``.
    """

    area = "PACT"

    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.column is not None:
            parts.append(f"項目「{self.column}」")
        return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# Simple types. Each keeps the JSON value exactly as written (strings stay strings), so that a
# document read and dumped is unchanged; the check raises a Japanese message.

T = TypeVar("T")

_DECIMAL_RE = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)
_UNSIGNED_RE = re.compile(r"\+?\d+(\.\d+)?", re.ASCII)
_NONPOS_RE = re.compile(r"-\d+(\.\d+)?|0+(\.0+)?", re.ASCII)
_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_DATETIME_RE = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)",
    re.ASCII | re.IGNORECASE,
)
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*")
_URN_RE = re.compile(r"[uU][rR][nN]:")
_SPEC_VERSION_RE = re.compile(r"\d+\.\d+\.\d+(-\d{8})?", re.ASCII)
_AR_RE = re.compile(r"AR\d+", re.ASCII)
_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_SUBDIVISION_RE = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("string_type", "文字列が必要です")
    return value


def _check_decimal(value: Any) -> str:
    if not _DECIMAL_RE.fullmatch(_string(value)):
        raise _fail("pact_decimal", '10進数の文字列 (Decimal, 例 "12.5") が必要です')
    return value


def _check_positive(value: Any) -> str:
    if not _UNSIGNED_RE.fullmatch(_string(value)) or _Dec(value) <= 0:
        raise _fail(
            "pact_decimal", "0 より大きい10進数の文字列 (PositiveNonZeroDecimal) が必要です"
        )
    return value


def _check_nonnegative(value: Any) -> str:
    if not _UNSIGNED_RE.fullmatch(_string(value)):
        raise _fail("pact_decimal", "0 以上の10進数の文字列 (PositiveOrZeroDecimal) が必要です")
    return value


def _check_nonpositive(value: Any) -> str:
    if not _NONPOS_RE.fullmatch(_string(value)):
        raise _fail("pact_decimal", "0 以下の10進数の文字列 (NegativeOrZeroDecimal) が必要です")
    return value


def _check_uuid(value: Any) -> str:
    if not _UUID_RE.fullmatch(_string(value)):
        raise _fail("pact_uuid", "UUID (例 f4b1225a-bd44-4c8e-861d-079e4e1dfd69) が必要です")
    return value


@lru_cache(maxsize=4096)
def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _check_datetime(value: Any) -> str:
    m = _DATETIME_RE.fullmatch(_string(value))
    ok = m is not None
    if m is not None:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        ok = year > 0 and 1 <= month <= 12 and 1 <= day <= _days_in(year, month)
    if not ok:
        raise _fail(
            "pact_datetime", "RFC 3339 の日時 (date-time, 例 2025-04-01T00:00:00Z) が必要です"
        )
    return value


def _check_uri(value: Any) -> str:
    if not _URI_RE.fullmatch(_string(value)):
        raise _fail("pact_uri", "URI (例 https://… や urn:…) が必要です")
    return value


def _check_urn(value: Any) -> str:
    if not _URN_RE.match(_string(value)):
        raise _fail("pact_urn", "URN (urn: で始まる文字列, 例 urn:cntf:firm:MTR) が必要です")
    return value


def _check_nonempty(value: Any) -> str:
    if _string(value) == "":
        raise _fail("too_short", "空でない文字列が必要です")
    return value


def _pattern(regex: re.Pattern[str], what: str):
    def check(value: Any) -> str:
        if not regex.fullmatch(_string(value)):
            raise _fail("pact_pattern", f"{what} が必要です")
        return value

    return check


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("bool_type", "真偽値 (true / false) が必要です")
    return value


def _check_object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise _fail("dict_type", "JSON オブジェクトが必要です")
    return value


def _number(low: float | None = None, high: float | None = None):
    def check(value: Any) -> int | float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise _fail("number_type", "数値 (JSON number) が必要です")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _fail("number_range", f"{low} 以上 {high} 以下の数値が必要です")
        return value

    return check


def _no_null(value: Any) -> Any:
    if value is None:
        raise _fail("pact_null", "null は使えません（値がないときは項目ごと省略します）")
    return value


def _unique(value: list) -> list:
    if all(isinstance(v, str) for v in value):  # the common case: ids, URNs, names
        if len(set(value)) != len(value):
            raise _fail("pact_unique", "重複のない配列 (uniqueItems) が必要です")
        return value
    seen = [
        json.dumps(
            v.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if isinstance(v, BaseModel)
            else v,
            sort_keys=True,
        )
        for v in value
    ]
    if len(set(seen)) != len(seen):
        raise _fail("pact_unique", "重複のない配列 (uniqueItems) が必要です")
    return value


Decimal = Annotated[str, PlainValidator(_check_decimal)]
PositiveNonZeroDecimal = Annotated[str, PlainValidator(_check_positive)]
PositiveOrZeroDecimal = Annotated[str, PlainValidator(_check_nonnegative)]
NegativeOrZeroDecimal = Annotated[str, PlainValidator(_check_nonpositive)]
Uuid = Annotated[str, PlainValidator(_check_uuid)]
DateTime = Annotated[str, PlainValidator(_check_datetime)]
Uri = Annotated[str, PlainValidator(_check_uri)]
Urn = Annotated[str, PlainValidator(_check_urn)]
NonEmptyString = Annotated[str, PlainValidator(_check_nonempty)]
Text = Annotated[str, PlainValidator(_string)]
Bool = Annotated[bool, PlainValidator(_check_bool)]
JsonObject = Annotated[dict[str, Any], PlainValidator(_check_object)]
SpecVersion = Annotated[
    str, PlainValidator(_pattern(_SPEC_VERSION_RE, "major.minor.patch 形式の版 (例 3.0.0)"))
]
ArVersion = Annotated[str, PlainValidator(_pattern(_AR_RE, "AR と整数の IPCC 評価報告書 (例 AR6)"))]
CountryCode = Annotated[
    str, PlainValidator(_pattern(_COUNTRY_RE, "ISO 3166-1 alpha-2 の国コード (例 JP)"))
]
SubdivisionCode = Annotated[
    str, PlainValidator(_pattern(_SUBDIVISION_RE, "ISO 3166-2 の地域コード (例 JP-13)"))
]
Percent = Annotated[int | float, PlainValidator(_number(0, 100))]
Dqr1to3 = Annotated[int | float, PlainValidator(_number(1, 3))]
VersionInt = Annotated[int, PlainValidator(lambda v: _int32(v))]

Opt = Annotated[T | None, BeforeValidator(_no_null)]
"""An optional property: may be left out, but not given as ``null`` (the spec has no nulls)."""

NonEmptyList = Annotated[list[T], Field(min_length=1), BeforeValidator(_no_null)]
"""A non-empty array (``minItems: 1``)."""
NonEmptySet = Annotated[
    list[T], Field(min_length=1), AfterValidator(_unique), BeforeValidator(_no_null)
]
"""A non-empty array without duplicates (``minItems: 1``, ``uniqueItems: true``)."""


def _int32(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("int_type", "整数が必要です")
    if not 0 <= value <= 2**31 - 1:
        raise _fail("number_range", "0 以上 2147483647 以下の整数が必要です")
    return value


DeclaredUnit = Literal[
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
]
DeclaredUnitV2 = Literal[
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
]
RegionOrSubregion = Literal[
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
]
Status = Literal["Active", "Deprecated"]
ErrorCode = Literal[
    "BadRequest", "AccessDenied", "TokenExpired", "NotFound", "InternalError", "NotImplemented"
]


class _Model(BaseModel):
    """Base of every PACT model: camelCase aliases, unknown properties kept."""

    model_config = ConfigDict(
        populate_by_name=True, extra="allow", strict=False, validate_default=False
    )


def _f(alias: str, *, required: bool = False) -> Any:
    """A field under its spec name; optional ones default to ``None`` and are left out."""
    return Field(alias=alias) if required else Field(default=None, alias=alias)


_REQ = {"required": True}


# --------------------------------------------------------------------------------------------
# Shared sub-objects


class DataModelExtension(_Model):
    """A PACT Data Model Extension: ``specVersion``, ``dataSchema`` (URI), ``data`` (object).

    The project's own extensions (:data:`BREAKDOWN_SCHEMA`, :data:`SIGNATURE_SCHEMA`) have their
    ``data`` checked against :class:`BreakdownData` and :class:`SignatureData`; ``data`` itself
    is kept exactly as given.
    """

    spec_version: Text = _f("specVersion", **_REQ)
    data_schema: Uri = _f("dataSchema", **_REQ)
    documentation: Opt[Uri] = _f("documentation")
    data: JsonObject = _f("data", **_REQ)

    @field_validator("data", mode="after")
    @classmethod
    def _project_extensions(cls, data: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        model = {BREAKDOWN_SCHEMA: BreakdownData, SIGNATURE_SCHEMA: SignatureData}.get(
            info.data.get("data_schema")
        )
        if model is not None:
            model.model_validate(data, by_name=False)
        return data


class ProductOrSectorSpecificRule(_Model):
    """Product or sector specific rules (PCR, PEFCR …) applied, by operator."""

    operator: Literal["PEF", "EPD International", "Other"] = _f("operator", **_REQ)
    rule_names: NonEmptySet[NonEmptyString] = _f("ruleNames", **_REQ)
    other_operator_name: Opt[NonEmptyString] = _f("otherOperatorName")


class EmissionFactorSource(_Model):
    """A secondary emission factor database and its version (v3; ``EmissionFactorDatabases`` in v2)."""

    name: NonEmptyString = _f("name", **_REQ)
    version: NonEmptyString = _f("version", **_REQ)


EmissionFactorDatabaseV2 = EmissionFactorSource


class DataQualityIndicators(_Model):
    """v3 data quality ratings (DQR), decimal strings, 1 (best) … 5 by the spec's prose."""

    technological_dqr: Decimal = _f("technologicalDQR", **_REQ)
    geographical_dqr: Decimal = _f("geographicalDQR", **_REQ)
    temporal_dqr: Decimal = _f("temporalDQR", **_REQ)


class DataQualityIndicatorsV2(_Model):
    """v2.3 data quality indicators: numbers, coverage 0–100 %, each DQR 1–3."""

    coverage_percent: Percent = _f("coveragePercent", **_REQ)
    technological_dqr: Dqr1to3 = _f("technologicalDQR", **_REQ)
    temporal_dqr: Dqr1to3 = _f("temporalDQR", **_REQ)
    geographical_dqr: Dqr1to3 = _f("geographicalDQR", **_REQ)
    completeness_dqr: Dqr1to3 = _f("completenessDQR", **_REQ)
    reliability_dqr: Dqr1to3 = _f("reliabilityDQR", **_REQ)


class Verification(_Model):
    """v3 verification of the footprint (all properties optional)."""

    coverage: Opt[Literal["PCF calculation model", "PCF program", "product level"]] = _f("coverage")
    provider_name: Opt[Text] = _f("providerName")
    completed_at: Opt[DateTime] = _f("completedAt")
    standard_name: Opt[Text] = _f("standardName")
    comments: Opt[Text] = _f("comments")


class AssuranceV2(_Model):
    """v2.3 assurance information (renamed Verification in v3)."""

    assurance: Bool = _f("assurance", **_REQ)
    coverage: Opt[Literal["corporate level", "product line", "PCF system", "product level"]] = _f(
        "coverage"
    )
    level: Opt[Literal["limited", "reasonable"]] = _f("level")
    boundary: Opt[Literal["Gate-to-Gate", "Cradle-to-Gate"]] = _f("boundary")
    provider_name: Text = _f("providerName", **_REQ)
    completed_at: Opt[DateTime] = _f("completedAt")
    standard_name: Opt[Text] = _f("standardName")
    comments: Opt[Text] = _f("comments")


_GEOGRAPHY = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")


def _one_geography(model: BaseModel) -> None:
    given = [a for a in _GEOGRAPHY if getattr(model, _NAME_OF[a], None) is not None]
    if len(given) > 1:
        raise _fail(
            "pact_geography",
            f"地理の項目 {', '.join(given)} は高々1つだけ指定します（oneOf: 地域・国・国内地域のどれか1つ、またはなし）",
        )


_NAME_OF = {
    "geographyRegionOrSubregion": "geography_region_or_subregion",
    "geographyCountry": "geography_country",
    "geographyCountrySubdivision": "geography_country_subdivision",
}


# --------------------------------------------------------------------------------------------
# v3


class CarbonFootprint(_Model):
    """v3 ``CarbonFootprint``: values per declared unit [kg-CO2e/declared unit, kg-C/declared unit]."""

    declared_unit_of_measurement: DeclaredUnit = _f("declaredUnitOfMeasurement", **_REQ)
    declared_unit_amount: PositiveNonZeroDecimal = _f("declaredUnitAmount", **_REQ)
    product_mass_per_declared_unit: Decimal = _f("productMassPerDeclaredUnit", **_REQ)
    reference_period_start: DateTime = _f("referencePeriodStart", **_REQ)
    reference_period_end: DateTime = _f("referencePeriodEnd", **_REQ)
    geography_region_or_subregion: Opt[RegionOrSubregion] = _f("geographyRegionOrSubregion")
    geography_country: Opt[CountryCode] = _f("geographyCountry")
    geography_country_subdivision: Opt[SubdivisionCode] = _f("geographyCountrySubdivision")
    boundary_processes_description: Opt[Text] = _f("boundaryProcessesDescription")
    pcf_excluding_biogenic_uptake: Decimal = _f("pcfExcludingBiogenicUptake", **_REQ)
    pcf_including_biogenic_uptake: Decimal = _f("pcfIncludingBiogenicUptake", **_REQ)
    fossil_carbon_content: PositiveOrZeroDecimal = _f("fossilCarbonContent", **_REQ)
    biogenic_carbon_content: Opt[PositiveOrZeroDecimal] = _f("biogenicCarbonContent")
    recycled_carbon_content: Opt[PositiveOrZeroDecimal] = _f("recycledCarbonContent")
    fossil_ghg_emissions: PositiveOrZeroDecimal = _f("fossilGhgEmissions", **_REQ)
    land_use_change_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("landUseChangeGhgEmissions")
    land_carbon_leakage: Opt[PositiveOrZeroDecimal] = _f("landCarbonLeakage")
    land_management_fossil_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f(
        "landManagementFossilGhgEmissions"
    )
    land_management_biogenic_co2_emissions: Opt[PositiveOrZeroDecimal] = _f(
        "landManagementBiogenicCO2Emissions"
    )
    land_management_biogenic_co2_removals: Opt[NegativeOrZeroDecimal] = _f(
        "landManagementBiogenicCO2Removals"
    )
    biogenic_co2_uptake: Opt[NegativeOrZeroDecimal] = _f("biogenicCO2Uptake")
    biogenic_non_co2_emissions: Opt[PositiveOrZeroDecimal] = _f("biogenicNonCO2Emissions")
    land_area_occupation: Opt[PositiveOrZeroDecimal] = _f("landAreaOccupation")
    aircraft_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("aircraftGhgEmissions")
    packaging_emissions_included: Opt[Bool] = _f("packagingEmissionsIncluded")
    packaging_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("packagingGhgEmissions")
    packaging_biogenic_carbon_content: Opt[PositiveOrZeroDecimal] = _f(
        "packagingBiogenicCarbonContent"
    )
    outbound_logistics_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f(
        "outboundLogisticsGhgEmissions"
    )
    ccs_technological_co2_capture_included: Opt[Bool] = _f("ccsTechnologicalCO2CaptureIncluded")
    ccs_technological_co2_capture: Opt[NegativeOrZeroDecimal] = _f("ccsTechnologicalCO2Capture")
    technological_co2_capture_origin: Opt[Text] = _f("technologicalCO2CaptureOrigin")
    technological_co2_removals: Opt[NegativeOrZeroDecimal] = _f("technologicalCO2Removals")
    ccu_carbon_content: Opt[PositiveOrZeroDecimal] = _f("ccuCarbonContent")
    ccu_calculation_approach: Opt[Literal["Cut-off", "Credit"]] = _f("ccuCalculationApproach")
    ccu_credit_certification: Opt[Uri] = _f("ccuCreditCertification")
    ipcc_characterization_factors: NonEmptySet[ArVersion] = _f(
        "ipccCharacterizationFactors", **_REQ
    )
    cross_sectoral_standards: NonEmptySet[Text] = _f("crossSectoralStandards", **_REQ)
    product_or_sector_specific_rules: Opt[NonEmptySet[ProductOrSectorSpecificRule]] = _f(
        "productOrSectorSpecificRules"
    )
    exempted_emissions_percent: Decimal = _f("exemptedEmissionsPercent", **_REQ)
    exempted_emissions_description: Opt[Text] = _f("exemptedEmissionsDescription")
    allocation_rules_description: Opt[Text] = _f("allocationRulesDescription")
    secondary_emission_factor_sources: Opt[NonEmptyList[EmissionFactorSource]] = _f(
        "secondaryEmissionFactorSources"
    )
    primary_data_share: Opt[Decimal] = _f("primaryDataShare")
    dqi: Opt[DataQualityIndicators] = _f("dqi")
    verification: Opt[Verification] = _f("verification")

    @model_validator(mode="after")
    def _geography(self):
        _one_geography(self)
        return self


class ProductFootprint(_Model):
    """v3 ``ProductFootprint``: the footprint of one product by its data owner."""

    id: Uuid = _f("id", **_REQ)
    spec_version: SpecVersion = _f("specVersion", **_REQ)
    preceding_pf_ids: Opt[NonEmptySet[Uuid]] = _f("precedingPfIds")
    created: DateTime = _f("created", **_REQ)
    status: Status = _f("status", **_REQ)
    validity_period_start: Opt[DateTime] = _f("validityPeriodStart")
    validity_period_end: Opt[DateTime] = _f("validityPeriodEnd")
    company_name: NonEmptyString = _f("companyName", **_REQ)
    company_ids: NonEmptySet[Urn] = _f("companyIds", **_REQ)
    product_description: Text = _f("productDescription", **_REQ)
    product_ids: NonEmptySet[Urn] = _f("productIds", **_REQ)
    product_classifications: Opt[NonEmptySet[Urn]] = _f("productClassifications")
    product_name_company: NonEmptyString = _f("productNameCompany", **_REQ)
    comment: Opt[Text] = _f("comment")
    pcf: CarbonFootprint = _f("pcf", **_REQ)
    extensions: Opt[list[DataModelExtension]] = _f("extensions")


# --------------------------------------------------------------------------------------------
# v2.3


class CarbonFootprintV2(_Model):
    """v2.3 ``CarbonFootprint`` (``pCf…`` names, ``declaredUnit``, numbers for percentages)."""

    declared_unit: DeclaredUnitV2 = _f("declaredUnit", **_REQ)
    unitary_product_amount: PositiveNonZeroDecimal = _f("unitaryProductAmount", **_REQ)
    product_mass_per_declared_unit: Opt[Decimal] = _f("productMassPerDeclaredUnit")
    p_cf_excluding_biogenic: PositiveOrZeroDecimal = _f("pCfExcludingBiogenic", **_REQ)
    p_cf_including_biogenic: Opt[Decimal] = _f("pCfIncludingBiogenic")
    fossil_ghg_emissions: PositiveOrZeroDecimal = _f("fossilGhgEmissions", **_REQ)
    fossil_carbon_content: PositiveOrZeroDecimal = _f("fossilCarbonContent", **_REQ)
    biogenic_carbon_content: PositiveOrZeroDecimal = _f("biogenicCarbonContent", **_REQ)
    d_luc_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("dLucGhgEmissions")
    land_management_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("landManagementGhgEmissions")
    other_biogenic_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("otherBiogenicGhgEmissions")
    i_luc_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("iLucGhgEmissions")
    biogenic_carbon_withdrawal: Opt[NegativeOrZeroDecimal] = _f("biogenicCarbonWithdrawal")
    aircraft_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("aircraftGhgEmissions")
    packaging_emissions_included: Bool = _f("packagingEmissionsIncluded", **_REQ)
    packaging_ghg_emissions: Opt[PositiveOrZeroDecimal] = _f("packagingGhgEmissions")
    characterization_factors: Literal["AR6", "AR5"] = _f("characterizationFactors", **_REQ)
    ipcc_characterization_factors_sources: NonEmptySet[ArVersion] = _f(
        "ipccCharacterizationFactorsSources", **_REQ
    )
    cross_sectoral_standards_used: NonEmptySet[
        Literal["GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044"]
    ] = _f("crossSectoralStandardsUsed", **_REQ)
    cross_sectoral_standards: Opt[
        NonEmptySet[
            Literal[
                "ISO14067",
                "ISO14083",
                "ISO14040-44",
                "GHGP-Product",
                "PEF",
                "PACT-1.0",
                "PACT-2.0",
                "PACT-3.0",
            ]
        ]
    ] = _f("crossSectoralStandards")
    product_or_sector_specific_rules: Opt[NonEmptySet[ProductOrSectorSpecificRule]] = _f(
        "productOrSectorSpecificRules"
    )
    biogenic_accounting_methodology: Opt[Literal["PEF", "ISO", "GHGP", "Quantis"]] = _f(
        "biogenicAccountingMethodology"
    )
    boundary_processes_description: Text = _f("boundaryProcessesDescription", **_REQ)
    reference_period_start: DateTime = _f("referencePeriodStart", **_REQ)
    reference_period_end: DateTime = _f("referencePeriodEnd", **_REQ)
    geography_region_or_subregion: Opt[RegionOrSubregion] = _f("geographyRegionOrSubregion")
    geography_country: Opt[CountryCode] = _f("geographyCountry")
    geography_country_subdivision: Opt[SubdivisionCode] = _f("geographyCountrySubdivision")
    secondary_emission_factor_sources: Opt[NonEmptyList[EmissionFactorDatabaseV2]] = _f(
        "secondaryEmissionFactorSources"
    )
    exempted_emissions_percent: Percent = _f("exemptedEmissionsPercent", **_REQ)
    exempted_emissions_description: Text = _f("exemptedEmissionsDescription", **_REQ)
    allocation_rules_description: Opt[Text] = _f("allocationRulesDescription")
    uncertainty_assessment_description: Opt[Text] = _f("uncertaintyAssessmentDescription")
    primary_data_share: Opt[Percent] = _f("primaryDataShare")
    dqi: Opt[DataQualityIndicatorsV2] = _f("dqi")
    assurance: Opt[AssuranceV2] = _f("assurance")

    @model_validator(mode="after")
    def _geography(self):
        _one_geography(self)
        return self


class ProductFootprintV2(_Model):
    """v2.3 ``ProductFootprint`` (``version``, ``updated``, ``statusComment``, ``productCategoryCpc``)."""

    id: Uuid = _f("id", **_REQ)
    spec_version: SpecVersion = _f("specVersion", **_REQ)
    preceding_pf_ids: Opt[NonEmptySet[Uuid]] = _f("precedingPfIds")
    version: VersionInt = _f("version", **_REQ)
    created: DateTime = _f("created", **_REQ)
    updated: Opt[DateTime] = _f("updated")
    status: Status = _f("status", **_REQ)
    status_comment: Opt[Text] = _f("statusComment")
    validity_period_start: Opt[DateTime] = _f("validityPeriodStart")
    validity_period_end: Opt[DateTime] = _f("validityPeriodEnd")
    company_name: NonEmptyString = _f("companyName", **_REQ)
    company_ids: NonEmptySet[Urn] = _f("companyIds", **_REQ)
    product_description: Text = _f("productDescription", **_REQ)
    product_ids: NonEmptySet[Urn] = _f("productIds", **_REQ)
    product_classifications: Opt[NonEmptySet[Urn]] = _f("productClassifications")
    product_category_cpc: NonEmptyString = _f("productCategoryCpc", **_REQ)
    product_name_company: NonEmptyString = _f("productNameCompany", **_REQ)
    comment: Text = _f("comment", **_REQ)
    pcf: CarbonFootprintV2 = _f("pcf", **_REQ)
    extensions: Opt[list[DataModelExtension]] = _f("extensions")


# --------------------------------------------------------------------------------------------
# The project's extensions


class BreakdownRow(_Model):
    """One part of the total: a life-cycle stage or a process [kg-CO2e per declared unit]."""

    label: NonEmptyString = _f("label", **_REQ)
    kg_co2e: Decimal = _f("kgCo2e", **_REQ)
    level: Opt[Literal["stage", "process"]] = _f("level")


class BreakdownData(_Model):
    """``data`` of the breakdown extension (:data:`BREAKDOWN_SCHEMA`).

    ``rows`` split the total by stage and/or process; ``estimated`` lists the labels of parts
    computed from secondary data (二次データ) because a supplier did not answer.
    """

    unit: Literal["kgCO2e/declared unit"] = _f("unit", **_REQ)
    rows: list[BreakdownRow] = _f("rows", **_REQ)
    estimated: list[NonEmptyString] = _f("estimated", **_REQ)


class SignatureData(_Model):
    """``data`` of the signature extension (:data:`SIGNATURE_SCHEMA`), see ``signing``."""

    algorithm: Literal["Ed25519"] = _f("algorithm", **_REQ)
    signer: NonEmptyString = _f("signer", **_REQ)
    public_key: NonEmptyString = _f("publicKey", **_REQ)
    bound_to: Opt[NonEmptyString] = _f("boundTo")
    signed_at: DateTime = _f("signedAt", **_REQ)
    signature: Opt[NonEmptyString] = _f("signature")


# --------------------------------------------------------------------------------------------
# Events (CloudEvents 1.0 envelopes)


class _Event(_Model):
    type: Text = _f("type", **_REQ)
    specversion: Text = _f("specversion", **_REQ)
    id: Text = _f("id", **_REQ)
    source: Text = _f("source", **_REQ)
    time: DateTime = _f("time", **_REQ)

    kind: ClassVar[str] = ""

    @model_validator(mode="after")
    def _type(self):
        allowed = {t for (_, k), t in EVENT_TYPES.items() if k == self.kind}
        if self.type not in allowed:
            raise _fail("pact_event_type", f"type は {' / '.join(sorted(allowed))} のどれかです")
        return self

    @property
    def spec(self) -> str:
        """The spec major version of the event type ("3" or "2")."""
        return "3" if self.type.endswith(".3") else "2"


class RequestCreatedData(_Model):
    """Criteria of a request (v3: productId, companyId, geography …; v2: ``pf`` filter)."""

    product_id: Opt[list[Urn]] = _f("productId")
    company_id: Opt[list[Urn]] = _f("companyId")
    geography: Opt[list[Text]] = _f("geography")
    classification: Opt[list[Urn]] = _f("classification")
    valid_on: Opt[DateTime] = _f("validOn")
    valid_after: Opt[DateTime] = _f("validAfter")
    valid_before: Opt[DateTime] = _f("validBefore")
    status: Opt[Status] = _f("status")
    pf: Opt[JsonObject] = _f("pf")
    comment: Opt[Text] = _f("comment")


class RequestCreatedEvent(_Event):
    """A data recipient asks a data owner for footprints."""

    kind: ClassVar[str] = "created"
    data: RequestCreatedData = _f("data", **_REQ)

    @model_validator(mode="after")
    def _v2_pf(self):
        if self.spec == "2" and self.data.pf is None:
            raise _fail("missing", "v2 の RequestCreated には data.pf が必要です")
        return self


class RequestFulfilledData(_Model):
    request_event_id: Text = _f("requestEventId", **_REQ)
    pfs: list[JsonObject] = _f("pfs", **_REQ)


class RequestFulfilledEvent(_Event):
    """A data owner answers a request with one or more footprints (``data.pfs``)."""

    kind: ClassVar[str] = "fulfilled"
    data: RequestFulfilledData = _f("data", **_REQ)

    @model_validator(mode="after")
    def _pfs(self):
        if self.spec == "3" and not self.data.pfs:
            raise _fail("too_short", "data.pfs には少なくとも1件の ProductFootprint が必要です")
        model = ProductFootprint if self.spec == "3" else ProductFootprintV2
        for pf in self.data.pfs:
            model.model_validate(pf, by_name=False)
        return self

    def footprints(self) -> list[ProductFootprint | ProductFootprintV2]:
        """The answered footprints as models."""
        return [load(pf) for pf in self.data.pfs]


class EventError(_Model):
    code: ErrorCode = _f("code", **_REQ)
    message: Text = _f("message", **_REQ)


class RequestRejectedData(_Model):
    request_event_id: Text = _f("requestEventId", **_REQ)
    error: EventError = _f("error", **_REQ)


class RequestRejectedEvent(_Event):
    """A data owner refuses a request (``data.error.code``: NotFound, AccessDenied …)."""

    kind: ClassVar[str] = "rejected"
    data: RequestRejectedData = _f("data", **_REQ)


_EVENT_MODELS = {
    **{t: RequestCreatedEvent for (_, k), t in EVENT_TYPES.items() if k == "created"},
    **{t: RequestFulfilledEvent for (_, k), t in EVENT_TYPES.items() if k == "fulfilled"},
    **{t: RequestRejectedEvent for (_, k), t in EVENT_TYPES.items() if k == "rejected"},
}


# --------------------------------------------------------------------------------------------
# Errors in Japanese

_TAGS = re.compile(r"^(function-|json-or-python|lax-or-strict|nullable|union)")


def _path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and not _TAGS.match(part):
            out += ("." if out else "") + part
    return out or "(文書全体)"


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "必須の項目がありません"
    if kind == "literal_error":
        return f"次のどれかが必要です: {ctx.get('expected', '')}"
    if kind == "too_short":
        return f"少なくとも {ctx.get('min_length', 1)} 個の要素が必要です"
    if kind in ("list_type", "tuple_type"):
        return "配列 (JSON array) が必要です"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "JSON オブジェクトが必要です"
    if kind == "string_type":
        return "文字列が必要です"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in error.errors():
        value = err.get("input")
        shown = (
            ""
            if err["type"] == "missing"
            else f"（値 {json.dumps(value, ensure_ascii=False, default=str)[:60]}）"
        )
        out.append((_path(err["loc"]), f"{_message(err)}{shown}"))
    return out


# --------------------------------------------------------------------------------------------
# Reading and writing


def _unwrap(src: Mapping[str, Any] | str | Path) -> tuple[dict[str, Any], str | None]:
    file = None
    if isinstance(src, str | Path):
        file = str(src)
        try:
            doc = json.loads(Path(src).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PactError("ファイルがありません", file=file) from None
        except UnicodeDecodeError:
            raise PactError("UTF-8 の JSON として読めません", file=file) from None
        except json.JSONDecodeError as err:
            raise PactError(
                f"JSON として読めません（{err.lineno}行 {err.colno}桁: {err.msg}）", file=file
            ) from None
    else:
        doc = src
    if not isinstance(doc, Mapping):
        raise PactError("ProductFootprint の JSON オブジェクトが必要です", file=file)
    if set(doc) == {"data"} and isinstance(doc["data"], Mapping):
        doc = doc["data"]
    return dict(doc), file


def _model_for(doc: Mapping[str, Any]) -> type[ProductFootprint] | type[ProductFootprintV2]:
    version = doc.get("specVersion")
    if not isinstance(version, str):
        raise PactError(
            "specVersion (例 3.0.0 / 2.3.0) がないため版を判定できません", column="specVersion"
        )
    if version.startswith("3."):
        return ProductFootprint
    if version.startswith("2."):
        return ProductFootprintV2
    raise PactError(
        f"対応していない版です: {version}（3.x または 2.x が必要です）", column="specVersion"
    )


def load(src: Mapping[str, Any] | str | Path) -> ProductFootprint | ProductFootprintV2:
    """Read a PACT ProductFootprint (v3 or v2.x, by ``specVersion``).

    Parameters
    ----------
    src : dict, str or Path
        The document, or the path of a UTF-8 JSON file holding it. A ``{"data": {...}}``
        wrapper (the GetFootprint response) is accepted too.

    Returns
    -------
    ProductFootprint or ProductFootprintV2
        Unknown properties are kept (``model_extra``), so :func:`dump` gives them back.

    Raises
    ------
    PactError
        When the document is invalid: names the first bad field path and what was expected.
    """
    doc, file = _unwrap(src)
    model = _model_for(doc)
    try:
        return model.model_validate(doc, by_name=False)
    except ValidationError as err:
        problems = _problems(err)
        path, message = problems[0]
        more = f"（ほか {len(problems) - 1} 件）" if len(problems) > 1 else ""
        raise PactError(message + more, file=file, column=path) from None


def dump(pf: BaseModel | Mapping[str, Any], path: str | Path | None = None) -> dict[str, Any]:
    """Write a footprint (or event) back as a JSON-ready dict, and to a file when ``path`` is given.

    Parameters
    ----------
    pf : ProductFootprint, ProductFootprintV2, event model or dict
        A dict is validated first (through :func:`load`).
    path : str or Path, optional
        Where to write UTF-8 JSON (``ensure_ascii=False``, indent 2).

    Returns
    -------
    dict
        camelCase names, properties left out when they were not given, unknown ones kept:
        ``dump(load(x)) == x`` for a valid ``x``.
    """
    if not isinstance(pf, BaseModel):
        pf = load(pf)
    doc = pf.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if path is not None:
        Path(path).write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return doc


def _json_bytes(doc: Mapping[str, Any]) -> bytes:
    try:
        text = json.dumps(
            doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as err:
        raise PactError(f"JSON にできない値があります: {err}") from None
    return text.encode("utf-8")


def to_bytes(doc: Mapping[str, Any]) -> bytes:
    """Canonical JSON bytes of a document, for signing, hashing and byte counts.

    Sorted keys, no whitespace, non-ASCII kept, UTF-8; NaN and infinity are refused (they are
    not JSON). Encoded with orjson (the simulation's hot path); a document orjson cannot
    encode as such (a key that is not a string, an integer beyond 64 bits) goes through the
    standard library with the same rules. Numbers are the shortest form that reads back
    exactly (orjson writes ``1e-7`` where the standard library writes ``1e-07``), so the
    bytes are canonical for this implementation; a third party verifying a signature must
    recompute them the same way.
    """
    try:
        out = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return _json_bytes(doc)
    if b"null" in out:  # orjson writes NaN and infinity as null: refuse them as json does
        _json_bytes(doc)
    return out


def validate(doc: Mapping[str, Any]) -> list[str]:
    """Problems of a footprint or event, as Japanese lines ``path: what was expected``.

    Returns
    -------
    list of str
        Empty when the document is valid. An event is recognised by its ``specversion``.
    """
    if not isinstance(doc, Mapping):
        return ["(文書全体): JSON オブジェクトが必要です"]
    if "specversion" in doc:
        model: type[BaseModel] | None = _EVENT_MODELS.get(doc.get("type"))  # type: ignore[arg-type]
        if model is None:
            return [f"type: PACT のリクエストイベントの type が必要です（値 {doc.get('type')!r}）"]
    else:
        try:
            model = _model_for(doc)
        except PactError as err:
            return [f"{err.column}: {err.message}"]
    try:
        model.model_validate(dict(doc), by_name=False)
    except ValidationError as err:
        return [f"{path}: {message}" for path, message in _problems(err)]
    return []


# --------------------------------------------------------------------------------------------
# Building a footprint


def decimal_str(value: float) -> str:
    """A finite number as a PACT Decimal string without exponent (shortest exact form).

    ``decimal_str(1e-07) == "0.0000001"``, ``decimal_str(5.0) == "5"``; ``-0.0`` gives ``"0"``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PactError(f"有限の数値が必要です（値 {value!r}）")
    if value == 0:
        return "0"
    text = format(_Dec(repr(float(value))) if isinstance(value, float) else _Dec(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _number_of(text: str) -> float:
    try:
        return float(_Dec(text))
    except (InvalidOperation, TypeError, ValueError):
        raise PactError(f"10進数として読めません: {text!r}") from None


_UNIT_NAMES = {
    "kg": "kilogram",
    "kilogram": "kilogram",
    "l": "liter",
    "liter": "liter",
    "litre": "liter",
    "m3": "cubic meter",
    "m^3": "cubic meter",
    "cubic meter": "cubic meter",
    "kwh": "kilowatt hour",
    "kilowatt hour": "kilowatt hour",
    "mj": "megajoule",
    "megajoule": "megajoule",
    "t·km": "ton kilometer",
    "tkm": "ton kilometer",
    "ton kilometer": "ton kilometer",
    "m2": "square meter",
    "m^2": "square meter",
    "square meter": "square meter",
    "piece": "piece",
    "pcs": "piece",
    "個": "piece",
    "台": "piece",
    "本": "piece",
    "枚": "piece",
    "h": "hour",
    "hour": "hour",
    "megabit second": "megabit second",
}


def _declared_unit(unit: str, spec: str) -> str:
    name = _UNIT_NAMES.get(unit.strip().lower(), _UNIT_NAMES.get(unit.strip()))
    if name is None:
        raise PactError(
            f"宣言単位 (declared unit) {unit!r} は PACT の単位に対応しません"
            "（kilogram, liter, piece, kilowatt hour … のどれか）",
            column="declaredUnitOfMeasurement",
        )
    if spec == "2" and name not in DeclaredUnitV2.__args__:
        raise PactError(
            f"v2.3 の declaredUnit に {name} はありません（kilogram などで表すか spec='3' を使ってください）",
            column="declaredUnit",
        )
    return name


def _aware(moment: datetime) -> datetime:
    """A naive datetime is taken as UTC (assumed)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _timestamp(moment: datetime) -> str:
    """RFC 3339 text; a naive datetime is taken as UTC (assumed), UTC is written ``Z``."""
    text = _aware(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _geography(geography: str) -> dict[str, str]:
    geography = geography.strip()
    if geography in ("", "Global", "global", "GLO"):
        return {}
    if _COUNTRY_RE.fullmatch(geography):
        return {"geographyCountry": geography}
    if _SUBDIVISION_RE.fullmatch(geography):
        return {"geographyCountrySubdivision": geography}
    if geography in RegionOrSubregion.__args__:
        return {"geographyRegionOrSubregion": geography}
    raise PactError(
        f"地理 {geography!r} は国コード (JP)、国内地域コード (JP-13)、UN 地域名、Global のどれかです",
        column="geography",
    )


def _breakdown_records(frame: Any) -> list[dict[str, Any]] | None:
    """A breakdown given as a DataFrame or as records, as a list of dicts."""
    if frame is None:
        return None
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else list(frame)
    for r in records:
        missing = {"label", "kg_co2e"} - set(r)
        if missing:
            raise PactError(
                f"breakdown に列 {sorted(missing)} がありません（label, kg_co2e, 任意で level）",
                column="breakdown",
            )
    return records


def _breakdown_extension(
    records: list[dict[str, Any]] | None, labels: list[str], total_kg: float, check_sum: bool
) -> dict[str, Any]:
    rows: list[dict[str, str]] = []
    if records is not None:
        for r in records:
            level = r.get("level")
            row = {"label": str(r["label"]), "kgCo2e": decimal_str(float(r["kg_co2e"]))}
            if level is not None and not (isinstance(level, float) and math.isnan(level)):
                if level not in ("stage", "process"):
                    raise PactError(
                        f"breakdown の level は stage / process です（値 {level!r}）",
                        column="level",
                    )
                row["level"] = str(level)
            rows.append(row)
        if check_sum and rows:
            by_level: dict[str | None, list[float]] = {}
            for row in rows:
                by_level.setdefault(row.get("level"), []).append(float(row["kgCo2e"]))
            for level, values in by_level.items():
                if not math.isclose(math.fsum(values), total_kg, rel_tol=1e-6, abs_tol=1e-9):
                    raise PactError(
                        f"breakdown（level={level}）の合計 {math.fsum(values):.6g} kg-CO2e が総量 "
                        f"{total_kg:.6g} と一致しません（合計は内訳の和です）",
                        column="breakdown",
                    )
    return {
        "specVersion": EXTENSION_SPEC_VERSION,
        "dataSchema": BREAKDOWN_SCHEMA,
        "data": {"unit": "kgCO2e/declared unit", "rows": rows, "estimated": list(labels)},
    }


def from_footprint(
    total_kg: float,
    *,
    company_name: str,
    company_id: str,
    product_id: str,
    product_name: str,
    product_description: str,
    declared_unit: str,
    unit_amount: float = 1.0,
    product_mass_kg: float,
    period_start: datetime,
    period_end: datetime,
    primary_data_share: float | None = None,
    geography: str = "JP",
    breakdown: pd.DataFrame | Sequence[Mapping[str, Any]] | None = None,
    estimated: list[str] | None = None,
    spec: str = "3",
    created: datetime | None = None,
    pf_id: str | None = None,
    comment: str = "",
    secondary_sources: Sequence[tuple[str, str]] | None = None,
    product_category_cpc: str | None = None,
    check_sum: bool = True,
    check: bool = True,
) -> dict[str, Any]:
    """Build a valid PACT ProductFootprint (v3, or v2.3 with ``spec="2"``) for a computed total.

    Values the calculation does not give are filled as follows and each is written, labelled
    "assumed", into the document's ``comment``:

    - all of ``total_kg`` is fossil (``fossilGhgEmissions`` = total), biogenic emissions and
      biogenic CO2 uptake are 0, so the PCF including and excluding biogenic uptake are equal;
    - fossil and biogenic carbon content of the product: 0 kg-C (not assessed);
    - GWP characterisation factors: IPCC AR6 (``ipccCharacterizationFactors ["AR6"]``);
    - cross-sectoral standards: ISO 14067 and the GHG Protocol Product Standard;
    - exempted emissions: 0 %; packaging emissions not included;
    - v2.3 only: ``version`` 1, ``productCategoryCpc`` "unknown" unless given.

    Parameters
    ----------
    total_kg : float
        PCF per ``unit_amount`` declared units [kg-CO2e], >= 0. A v3 document states it so
        (``declaredUnitAmount``); a v2.3 document states the PCF per ONE declared unit, with
        ``unitaryProductAmount`` = ``unit_amount`` units in the product, so ``total_kg``,
        the breakdown and the mass are divided by ``unit_amount`` there.
    company_name, product_name, product_description : str
        Data owner and product as the owner names them.
    company_id, product_id : str
        URNs, e.g. ``"urn:cntf:firm:MTR"``, ``"urn:cntf:product:MTR:MT-300"`` (the spec only
        requires the ``urn:`` prefix).
    declared_unit : str
        PACT unit name or a common symbol: kg, L, m3, kWh, MJ, t·km, m2, piece (個/台), h.
    unit_amount : float
        Declared unit amount [declared unit], > 0.
    product_mass_kg : float
        Mass of ``unit_amount`` declared units without packaging [kg], >= 0.
    period_start, period_end : datetime
        Reference period (start inclusive, end exclusive); naive times are taken as UTC.
    primary_data_share : float, optional
        Primary data share as a fraction [-] (0–1, as ``Footprint.primary_share()``); written
        in percent.
    geography : str
        ISO 3166-1 country (``"JP"``), ISO 3166-2 subdivision (``"JP-13"``), a UN region name,
        or ``"Global"`` / ``""`` for none.
    breakdown : DataFrame or list of dict, optional
        Columns (keys) ``label``, ``kg_co2e`` [kg-CO2e per ``unit_amount``] and optionally ``level``
        ("stage" / "process"); with ``check_sum`` each level must add up to ``total_kg``.
    estimated : list of str, optional
        Labels of parts computed from secondary data because a supplier did not answer.
    spec : {"3", "2"}
    created : datetime, optional
        Creation time (now, UTC, when omitted); pass it for reproducible documents.
    pf_id : str, optional
        UUID of the footprint (a random UUID4 when omitted).
    comment : str
        Put before the list of assumed values in ``comment``.
    secondary_sources : sequence of (name, version), optional
        Secondary emission factor databases used (``secondaryEmissionFactorSources``).
    product_category_cpc : str, optional
        UN CPC code (v2.3 only, where it is required).
    check_sum : bool
        Check that the breakdown adds up to the total.
    check : bool
        Validate the finished document against the model (skip only where the caller builds
        documents by construction and the receiver validates, as in the simulation).

    Returns
    -------
    dict
        A JSON-ready ProductFootprint that :func:`validate` accepts.
    """
    if spec not in ("3", "2"):
        raise PactError(f"spec は '3' か '2' です（値 {spec!r}）", column="specVersion")
    if not isinstance(total_kg, int | float) or not math.isfinite(total_kg) or total_kg < 0:
        raise PactError(f"総量は 0 以上の有限の数値です（値 {total_kg!r} kg-CO2e）", column="pcf")
    if not (
        isinstance(unit_amount, int | float) and math.isfinite(unit_amount) and unit_amount > 0
    ):
        raise PactError(
            f"宣言単位量は 0 より大きい数値です（値 {unit_amount!r}）", column="declaredUnitAmount"
        )
    if not (
        isinstance(product_mass_kg, int | float)
        and math.isfinite(product_mass_kg)
        and product_mass_kg >= 0
    ):
        raise PactError(
            f"製品質量は 0 以上の数値です（値 {product_mass_kg!r} kg）",
            column="productMassPerDeclaredUnit",
        )
    period_start, period_end = _aware(period_start), _aware(period_end)
    if period_end <= period_start:
        raise PactError("算定期間の終わりは始まりより後です", column="referencePeriodEnd")
    if primary_data_share is not None and not 0 <= primary_data_share <= 1:
        raise PactError(
            f"一次データ比率は 0〜1 の割合です（値 {primary_data_share!r}）",
            column="primaryDataShare",
        )
    unit = _declared_unit(declared_unit, spec)
    labels = list(estimated or [])
    # v3 states the PCF per declaredUnitAmount units; v2.3 per ONE declared unit, with
    # unitaryProductAmount declared units in the product — so v2 figures are divided by it.
    scale = 1.0 if spec == "3" else 1.0 / float(unit_amount)
    records = _breakdown_records(breakdown)
    if records is not None and scale != 1.0:
        records = [{**r, "kg_co2e": float(r["kg_co2e"]) * scale} for r in records]
    total_text = decimal_str(float(total_kg) * scale)
    created_text = _timestamp(created or datetime.now(UTC))
    assumed = [
        "全量を化石由来とし、生物起源の排出・吸収は 0 (assumed)",
        "製品の化石・生物起源炭素含有量は未評価のため 0 kg-C (assumed)",
        "特性化係数は IPCC AR6 (assumed)",
        "基準は ISO 14067 と GHG Protocol Product Standard (assumed)",
        "除外した排出は 0 %、包装の排出は含まない (assumed)",
    ]
    if labels:
        assumed.append(f"回答のなかった取引先の部品は二次データで推計: {', '.join(labels)}")
    if spec == "2":
        assumed.append("version は 1 (assumed)")
        if product_category_cpc is None:
            assumed.append("productCategoryCpc は不明のため 'unknown' (assumed)")
    text = ((comment.strip() + " ") if comment.strip() else "") + "前提: " + "; ".join(assumed)
    stages = [] if records is None else [str(r["label"]) for r in records]
    boundary = "cradle-to-gate" + (f": {', '.join(stages)}" if stages else "")
    geo = _geography(geography)
    share = None if primary_data_share is None else round(float(primary_data_share) * 100, 9)
    sources = [{"name": n, "version": v} for n, v in (secondary_sources or [])]
    extensions = (
        [_breakdown_extension(records, labels, float(total_kg) * scale, check_sum)]
        if records is not None or labels
        else []
    )
    common = {
        "id": pf_id or str(uuid.uuid4()),
        "created": created_text,
        "status": "Active",
        "companyName": company_name,
        "companyIds": [company_id],
        "productDescription": product_description,
        "productIds": [product_id],
        "productNameCompany": product_name,
        "comment": text,
    }
    if spec == "3":
        pcf: dict[str, Any] = {
            "declaredUnitOfMeasurement": unit,
            "declaredUnitAmount": decimal_str(float(unit_amount)),
            "productMassPerDeclaredUnit": decimal_str(float(product_mass_kg)),
            "referencePeriodStart": _timestamp(period_start),
            "referencePeriodEnd": _timestamp(period_end),
            **geo,
            "boundaryProcessesDescription": boundary,
            "pcfExcludingBiogenicUptake": total_text,
            "pcfIncludingBiogenicUptake": total_text,
            "fossilCarbonContent": "0",
            "biogenicCarbonContent": "0",
            "fossilGhgEmissions": total_text,
            "biogenicCO2Uptake": "0",
            "biogenicNonCO2Emissions": "0",
            "packagingEmissionsIncluded": False,
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067", "GHGP-Product"],
            "exemptedEmissionsPercent": "0",
            "exemptedEmissionsDescription": "",
        }
        if sources:
            pcf["secondaryEmissionFactorSources"] = sources
        if share is not None:
            pcf["primaryDataShare"] = decimal_str(share)
        doc = {"id": common.pop("id"), "specVersion": SPEC_VERSION_V3, **common, "pcf": pcf}
    else:
        pcf = {
            "declaredUnit": unit,
            "unitaryProductAmount": decimal_str(float(unit_amount)),
            "productMassPerDeclaredUnit": decimal_str(float(product_mass_kg) * scale),
            "pCfExcludingBiogenic": total_text,
            "pCfIncludingBiogenic": total_text,
            "fossilGhgEmissions": total_text,
            "fossilCarbonContent": "0",
            "biogenicCarbonContent": "0",
            "packagingEmissionsIncluded": False,
            "characterizationFactors": "AR6",
            "ipccCharacterizationFactorsSources": ["AR6"],
            "crossSectoralStandardsUsed": ["ISO Standard 14067", "GHG Protocol Product standard"],
            "crossSectoralStandards": ["ISO14067", "GHGP-Product"],
            "boundaryProcessesDescription": boundary,
            "referencePeriodStart": _timestamp(period_start),
            "referencePeriodEnd": _timestamp(period_end),
            **geo,
            "exemptedEmissionsPercent": 0,
            "exemptedEmissionsDescription": "",
        }
        if sources:
            pcf["secondaryEmissionFactorSources"] = sources
        if share is not None:
            pcf["primaryDataShare"] = share
        doc = {
            "id": common.pop("id"),
            "specVersion": SPEC_VERSION_V2,
            "version": 1,
            **common,
            "productCategoryCpc": product_category_cpc or "unknown",
            "pcf": pcf,
        }
    if extensions:
        doc["extensions"] = extensions
    if check:
        problems = validate(doc)
        if problems:
            raise PactError(problems[0])
    return doc


# --------------------------------------------------------------------------------------------
# Reading values back


def _extension(doc: Mapping[str, Any], schema: str) -> dict[str, Any] | None:
    found = [
        e
        for e in doc.get("extensions") or []
        if isinstance(e, Mapping) and e.get("dataSchema") == schema
    ]
    if len(found) > 1:
        raise PactError(f"拡張 {schema} が複数あります", column="extensions")
    return dict(found[0]["data"]) if found else None


def breakdown(doc: Mapping[str, Any]) -> pd.DataFrame | None:
    """The breakdown extension as a table, or ``None`` when the document has none.

    Returns
    -------
    DataFrame or None
        Columns ``label``, ``kg_co2e`` [kg-CO2e per declared unit amount], ``level``
        ("stage" / "process" or None).
    """
    data = _extension(doc, BREAKDOWN_SCHEMA)
    if data is None:
        return None
    try:
        parsed = BreakdownData.model_validate(data, by_name=False)
    except ValidationError as err:
        path, message = _problems(err)[0]
        raise PactError(message, column=f"extensions.breakdown.{path}") from None
    return pd.DataFrame(
        {
            "label": [r.label for r in parsed.rows],
            "kg_co2e": [_number_of(r.kg_co2e) for r in parsed.rows],
            "level": [r.level for r in parsed.rows],
        },
        columns=["label", "kg_co2e", "level"],
    ).astype({"kg_co2e": float})


def estimated(doc: Mapping[str, Any]) -> list[str]:
    """Labels of the parts estimated from secondary data (empty without the extension)."""
    data = _extension(doc, BREAKDOWN_SCHEMA)
    return [] if data is None else [str(x) for x in data.get("estimated", [])]


def total(doc: Mapping[str, Any]) -> float:
    """PCF excluding biogenic uptake as the document states it [kg-CO2e]: per
    ``declaredUnitAmount`` units in v3, per one declared unit in v2.3."""
    pcf = doc.get("pcf")
    if not isinstance(pcf, Mapping):
        raise PactError("pcf がありません", column="pcf")
    for name in ("pcfExcludingBiogenicUptake", "pCfExcludingBiogenic"):
        if name in pcf:
            return _number_of(pcf[name])
    raise PactError(
        "pcfExcludingBiogenicUptake (v3) / pCfExcludingBiogenic (v2) がありません",
        column="pcf.pcfExcludingBiogenicUptake",
    )


# --------------------------------------------------------------------------------------------
# Events


def _envelope(
    kind: str, spec: str, source: str, event_id: str | None, time: datetime | None
) -> dict:
    if spec not in ("3", "2"):
        raise PactError(f"spec は '3' か '2' です（値 {spec!r}）")
    if not source:
        raise PactError("イベントの source（送り手）が必要です", column="source")
    return {
        "type": EVENT_TYPES[(spec, kind)],
        "specversion": CLOUDEVENTS_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "time": _timestamp(time or datetime.now(UTC)),
    }


def _checked(event: dict[str, Any], check: bool = True) -> dict[str, Any]:
    if not check:
        return event
    problems = validate(event)
    if problems:
        raise PactError(problems[0])
    return event


def request_created(
    *,
    source: str,
    product_ids: list[str],
    company_ids: list[str] | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
    comment: str = "",
    spec: str = "3",
    check: bool = True,
) -> dict[str, Any]:
    """A RequestCreated event: ``source`` asks for the footprints of ``product_ids``.

    Parameters
    ----------
    source : str
        Who asks (CloudEvents ``source``, e.g. ``"urn:cntf:firm:ASM"``).
    product_ids, company_ids : list of str
        URNs of the products (and optionally of their data owners) asked for.
    event_id : str, optional
        Event id (random UUID4 when omitted); the answer refers to it.
    time : datetime, optional
        Event time (now, UTC, when omitted).
    comment : str
    spec : {"3", "2"}
        v2 puts the criteria into ``data.pf`` (``productIds``, ``companyIds``).
    """
    if not product_ids:
        raise PactError("依頼する製品 ID が少なくとも1つ必要です", column="data.productId")
    event = _envelope("created", spec, source, event_id, time)
    if spec == "3":
        data: dict[str, Any] = {"productId": list(product_ids)}
        if company_ids:
            data["companyId"] = list(company_ids)
    else:
        pf: dict[str, Any] = {"productIds": list(product_ids)}
        if company_ids:
            pf["companyIds"] = list(company_ids)
        data = {"pf": pf}
    if comment:
        data["comment"] = comment
    event["data"] = data
    return _checked(event, check)


def request_fulfilled(
    *,
    source: str,
    request_event_id: str,
    footprints: list[dict[str, Any]],
    event_id: str | None = None,
    time: datetime | None = None,
    spec: str = "3",
    check: bool = True,
) -> dict[str, Any]:
    """A RequestFulfilled event answering ``request_event_id`` with ``footprints`` (>= 1)."""
    if not footprints:
        raise PactError(
            "RequestFulfilled には少なくとも1件の footprint が必要です", column="data.pfs"
        )
    event = _envelope("fulfilled", spec, source, event_id, time)
    event["data"] = {"requestEventId": request_event_id, "pfs": list(footprints)}
    return _checked(event, check)


def request_rejected(
    *,
    source: str,
    request_event_id: str,
    code: str,
    message: str,
    event_id: str | None = None,
    time: datetime | None = None,
    spec: str = "3",
    check: bool = True,
) -> dict[str, Any]:
    """A RequestRejected event refusing ``request_event_id``.

    ``code`` is one of BadRequest, AccessDenied, TokenExpired, NotFound, InternalError,
    NotImplemented (e.g. AccessDenied when no contract allows the disclosure).
    """
    event = _envelope("rejected", spec, source, event_id, time)
    event["data"] = {
        "requestEventId": request_event_id,
        "error": {"code": code, "message": message},
    }
    return _checked(event, check)


def parse_event(
    doc: Mapping[str, Any],
) -> RequestCreatedEvent | RequestFulfilledEvent | RequestRejectedEvent:
    """Read a request event (v3 or v2) into its model; ``PactError`` when invalid."""
    if not isinstance(doc, Mapping):
        raise PactError("イベントの JSON オブジェクトが必要です")
    model = _EVENT_MODELS.get(doc.get("type"))  # type: ignore[arg-type]
    if model is None:
        raise PactError(
            f"PACT のリクエストイベントではありません（type {doc.get('type')!r}）", column="type"
        )
    try:
        return model.model_validate(dict(doc), by_name=False)
    except ValidationError as err:
        problems = _problems(err)
        path, message = problems[0]
        more = f"（ほか {len(problems) - 1} 件）" if len(problems) > 1 else ""
        raise PactError(message + more, column=path) from None
