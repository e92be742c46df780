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
