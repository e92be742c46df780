import pandas as pd
import pytest

from cntf_workbench import tabular
from cntf_workbench.errors import DataError

SCHEMA = {
    "primaryKey": ["id"],
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "n", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "x", "type": "number", "constraints": {"maximum": 10}},
        {"name": "flag", "type": "boolean"},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
    ],
}


def frame(**overrides):
    row = {"id": "r1", "n": "2", "x": "1.5", "flag": "true", "kind": "a"}
    row.update(overrides)
    return pd.DataFrame([row, {"id": "r2", "n": "3", "x": "2", "flag": "FALSE", "kind": "b"}])


def test_types_are_cast():
    out = tabular.validate(frame(), SCHEMA, "t.csv")
    assert out["n"].tolist() == [2, 3] and out["x"].tolist() == [1.5, 2.0]
    assert out["flag"].tolist() == [True, False]


def test_optional_empty_cell_is_missing():
    out = tabular.validate(frame(x=""), SCHEMA, "t.csv")
    assert pd.isna(out["x"].iloc[0])


@pytest.mark.parametrize(
    "column, value, word",
    [
        ("n", "1.5", "整数"),
        ("n", "0", "最小値"),
        ("x", "11", "最大値"),
        ("x", "inf", "数値"),
        ("flag", "maybe", "true/false"),
        ("kind", "c", "a, b"),
        ("id", "", "空"),
        ("id", "r2", "重複"),
    ],
)
def test_each_problem_names_row_and_column(column, value, word):
    with pytest.raises(DataError, match=word) as err:
        tabular.validate(frame(**{column: value}), SCHEMA, "t.csv")
    assert err.value.column == column
    assert err.value.row in (1, 2)
    assert "t.csv" in str(err.value)


def test_missing_file():
    with pytest.raises(DataError, match="見つかりません"):
        tabular.read_csv("no/such/file.csv")


def test_empty_file(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="空"):
        tabular.read_csv(path)


def test_error_message_is_one_line():
    err = DataError("値が空です", file="a.csv", row=3, column="x")
    assert str(err) == "データエラー: 値が空です（ファイル a.csv, データ3行目, 列「x」）"
    assert "\n" not in str(err)
