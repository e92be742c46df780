import warnings

import matplotlib.pyplot as plt

from cntf_workbench import viz
from cntf_workbench.cfp import product_footprint, routing_footprint


def _savefig_without_missing_glyphs(fig, path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, dpi=60)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert path.stat().st_size > 5000


def test_waterfall_renders_japanese(tmp_path, seminar, factors):
    fp = product_footprint(seminar, factors)
    fig = viz.waterfall(fp, by="stage")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[-1] == "合計" and "部品調達" in labels
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert abs(heights[-1] - fp.total) < 1e-9
    _savefig_without_missing_glyphs(fig, tmp_path / "waterfall.png")
    plt.close(fig)


def test_contribution_bar(tmp_path, seminar):
    fp = routing_footprint(seminar.routing, seminar.resources)
    fig = viz.contribution_bar(fp.by("stage"), title="工程別の排出量")
    _savefig_without_missing_glyphs(fig, tmp_path / "bar.png")
    plt.close(fig)


def test_font_survives_later_setup():
    viz.setup("ticks")
    assert plt.rcParams["font.family"][0] == viz.FONT


def test_glyph_check_can_fail(tmp_path):
    """Without the Japanese font, kanji are boxes and the check above must see it."""
    import pytest

    with plt.rc_context({"font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots()
        ax.set_title("工程別の排出量")
        with pytest.raises(AssertionError, match="missing from font"):
            _savefig_without_missing_glyphs(fig, tmp_path / "boxes.png")
    plt.close(fig)


def test_japanese_font_file_is_found():
    """IPAexGothic resolves to its own file, not to matplotlib's silent DejaVu fallback."""
    from matplotlib import font_manager

    viz.setup()
    path = font_manager.findfont(
        font_manager.FontProperties(family=viz.FONT), fallback_to_default=False
    )
    assert "ipaexg" in path.lower(), path


def test_font_survives_a_bare_seaborn_theme(tmp_path):
    """A notebook's own ``sns.set_theme()`` resets the font; ``viz.setup()`` brings it back."""
    import seaborn as sns

    sns.set_theme()
    assert plt.rcParams["font.family"][0] != viz.FONT
    viz.setup()
    fig, ax = plt.subplots()
    ax.set_title("一次データ比率（実績値・開示値）")
    ax.set_xlabel("Scope 3 カテゴリ1 — 購入した製品・サービス")
    _savefig_without_missing_glyphs(fig, tmp_path / "theme.png")
    plt.close(fig)


def test_sankey_renders_japanese(tmp_path):
    import pandas as pd

    flows = pd.DataFrame(
        {
            "source": ["素材メーカー", "部品メーカー", "素材調達", "部品調達"],
            "target": ["素材調達", "部品調達", "電子調理器", "電子調理器"],
            "kg_co2e": [3.0, 2.0, 3.0, 2.0],
        }
    )
    fig = viz.sankey(flows, title="サプライチェーンの CO2 の流れ")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("電子調理器" in t for t in texts)
    _savefig_without_missing_glyphs(fig, tmp_path / "sankey.png")
    plt.close(fig)


def test_lever_chart_renders_japanese(tmp_path):
    import pandas as pd

    table = pd.DataFrame({"段階": ["部品調達", "輸送"], "kg_co2e": [2.5, 0.4]})
    table.attrs["levers"] = ["再エネ電力への切り替え", "積載率の改善"]
    fig = viz.lever_chart(table, "段階", title="段階別の排出量")
    assert "打ち手: 再エネ電力への切り替え・積載率の改善" in fig.axes[0].get_title()
    _savefig_without_missing_glyphs(fig, tmp_path / "levers.png")
    plt.close(fig)
