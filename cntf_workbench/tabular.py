"""Read a CSV and check it against a Frictionless table schema (the subset this project uses).

Types ``string``, ``number``, ``integer``, ``boolean``; constraints ``required``, ``unique``,
``minimum``, ``maximum``, ``enum``; ``primaryKey``. Every problem names the file, the 1-based data
row and the column. The input file is only read, never written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from cntf_workbench.errors import DataError

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def load_schema(datapackage: Path, resource: str) -> dict[str, Any]:
    """Return the ``schema`` of ``resource`` in a ``datapackage.json``."""
    pkg = json.loads(Path(datapackage).read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        if res["name"] == resource:
            return res["schema"]
    raise DataError(f"データパッケージに「{resource}」がありません", file=datapackage)


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV as strings, UTF-8 (with or without BOM), falling back to cp932."""
    path = Path(path)
    if not path.is_file():
        raise DataError("ファイルが見つかりません", file=path)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=encoding, skipinitialspace=True
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as exc:
            raise DataError(f"CSV として読めません: {exc}", file=path) from exc
        except pd.errors.EmptyDataError as exc:
            raise DataError("ファイルが空です", file=path) from exc
    raise DataError("文字コードを UTF-8 / cp932 として読めません", file=path)


def _cast(value: str, ftype: str) -> Any:
    if ftype == "number":
        out = float(value)
        if not math.isfinite(out):
            raise ValueError(value)
        return out
    if ftype == "integer":
        as_float = float(value)
        if not as_float.is_integer():
            raise ValueError(value)
        return int(as_float)
    if ftype == "boolean":
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(value)
    return value


_EXPECT = {"number": "数値", "integer": "整数", "boolean": "true/false", "string": "文字列"}


def validate(frame: pd.DataFrame, schema: dict[str, Any], file: str | Path) -> pd.DataFrame:
    """Cast a string table to the schema's types and check its constraints.

    Parameters
    ----------
    frame : pandas.DataFrame
        All cells as strings (as ``read_csv`` returns them).
    schema : dict
        A Frictionless table schema.
    file : str or Path
        Named in errors.

    Returns
    -------
    pandas.DataFrame
        Typed columns, in the schema's order; empty optional cells become missing values.

    Raises
    ------
    DataError
        The first problem found, with file, row (1-based, below the header) and column.
    """
    fields = schema["fields"]
    missing = [f["name"] for f in fields if f["name"] not in frame.columns]
    if missing:
        raise DataError(
            f"必要な列「{missing[0]}」がありません（必要な列: {', '.join(f['name'] for f in fields)}）",
            file=file,
            column=missing[0],
        )
    out: dict[str, list[Any]] = {}
    for f in fields:
        name, ftype = f["name"], f.get("type", "string")
        cons = f.get("constraints", {})
        values: list[Any] = []
        for i, raw in enumerate(frame[name].tolist(), start=1):
            text = "" if raw is None else str(raw).strip()
            if text == "":
                if cons.get("required"):
                    raise DataError("値が空です（必須の列）", file=file, row=i, column=name)
                values.append(None)
                continue
            try:
                value = _cast(text, ftype)
            except ValueError:
                raise DataError(
                    f"「{text}」は{_EXPECT.get(ftype, ftype)}ではありません",
                    file=file,
                    row=i,
                    column=name,
                ) from None
            if "minimum" in cons and value < cons["minimum"]:
                raise DataError(
                    f"{value} は最小値 {cons['minimum']} より小さい値です",
                    file=file,
                    row=i,
                    column=name,
                )
            if "maximum" in cons and value > cons["maximum"]:
                raise DataError(
                    f"{value} は最大値 {cons['maximum']} より大きい値です",
                    file=file,
                    row=i,
                    column=name,
                )
            if "enum" in cons and value not in cons["enum"]:
                allowed = ", ".join(str(v) for v in cons["enum"])
                raise DataError(
                    f"「{text}」は使えません（{allowed} のいずれか）", file=file, row=i, column=name
                )
            values.append(value)
        if cons.get("unique"):
            seen: dict[Any, int] = {}
            for i, v in enumerate(values, start=1):
                if v in seen:
                    raise DataError(
                        f"「{v}」が{seen[v]}行目と重複しています", file=file, row=i, column=name
                    )
                seen[v] = i
        out[name] = values
    typed = pd.DataFrame(out, index=range(len(frame)))
    for f in fields:
        if f.get("type") == "number":
            typed[f["name"]] = typed[f["name"]].astype(float)
        elif f.get("type") == "integer":
            typed[f["name"]] = typed[f["name"]].astype("Int64")
    key = schema.get("primaryKey")
    if key:
        dup = typed.duplicated(subset=key, keep="first")
        if dup.any():
            row = int(dup.to_numpy().nonzero()[0][0]) + 1
            raise DataError(
                f"キー（{', '.join(key)}）が重複しています", file=file, row=row, column=key[-1]
            )
    return typed


def load_table(path: str | Path, schema: dict[str, Any]) -> pd.DataFrame:
    """Read ``path`` and validate it against ``schema`` (see ``validate``)."""
    return validate(read_csv(path), schema, path)
