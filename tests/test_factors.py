import pandas as pd
import pytest

from cntf_workbench.errors import DataError, FactorError
from cntf_workbench.factors import FactorTable, load_factors

REQUIRED = {
    "electricity",
    "city_gas",
    "lpg",
    "diesel",
    "gasoline",
    "heavy_oil_a",
}


def test_every_row_has_source_unit_region_year(factors):
    frame = factors.frame
    for col in ("id", "activity", "value", "unit", "region", "year", "source"):
        assert frame[col].notna().all(), col
        assert (frame[col].astype(str).str.strip() != "").all(), col


def test_required_activities_and_one_default_each(factors):
    assert REQUIRED <= set(factors.frame["activity"])
    for act in REQUIRED:
        assert factors.default(act).activity == act


def test_city_gas_current_and_old_labelled(factors):
    gas = factors.for_activity("city_gas").set_index("id")
    assert set(gas["value"]) >= {2.05, 2.23}
    assert gas["source"].str.len().min() > 10


def test_electricity_has_national_substitute_and_utilities(factors):
    elec = factors.for_activity("electricity")
    assert elec["region"].str.contains("national").any()
    assert elec["region"].str.contains("substitute").any()
    assert elec["kind"].eq("disclosed").sum() >= 2


def test_teaching_values_are_labelled_assumed(factors):
    materials = factors.frame[factors.frame["activity"].str.startswith("material:")]
    assert len(materials) >= 3
    assert materials["assumed"].all()
    assert materials["source"].str.contains("assumed").all()


def test_missing_factor_names_it(factors):
    with pytest.raises(FactorError, match="no_such_factor"):
        factors.get("no_such_factor")


def test_resolve_checks_activity(factors):
    with pytest.raises(FactorError, match="city_gas"):
        factors.resolve("electricity", "city_gas_jp_2024")


def test_with_value_is_assumed(factors):
    f = factors.default("electricity").with_value(0.3)
    assert f.assumed and f.kind == "assumed" and f.value == 0.3


def test_broken_factor_file_names_row(tmp_path):
    src = load_factors().frame.copy()
    path = tmp_path / "f.csv"
    rows = src.astype(str)
    rows.loc[2, "value"] = "zero point four"
    rows.to_csv(path, index=False, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_factors(path)
    assert err.value.row == 3 and err.value.column == "value"


def test_two_defaults_rejected():
    frame = load_factors().frame.copy()
    frame.loc[frame["activity"] == "electricity", "default"] = True
    with pytest.raises(FactorError, match="既定"):
        FactorTable(frame)


def test_bad_unit_rejected():
    frame = load_factors().frame.copy()
    frame.loc[0, "unit"] = "kWh"
    with pytest.raises(FactorError) as err:
        FactorTable(frame, source="x.csv")
    assert err.value.row == 1


def test_no_factor_literals_in_cfp_code():
    """No emission-factor value of the table is a numeric literal in the calculation code."""
    import ast
    from pathlib import Path

    import cntf_workbench

    # non-integer values only: integers (range(3), / 2) are too common to tell apart
    root = Path(cntf_workbench.__file__).parent
    tables = [load_factors(), load_factors(root.parent / "data" / "factors" / "end_of_life.csv")]
    values = {float(v) for t in tables for v in t.frame["value"] if not float(v).is_integer()}
    # exchange/network.py is left out: its synthetic generator's draw probabilities (0.7, 0.6 …)
    # are parameters of the random network, not factors, and coincide with factor values
    exchange = [p for p in root.glob("exchange/*.py") if p.name != "network.py"]
    code = [*root.glob("cfp/*.py"), *exchange, root / "trace.py"]
    for path in [*code, root / "factors.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        numbers = {
            float(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, float)
        }
        assert not (numbers & values), (path.name, numbers & values)


def test_frame_is_a_dataframe(factors):
    assert isinstance(factors.frame, pd.DataFrame) and len(factors) == len(factors.frame)


def test_choices_label_every_factor_of_an_activity(factors):
    ids = [i for _, i in factors.choices("electricity")]
    assert ids == factors.for_activity("electricity")["id"].tolist()
    nonzero = [i for _, i in factors.choices("electricity", exclude_zero=True)]
    assert all(factors.get(i).value > 0 for i in nonzero) and len(nonzero) < len(ids)
    label = dict((i, label) for label, i in factors.choices("city_gas"))["city_gas_jp_2006"]
    assert label.startswith("2.23 kg-CO2e/Nm3")
