"""PACT documents: built, read and written back, and judged as the spec's own schema judges them.

The spec files are read from ../shared/pact/ (outside the project, see its README: they may not
be shipped); tests that need them skip where they are absent.
"""

import copy
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cntf_workbench.exchange import pact

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "pact"
PF_ID = "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"
T0 = datetime(2025, 5, 1, tzinfo=UTC)
KW = dict(
    company_name="モーター工業",
    company_id="urn:cntf:firm:MTR",
    product_id="urn:cntf:product:MTR:MT-300",
    product_name="MT-300",
    product_description="小型モーター 300 W",
    declared_unit="piece",
    product_mass_kg=2.1,
    period_start=datetime(2024, 4, 1, tzinfo=UTC),
    period_end=datetime(2025, 4, 1, tzinfo=UTC),
    created=T0,
    pf_id=PF_ID,
)


def _spec(version: str) -> dict:
    path = SPEC_DIR / f"openapi-v{version}.yaml"
    if not path.exists():
        pytest.skip(f"PACT spec {path} is not here")
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


_VALIDATORS: dict = {}


def spec_validator(version: str, name: str = "ProductFootprint"):
    """jsonschema validator for components.schemas[name] of the spec file (formats checked)."""
    key = (version, name)
    if key not in _VALIDATORS:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        uri = f"urn:pact:openapi-v{version}"
        resource = Resource.from_contents(_spec(version), default_specification=DRAFT202012)
        _VALIDATORS[key] = Draft202012Validator(
            {"$ref": f"{uri}#/components/schemas/{name}"},
            registry=Registry().with_resource(uri, resource),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
    return _VALIDATORS[key]


def doc(total=4.5, **over):
    return pact.from_footprint(total, **{**KW, **over})


BREAKDOWN = pd.DataFrame(
    {
        "label": ["材料", "加工", "鋼板", "巻線", "組立"],
        "kg_co2e": [3.0, 1.5, 2.0, 1.0, 1.5],
        "level": ["stage", "stage", "process", "process", "process"],
    }
)


# ---- building ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["3", "2"])
def test_built_documents_are_valid_against_the_spec(spec):
    unit = "piece" if spec == "3" else "kilogram"
    d = doc(
        spec=spec,
        declared_unit=unit,
        breakdown=BREAKDOWN,
        estimated=["鋼板"],
        primary_data_share=0.29,
        secondary_sources=[("IDEA", "3.4")],
    )
    assert pact.validate(d) == []
    errors = [e.message for e in spec_validator(spec).iter_errors(d)]
    assert errors == []
    assert isinstance(
        pact.load(d), pact.ProductFootprint if spec == "3" else pact.ProductFootprintV2
    )


def test_v3_values_and_assumptions():
    d = doc(primary_data_share=0.29, geography="JP-13")
    pcf = d["pcf"]
    assert d["specVersion"] == pact.SPEC_VERSION_V3
    assert d["id"] == PF_ID and d["created"] == "2025-05-01T00:00:00Z"
    assert pcf["pcfExcludingBiogenicUptake"] == pcf["fossilGhgEmissions"] == "4.5"
    assert pcf["pcfIncludingBiogenicUptake"] == "4.5"
    assert pcf["declaredUnitOfMeasurement"] == "piece" and pcf["declaredUnitAmount"] == "1"
    assert pcf["primaryDataShare"] == "29"  # percent, from a fraction
    assert pcf["geographyCountrySubdivision"] == "JP-13" and "geographyCountry" not in pcf
    assert pcf["ipccCharacterizationFactors"] == ["AR6"]
    assert pcf["crossSectoralStandards"] == ["ISO14067", "GHGP-Product"]
    assert pcf["exemptedEmissionsPercent"] == "0"
    assert d["comment"].count("(assumed)") >= 5
    assert "extensions" not in d  # no breakdown, nothing estimated


def test_v2_uses_v2_names():
    d = doc(spec="2", declared_unit="kg", primary_data_share=0.5)
    pcf = d["pcf"]
    assert d["specVersion"] == pact.SPEC_VERSION_V2 and d["version"] == 1
    assert d["productCategoryCpc"] == "unknown" and "productCategoryCpc" in d["comment"]
    assert pcf["pCfExcludingBiogenic"] == "4.5" and pcf["declaredUnit"] == "kilogram"
    assert pcf["primaryDataShare"] == 50.0 and pcf["exemptedEmissionsPercent"] == 0
    assert pcf["crossSectoralStandardsUsed"] == [
        "ISO Standard 14067",
        "GHG Protocol Product standard",
    ]
    assert pact.total(d) == 4.5


def test_time_zones_are_kept_and_naive_is_utc():
    jst = timezone(timedelta(hours=9))
    d = doc(period_start=datetime(2024, 4, 1, tzinfo=jst), period_end=datetime(2025, 4, 1))
    assert d["pcf"]["referencePeriodStart"] == "2024-04-01T00:00:00+09:00"
    assert d["pcf"]["referencePeriodEnd"] == "2025-04-01T00:00:00Z"


def test_breakdown_and_estimated_read_back():
    d = doc(breakdown=BREAKDOWN, estimated=["鋼板", "巻線"])
    frame = pact.breakdown(d)
    assert list(frame.columns) == ["label", "kg_co2e", "level"]
    assert frame["label"].tolist() == BREAKDOWN["label"].tolist()
    assert frame["kg_co2e"].tolist() == BREAKDOWN["kg_co2e"].tolist()
    assert frame.loc[frame["level"] == "stage", "kg_co2e"].sum() == pytest.approx(pact.total(d))
    assert pact.estimated(d) == ["鋼板", "巻線"]
    ext = d["extensions"][0]
    assert (
        ext["dataSchema"] == pact.BREAKDOWN_SCHEMA == "urn:cntf-workbench:extension:breakdown:1.0.0"
    )
    plain = doc()
    assert pact.breakdown(plain) is None and pact.estimated(plain) == []


def test_estimated_without_breakdown_still_makes_the_extension():
    d = doc(estimated=["鋼板"])
    assert pact.estimated(d) == ["鋼板"]
    assert pact.breakdown(d).empty


def test_the_model_checks_the_breakdown_extension():
    d = doc(breakdown=BREAKDOWN)
    d["extensions"][0]["data"]["rows"][0]["kgCo2e"] = 3.0  # a number, not a decimal string
    problems = pact.validate(d)
    assert problems[0].startswith("extensions[0].data.rows[0].kgCo2e: 文字列")
    d["extensions"][0]["data"]["rows"][0]["kgCo2e"] = "3"
    d["extensions"][0]["data"]["rows"][0]["level"] = "part"
    assert any("level" in p for p in pact.validate(d))


@pytest.mark.parametrize(
    ("over", "column", "pattern"),
    [
        ({"total": -1.0}, "pcf", "0 以上"),
        ({"total": float("nan")}, "pcf", "有限"),
        ({"declared_unit": "bushel"}, "declaredUnitOfMeasurement", "宣言単位"),
        ({"spec": "2"}, "declaredUnit", "piece"),  # v2.3 has no piece
        ({"unit_amount": 0.0}, "declaredUnitAmount", "0 より大きい"),
        ({"product_mass_kg": -2.0}, "productMassPerDeclaredUnit", "0 以上"),
        ({"period_end": datetime(2024, 1, 1, tzinfo=UTC)}, "referencePeriodEnd", "後"),
        ({"primary_data_share": 29.0}, "primaryDataShare", "0〜1"),
        ({"geography": "Japan"}, "geography", "国コード"),
        ({"company_id": "MTR"}, "companyIds[0]", "URN"),
        ({"pf_id": "not-a-uuid"}, "id", "UUID"),
        ({"breakdown": BREAKDOWN.assign(kg_co2e=[3.0, 1.0, 2.0, 1.0, 1.5])}, "breakdown", "一致"),
        ({"breakdown": BREAKDOWN.drop(columns="kg_co2e")}, "breakdown", "kg_co2e"),
        ({"spec": "4"}, "specVersion", "spec"),
    ],
)
def test_from_footprint_refuses_bad_values(over, column, pattern):
    over = dict(over)
    total = over.pop("total", 4.5)
    with pytest.raises(pact.PactError, match=pattern) as info:
        doc(total, **over)
    assert column in str(info.value)


def test_unbalanced_breakdown_allowed_when_asked():
    part = BREAKDOWN.iloc[:1]
    d = doc(breakdown=part, check_sum=False)
    assert pact.breakdown(d)["kg_co2e"].tolist() == [3.0]


# ---- decimals ------------------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
@settings(max_examples=300, deadline=None)
def test_decimal_str_is_a_pact_decimal_of_the_same_value(x):
    text = pact.decimal_str(x)
    assert re.fullmatch(r"[+-]?\d+(\.\d+)?", text)
    assert float(text) == x or (x == 0 and text == "0")
    assert Decimal(text) == Decimal(repr(x)) or x == 0


def test_decimal_str_examples():
    assert pact.decimal_str(1e-7) == "0.0000001"
    assert pact.decimal_str(5.0) == "5"
    assert pact.decimal_str(-0.0) == "0"
    assert pact.decimal_str(12) == "12"
    with pytest.raises(pact.PactError):
        pact.decimal_str(float("inf"))


# ---- load / dump ---------------------------------------------------------------------------


def test_round_trip_keeps_unknown_fields():
    d = doc(breakdown=BREAKDOWN)
    d["x-vendor"] = {"plant": "第2工場", "line": [1, 2]}
    d["pcf"]["futureField"] = "2.0"
    d["pcf"]["dqi"] = {
        "technologicalDQR": "2",
        "geographicalDQR": "1",
        "temporalDQR": "3",
        "note": "x",
    }
    d["extensions"].append(
        {"specVersion": "2.0.0", "dataSchema": "https://example.org/s.json", "data": {"a": None}}
    )
    pf = pact.load(d)
    assert pf.model_extra["x-vendor"]["plant"] == "第2工場"
    assert pact.dump(pf) == d
    assert pact.dump(d) == d  # a dict is validated first


def test_load_from_file_and_data_wrapper(tmp_path):
    d = doc()
    path = tmp_path / "pf.json"
    path.write_text(json.dumps({"data": d}, ensure_ascii=False), encoding="utf-8")
    pf = pact.load(path)
    assert pf.company_name == "モーター工業"
    out = tmp_path / "out.json"
    assert pact.dump(pf, out) == d
    text = out.read_text(encoding="utf-8")
    assert "モーター工業" in text and text.startswith("{\n  ")
    assert pact.load(str(out)).id == PF_ID


def test_load_errors_name_file_and_field(tmp_path):
    with pytest.raises(pact.PactError, match="ファイルがありません"):
        pact.load(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(pact.PactError, match="JSON") as info:
        pact.load(bad)
    assert "bad.json" in str(info.value)
    d = doc()
    d["pcf"]["declaredUnitAmount"] = "-1"
    with pytest.raises(pact.PactError, match="PositiveNonZeroDecimal") as info:
        pact.load(d)
    assert info.value.column == "pcf.declaredUnitAmount"
    assert "項目「pcf.declaredUnitAmount」" in str(info.value)
    with pytest.raises(pact.PactError, match="版"):
        pact.load({**doc(), "specVersion": "1.0.0"})
    with pytest.raises(pact.PactError):
        pact.load([1, 2])


def test_to_bytes_is_canonical():
    a = {"b": 1, "a": ["モ", 2.5]}
    assert pact.to_bytes(a) == '{"a":["モ",2.5],"b":1}'.encode()
    assert pact.to_bytes(dict(reversed(list(a.items())))) == pact.to_bytes(a)
    with pytest.raises(pact.PactError):
        pact.to_bytes({"x": float("nan")})


# ---- our model and the spec's schema judge alike ------------------------------------------


def _set(d, path, value):
    *parents, last = path
    target = d
    for p in parents:
        target = target[p]
    if value is _DELETE:
        target.pop(last, None)
    else:
        target[last] = value


_DELETE = object()

MUTATIONS_V3 = [
    (("id",), [_DELETE, "f4b1225a", "F4B1225A-BD44-4C8E-861D-079E4E1DFD69", 12]),
    (("specVersion",), ["3.0", "3.0.0-20250101", "3.1.0", "3.0.0-2025"]),
    (
        ("created",),
        [
            _DELETE,
            "2025-05-01",
            "2025-05-01T00:00:00",
            "2025-02-30T00:00:00Z",
            "2025-05-01t10:00:00z",
            "2025-05-01T10:00:00.123+09:00",
        ],
    ),
    (("status",), ["active", "Deprecated", None]),
    (("companyName",), [_DELETE, "", "X"]),
    (("companyIds",), [[], ["MTR"], ["URN:x"], ["urn:a", "urn:a"], "urn:a", ["urn:a", "urn:b"]]),
    (("productIds", 0), ["urn:", "isbn:123", 5]),
    (("productNameCompany",), [_DELETE, ""]),
    (("productDescription",), [_DELETE, ""]),
    (("precedingPfIds",), [[], [PF_ID], [PF_ID, PF_ID], ["x"]]),
    (("productClassifications",), [[], ["urn:pact:productclassification:un-cpc:1234"]]),
    (("validityPeriodStart",), ["2026-01-01T00:00:00Z", "tomorrow"]),
    (("comment",), [5, "ok"]),
    (("pcf", "declaredUnitOfMeasurement"), [_DELETE, "kg", "megabit second", "Piece"]),
    (("pcf", "declaredUnitAmount"), ["0", "1.5", "-2.5", "abc", " 1", 1, "+2"]),
    (("pcf", "productMassPerDeclaredUnit"), [_DELETE, "-1", "0", "x", 2.1]),
    (("pcf", "fossilGhgEmissions"), ["-1", "0", "2.5", "-2.5", "", True]),
    (("pcf", "fossilCarbonContent"), [_DELETE, "-0.5", "0.0"]),
    (("pcf", "biogenicCO2Uptake"), ["-1", "0", "1", "2.5", "-2.5", "abc"]),
    (("pcf", "pcfExcludingBiogenicUptake"), [_DELETE, "-14.22", "5.14", "5,14"]),
    (("pcf", "exemptedEmissionsPercent"), [_DELETE, "5.3", 0, "-1"]),
    (("pcf", "primaryDataShare"), ["29", 29, None]),
    (("pcf", "geographyCountry"), ["jp", "JPN", "DE", _DELETE]),
    (("pcf", "geographyRegionOrSubregion"), ["Eastern Asia", "Asia-Pacific"]),
    (("pcf", "geographyCountrySubdivision"), ["JP-13", "JP_13"]),
    (
        ("pcf", "ipccCharacterizationFactors"),
        [[], ["AR6", "AR6"], ["AR5", "AR6"], ["ar6"], ["AR6.1"]],
    ),
    (("pcf", "crossSectoralStandards"), [[], ["ISO14067", "ISO14067"], ["Anything-New"]]),
    (("pcf", "packagingEmissionsIncluded"), ["false", True, 0]),
    (("pcf", "ccuCalculationApproach"), ["Cut-off", "cutoff"]),
    (("pcf", "ccuCreditCertification"), ["https://example.org/cert", "not a uri", "relative/path"]),
    (
        ("pcf", "productOrSectorSpecificRules"),
        [
            [],
            [{"operator": "PEF", "ruleNames": ["PEF 1.0"]}],
            [{"operator": "PCR", "ruleNames": ["x"]}],
            [{"operator": "Other", "ruleNames": []}],
        ],
    ),
    (
        ("pcf", "secondaryEmissionFactorSources"),
        [
            [],
            [{"name": "IDEA", "version": "3.4"}],
            [{"name": "", "version": "1"}],
            [{"name": "IDEA"}],
        ],
    ),
    (
        ("pcf", "dqi"),
        [
            {"technologicalDQR": "2", "geographicalDQR": "1", "temporalDQR": "3"},
            {"technologicalDQR": 2, "geographicalDQR": "1", "temporalDQR": "3"},
            {"technologicalDQR": "2"},
        ],
    ),
    (
        ("pcf", "verification"),
        [
            {},
            {"coverage": "PCF program", "completedAt": "2025-04-08T14:47:32Z"},
            {"coverage": "all"},
        ],
    ),
    (
        ("extensions",),
        [
            [],
            [{"specVersion": "2.0.0", "dataSchema": "https://x.org/s", "data": {}}],
            [{"specVersion": "2.0.0", "data": {}}],
            [{"specVersion": "2.0.0", "dataSchema": "no scheme", "data": {}}],
            [{"specVersion": "2.0.0", "dataSchema": "urn:x", "data": []}],
        ],
    ),
]


def _agree(version, d):
    ours = pact.validate(d) == []
    theirs = spec_validator(version).is_valid(d)
    return ours, theirs


@pytest.mark.parametrize(
    ("path", "values"),
    MUTATIONS_V3,
    ids=lambda x: ".".join(map(str, x)) if isinstance(x, tuple) else "",
)
def test_each_mutation_is_judged_like_the_spec(path, values):
    base = doc()
    for value in values:
        d = copy.deepcopy(base)
        _set(d, path, value)
        ours, theirs = _agree("3", d)
        assert ours == theirs, (path, value, pact.validate(d))


@st.composite
def mutated(draw):
    d = doc(breakdown=BREAKDOWN)
    for _ in range(draw(st.integers(1, 3))):
        path, values = draw(st.sampled_from(MUTATIONS_V3))
        _set(d, path, copy.deepcopy(draw(st.sampled_from(values))))
    return d


@given(mutated())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_combined_mutations_are_judged_like_the_spec(d):
    ours, theirs = _agree("3", d)
    assert ours == theirs, pact.validate(d)


def test_ours_is_stricter_where_the_spec_pattern_is_loose():
    # The spec's PositiveNonZeroDecimal pattern ^[+]?(…)(\.\d+)?|(0+\.\d*[1-9]\d*)$ is an
    # unanchored alternative: "-0.5" passes it. By its meaning ("> 0") it must not.
    d = doc()
    d["pcf"]["declaredUnitAmount"] = "-0.5"
    assert pact.validate(d) and "declaredUnitAmount" in pact.validate(d)[0]
    assert spec_validator("3").is_valid(d)  # documents the looseness; fails once the spec is fixed
    d["pcf"]["declaredUnitAmount"] = "1e3"  # the same pattern matches the prefix "1"
    assert pact.validate(d)
    d = doc()
    d["pcf"]["biogenicCO2Uptake"] = "10"  # NegativeOrZeroDecimal's pattern also matches "10"
    assert pact.validate(d)
    d = doc(spec="2", declared_unit="kg")
    d["version"] = 2**31  # format int32, which jsonschema does not check
    assert pact.validate(d)


def test_mutations_name_the_field():
    d = doc()
    del d["pcf"]["fossilGhgEmissions"]
    d["status"] = "Live"
    problems = pact.validate(d)
    assert any(p.startswith("pcf.fossilGhgEmissions: 必須") for p in problems)
    assert any(p.startswith("status: 次のどれか") for p in problems)
    assert not spec_validator("3").is_valid(d)
    d = doc()
    d["pcf"]["geographyRegionOrSubregion"] = "Eastern Asia"  # next to geographyCountry JP
    problems = pact.validate(d)
    assert len(problems) == 1 and problems[0].startswith("pcf: ") and "高々1つ" in problems[0]
    assert not spec_validator("3").is_valid(d)


V2_MUTATIONS = [
    (("version",), [_DELETE, -1, 1.5, 0, True]),
    (("comment",), [_DELETE, ""]),
    (("productCategoryCpc",), [_DELETE, "", "4631"]),
    (("updated",), ["2025-06-01T00:00:00Z", "June"]),
    (("pcf", "declaredUnit"), ["piece", "kilogram", _DELETE]),
    (("pcf", "characterizationFactors"), ["AR4", "AR5", _DELETE]),
    (("pcf", "crossSectoralStandardsUsed"), [["ISO Standard 14044"], ["ISO14067"], []]),
    (("pcf", "crossSectoralStandards"), [["PAS2050"], ["PEF"], _DELETE]),
    (("pcf", "exemptedEmissionsPercent"), ["0", -1, 100, 100.5, True]),
    (("pcf", "primaryDataShare"), [50, "50", 101]),
    (("pcf", "packagingEmissionsIncluded"), [_DELETE, "no"]),
    (("pcf", "biogenicAccountingMethodology"), ["GHGP", "IPCC"]),
    (
        ("pcf", "dqi"),
        [
            {
                "coveragePercent": 80,
                "technologicalDQR": 1.6,
                "temporalDQR": 2,
                "geographicalDQR": 3,
                "completenessDQR": 1,
                "reliabilityDQR": 2,
            },
            {
                "coveragePercent": 80,
                "technologicalDQR": 4,
                "temporalDQR": 2,
                "geographicalDQR": 3,
                "completenessDQR": 1,
                "reliabilityDQR": 2,
            },
            {"technologicalDQR": "2"},
        ],
    ),
    (
        ("pcf", "assurance"),
        [
            {"assurance": True, "providerName": "監査法人"},
            {"assurance": True},
            {"assurance": "yes", "providerName": "x"},
            {"assurance": False, "providerName": "x", "level": "full"},
        ],
    ),
]


@pytest.mark.parametrize(
    ("path", "values"),
    V2_MUTATIONS,
    ids=lambda x: ".".join(map(str, x)) if isinstance(x, tuple) else "",
)
def test_v2_mutations_are_judged_like_the_spec(path, values):
    base = doc(spec="2", declared_unit="kg")
    for value in values:
        d = copy.deepcopy(base)
        _set(d, path, value)
        ours = pact.validate(d) == []
        assert ours == spec_validator("2").is_valid(d), (path, value, pact.validate(d))


@pytest.mark.parametrize("spec", ["3", "2"])
def test_the_spec_s_own_property_examples(spec):
    """Each example the spec gives for a property, put into a valid document: same verdict."""
    schemas = _spec(spec)["components"]["schemas"]
    base = doc(spec=spec, declared_unit="kg")
    checked = 0
    for where, schema in (("", schemas["ProductFootprint"]), ("pcf", schemas["CarbonFootprint"])):
        for prop, sub in schema["properties"].items():
            examples = [*sub.get("examples", []), *([sub["example"]] if "example" in sub else [])]
            for example in examples:
                if prop == "specVersion" and not str(example).startswith(spec):
                    continue  # the version decides which model reads it
                d = copy.deepcopy(base)
                target = d["pcf"] if where else d
                if prop.startswith("geography"):
                    for g in (
                        "geographyCountry",
                        "geographyRegionOrSubregion",
                        "geographyCountrySubdivision",
                    ):
                        target.pop(g, None)
                target[prop] = example
                ours = pact.validate(d) == []
                assert ours == spec_validator(spec).is_valid(d), (prop, example, pact.validate(d))
                if ours:
                    assert pact.dump(pact.load(d)) == d
                checked += 1
    assert checked >= 15


# ---- generated valid documents -------------------------------------------------------------

_dec = st.decimals(
    min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False
).map(lambda x: format(x, "f"))
_neg = _dec.map(lambda s: s if s.strip("0.") == "" else "-" + s)
_dt = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.isoformat().replace("+00:00", "Z"))
_urn = st.from_regex(r"urn:[a-z]{1,8}:[A-Za-z0-9:.\-]{1,20}", fullmatch=True)
_text = st.text(max_size=20)

_OPTIONAL_PCF = {
    "boundaryProcessesDescription": _text,
    "biogenicCarbonContent": _dec,
    "recycledCarbonContent": _dec,
    "landUseChangeGhgEmissions": _dec,
    "landManagementBiogenicCO2Removals": _neg,
    "biogenicCO2Uptake": _neg,
    "aircraftGhgEmissions": _dec,
    "packagingEmissionsIncluded": st.booleans(),
    "packagingGhgEmissions": _dec,
    "ccsTechnologicalCO2Capture": _neg,
    "ccuCalculationApproach": st.sampled_from(["Cut-off", "Credit"]),
    "primaryDataShare": _dec,
    "allocationRulesDescription": _text,
    "dqi": st.fixed_dictionaries(
        {"technologicalDQR": _dec, "geographicalDQR": _dec, "temporalDQR": _dec}
    ),
    "verification": st.fixed_dictionaries({}, optional={"providerName": _text, "completedAt": _dt}),
    "x-unknown": st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
}


@st.composite
def valid_v3(draw):
    pcf = {
        "declaredUnitOfMeasurement": draw(
            st.sampled_from(["liter", "kilogram", "piece", "kilowatt hour"])
        ),
        "declaredUnitAmount": draw(_dec.filter(lambda s: Decimal(s) > 0)),
        "productMassPerDeclaredUnit": draw(_dec),
        "referencePeriodStart": draw(_dt),
        "referencePeriodEnd": draw(_dt),
        "pcfExcludingBiogenicUptake": draw(_dec),
        "pcfIncludingBiogenicUptake": draw(_dec | _neg),
        "fossilGhgEmissions": draw(_dec),
        "fossilCarbonContent": draw(_dec),
        "ipccCharacterizationFactors": draw(
            st.lists(st.sampled_from(["AR4", "AR5", "AR6"]), min_size=1, unique=True)
        ),
        "crossSectoralStandards": draw(
            st.lists(
                st.sampled_from(["ISO14067", "GHGP-Product", "PACT-3.0", "PAS2050"]),
                min_size=1,
                unique=True,
            )
        ),
        "exemptedEmissionsPercent": draw(_dec),
    }
    for name in draw(st.lists(st.sampled_from(sorted(_OPTIONAL_PCF)), unique=True, max_size=8)):
        pcf[name] = draw(_OPTIONAL_PCF[name])
    geo = draw(
        st.sampled_from(
            [
                None,
                ("geographyCountry", "JP"),
                ("geographyRegionOrSubregion", "Eastern Asia"),
                ("geographyCountrySubdivision", "JP-27"),
            ]
        )
    )
    if geo:
        pcf[geo[0]] = geo[1]
    d = {
        "id": str(draw(st.uuids())),
        "specVersion": "3.0.0",
        "created": draw(_dt),
        "status": draw(st.sampled_from(["Active", "Deprecated"])),
        "companyName": draw(st.text(min_size=1, max_size=10)),
        "companyIds": draw(st.lists(_urn, min_size=1, max_size=3, unique=True)),
        "productDescription": draw(_text),
        "productIds": draw(st.lists(_urn, min_size=1, max_size=3, unique=True)),
        "productNameCompany": draw(st.text(min_size=1, max_size=10)),
        "pcf": pcf,
    }
    if draw(st.booleans()):
        d["extensions"] = [
            {
                "specVersion": "2.0.0",
                "dataSchema": "https://example.org/x.json",
                "data": {"k": draw(_text)},
            }
        ]
    if draw(st.booleans()):
        d["comment"] = draw(_text)
    return d


@given(valid_v3())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_valid_documents_round_trip(d):
    assert pact.validate(d) == []
    assert spec_validator("3").is_valid(d)
    assert pact.dump(pact.load(d)) == d
    assert json.loads(pact.to_bytes(pact.dump(pact.load(d)))) == d


@given(
    total=st.floats(0, 1e6, allow_nan=False),
    mass=st.floats(0, 1e4, allow_nan=False),
    amount=st.floats(1e-3, 1e3, allow_nan=False),
    share=st.none() | st.floats(0, 1),
    spec=st.sampled_from(["3", "2"]),
)
@settings(max_examples=60, deadline=None)
def test_from_footprint_is_always_valid_and_keeps_the_total(total, mass, amount, share, spec):
    d = doc(
        total,
        spec=spec,
        declared_unit="kg",
        product_mass_kg=mass,
        unit_amount=amount,
        primary_data_share=share,
    )
    assert pact.validate(d) == []
    assert spec_validator(spec).is_valid(d)
    # v3 states the PCF per declaredUnitAmount units, v2.3 per one declared unit
    assert pact.total(d) == (total if spec == "3" else pytest.approx(total / amount, rel=1e-12))
    assert pact.dump(pact.load(d)) == d


# ---- events --------------------------------------------------------------------------------

REQ = "1934405d-4f9b-4b3b-9c05-bc3568f80001"


@pytest.mark.parametrize("spec", ["3", "2"])
def test_events_are_valid_against_the_spec(spec):
    pf = doc(spec=spec, declared_unit="kg")
    created = pact.request_created(
        source="urn:cntf:firm:ASM",
        product_ids=[KW["product_id"]],
        company_ids=[KW["company_id"]],
        event_id=REQ,
        time=T0,
        comment="年次の依頼",
        spec=spec,
    )
    fulfilled = pact.request_fulfilled(
        source="urn:cntf:firm:MTR",
        request_event_id=REQ,
        footprints=[pf],
        event_id="e2",
        time=T0,
        spec=spec,
    )
    rejected = pact.request_rejected(
        source="urn:cntf:firm:MTR",
        request_event_id=REQ,
        code="AccessDenied",
        message="契約がありません",
        event_id="e3",
        time=T0,
        spec=spec,
    )
    for event, name in (
        (created, "RequestCreatedEvent"),
        (fulfilled, "RequestFulfilledEvent"),
        (rejected, "RequestRejectedEvent"),
    ):
        assert [e.message for e in spec_validator(spec, name).iter_errors(event)] == []
        assert pact.validate(event) == []
        model = pact.parse_event(event)
        assert type(model).__name__ == name and model.spec == spec
        assert pact.dump(model) == event
    assert created["id"] == REQ and created["time"] == "2025-05-01T00:00:00Z"
    assert pact.parse_event(fulfilled).data.request_event_id == REQ
    assert pact.parse_event(fulfilled).footprints()[0].id == PF_ID
    assert pact.parse_event(rejected).data.error.code == "AccessDenied"
    if spec == "3":
        assert created["type"] == "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
        assert created["data"]["productId"] == [KW["product_id"]]


def test_events_are_deterministic_when_told():
    a = pact.request_created(source="urn:s", product_ids=["urn:p"], event_id="e1", time=T0)
    b = pact.request_created(source="urn:s", product_ids=["urn:p"], event_id="e1", time=T0)
    assert pact.to_bytes(a) == pact.to_bytes(b)
    c = pact.request_created(source="urn:s", product_ids=["urn:p"])
    assert c["id"] != a["id"]


def test_bad_events_are_refused():
    with pytest.raises(pact.PactError, match=r"code|次のどれか"):
        pact.request_rejected(source="urn:s", request_event_id=REQ, code="NoContract", message="x")
    with pytest.raises(pact.PactError, match="少なくとも1件"):
        pact.request_fulfilled(source="urn:s", request_event_id=REQ, footprints=[])
    with pytest.raises(pact.PactError, match="製品 ID"):
        pact.request_created(source="urn:s", product_ids=[])
    good = pact.request_fulfilled(source="urn:s", request_event_id=REQ, footprints=[doc()])
    broken = copy.deepcopy(good)
    del broken["data"]["pfs"][0]["pcf"]["fossilGhgEmissions"]
    with pytest.raises(pact.PactError) as info:
        pact.parse_event(broken)
    assert "fossilGhgEmissions" in str(info.value)
    assert not spec_validator("3", "RequestFulfilledEvent").is_valid(broken)
    with pytest.raises(pact.PactError, match="type"):
        pact.parse_event({**good, "type": "com.example.Other"})
    no_time = {k: v for k, v in good.items() if k != "time"}
    with pytest.raises(pact.PactError) as info:
        pact.parse_event(no_time)
    assert info.value.column == "time"
    assert pact.validate(no_time) and not spec_validator("3", "RequestFulfilledEvent").is_valid(
        no_time
    )


@pytest.mark.parametrize("spec", ["3", "2"])
def test_round_trip_keeps_the_bytes_so_signatures_survive(spec):
    """dump(load(x)) gives the same canonical bytes (0 stays 0, not 0.0), so a signed document
    written by ``dump`` still verifies."""
    from cntf_workbench.exchange import export, signing

    d = export.cooker_document(spec=spec)
    again = pact.dump(pact.load(d))
    assert pact.to_bytes(again) == pact.to_bytes(d)
    signing.verify(again)
