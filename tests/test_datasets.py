import hashlib
import shutil

import pytest

from cntf_workbench import datasets
from cntf_workbench.errors import DataError


def test_load_seminar_tables(seminar):
    assert len(seminar.routing) == 5 and len(seminar.bom) == 5 and len(seminar.boe) == 5
    assert seminar.slide_total("routing_per_lot") == 1.68
    assert seminar.slide_total("bom_per_unit") == 46.4
    assert seminar.slide_total("boe_total") == 3493


def test_every_row_has_provenance(seminar):
    for name in datasets.SEMINAR_TABLES:
        frame = getattr(seminar, name)
        col = "provenance" if "provenance" in frame.columns else "source"
        assert frame[col].str.len().gt(0).all(), name


def test_assumed_masses_say_so(seminar):
    assert (seminar.bom["mass_provenance"] == "assumed").all()
    assert (seminar.products["provenance"] == "assumed").all()


def test_datapackage_describes_every_column():
    import json

    pkg = json.loads((datasets.seminar_dir() / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        header = (datasets.seminar_dir() / res["path"]).read_text(encoding="utf-8").splitlines()[0]
        names = [f["name"] for f in res["schema"]["fields"]]
        assert header.split(",") == names, res["name"]
        assert all(f.get("description") for f in res["schema"]["fields"]), res["name"]


def _copy(tmp_path):
    folder = tmp_path / "seminar"
    shutil.copytree(datasets.seminar_dir(), folder)
    return folder


@pytest.mark.parametrize(
    "table, old, new, row, column",
    [
        (
            "routing",
            "筐体,20,3,溶接,welding,ロボット,14,",
            "筐体,20,3,溶接,welding,ロボット,十四,",
            3,
            "time_min",
        ),
        ("bom", "電子調理器,モーター,motor,3,", "電子調理器,モーター,motor,-3,", 2, "quantity"),
        (
            "boe",
            "電気炉,electric furnace,electricity,1845,kWh",
            "電気炉,electric furnace,electricity,1845,kWx",
            4,
            "unit",
        ),
        (
            "routing",
            "筐体,20,5,組立,assembly,手作業（組立）",
            "筐体,20,5,組立,assembly,謎の設備",
            5,
            "resource",
        ),
        ("resources", "measured,electricity,2,,", "guessed,electricity,2,,", 1, "data_kind"),
    ],
)
def test_broken_row_is_named(tmp_path, table, old, new, row, column):
    folder = _copy(tmp_path)
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DataError) as err:
        datasets.load_seminar(folder)
    assert err.value.row == row and err.value.column == column
    assert path.name in str(err.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # input untouched


def test_missing_column(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "bom.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(ln.rsplit(",", 1)[0] for ln in lines), encoding="utf-8")
    with pytest.raises(DataError, match="provenance"):
        datasets.load_seminar(folder)


def test_cp932_file_is_read(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "bom.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    assert len(datasets.load_seminar(folder).bom) == 5


def test_duplicate_key(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="重複") as err:
        datasets.load_seminar(folder)
    assert err.value.row == 4
