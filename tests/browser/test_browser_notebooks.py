"""The teaching experience in a real browser: open a notebook, run it, move a widget, see it change.

Each test opens one notebook in JupyterLab (Run All, as a participant does) or in Voilà (which
runs the notebook by itself and is faster), waits until every cell has run without an error,
moves one control of the notebook's widget and checks that what the widget shows changes to the
value the package computes for the new setting. Screenshots: see ``conftest.screenshot``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise  # CI=true: the browser tests must run
    pytest.skip("playwright がありません（pip install -e '.[dev]'）", allow_module_level=True)

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"

RUN_TIMEOUT_MS = 300_000
"""Running a whole notebook in the browser, kernel start included [ms]."""
UPDATE_TIMEOUT_MS = 60_000
"""A widget's recomputation after a change [ms]."""

NB01 = "01_生産指示書とBOP.ipynb"
NB05 = "05_シナリオと最適化.ipynb"
NB06 = "06_CIOFデータ連携.ipynb"
NB09 = "09_自由記述と課題レポート.ipynb"

ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.stderr"]'
"""Tracebacks and stderr, as Lab and Voilà render them."""


# ------------------------------------------------------------------ driving Lab and Voilà


def run_all_in_lab(page: Page, server, name: str) -> None:
    """Open ``name`` in Lab, wait for the kernel, Run All, wait until every cell has run."""
    page.goto(server.notebook_url(name, "lab"))
    # "Run All" clicked before the kernel is connected is dropped: wait for the status bar.
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    page.locator('li[role="menuitem"]', has_text=re.compile(r"^Run$")).click()
    page.locator('li[data-command="runmenu:run-all"]').click()
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    page.wait_for_function(
        """() => {
            const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent));
        }""",
        timeout=RUN_TIMEOUT_MS,
    )
    assert prompts.count() > 10
    assert_no_error_output(page, name)


def open_in_voila(page: Page, server, name: str, ready: str) -> None:
    """Open ``name`` rendered by Voilà and wait until the text ``ready`` is shown."""
    page.goto(server.notebook_url(name, "voila"), timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_text(ready).first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    assert_no_error_output(page, name)


def assert_no_error_output(page: Page, name: str) -> None:
    errors = page.locator(ERROR_OUTPUT)
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()[:800]}"
    assert page.get_by_text("There was an error when executing cell").count() == 0, name


def slider(page: Page, description: str) -> Locator:
    """The ipywidgets slider whose description starts with ``description``."""
    return page.locator(".widget-slider", has=page.locator("label", has_text=description))


def set_readout(control: Locator, value: str) -> None:
    """Type a value into a slider's editable readout (click, select all, type, Enter)."""
    readout = control.locator(".widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.type(value)
    readout.press("Enter")


def scroll_to_top(target: Locator) -> None:
    """Scroll so that ``target`` starts at the top of the window (for the screenshot)."""
    target.evaluate("e => e.scrollIntoView({block: 'start'})")


def chart_src(output: Locator) -> str:
    """The ``src`` of the chart image in an Output widget (a data URL)."""
    image = output.locator("img").first
    expect(image).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    return image.get_attribute("src") or ""


# ------------------------------------------------------------------ 01: routing explorer


def routing_summary(lot_size: int) -> str:
    from cntf_workbench.datasets import load_seminar
    from cntf_workbench.factors import load_factors
    from cntf_workbench.widgets.routing import routing_view

    factor = load_factors().get("elec_jp_fepc_fy2022")
    view = routing_view(load_seminar(), factor, lot_size=lot_size)
    return f"1台あたり {view.per_unit_kg:.4f} kg-CO2e（1ロット {lot_size} 台で"


def test_01_routing_explorer_in_lab(page, lab_server, screenshot):
    run_all_in_lab(page, lab_server, NB01)
    lot = slider(page, "ロットサイズ")
    lot.scroll_into_view_if_needed()
    summary = page.locator(".widget-html", has_text="1台あたり")
    expect(summary).to_contain_text(routing_summary(20))
    explorer = page.locator(".widget-vbox", has=lot).last
    before = chart_src(explorer.locator(".widget-output"))

    set_readout(lot, "10")

    expect(lot.get_by_role("slider")).to_have_attribute("aria-valuetext", "10")
    expect(summary).to_contain_text(routing_summary(10), timeout=UPDATE_TIMEOUT_MS)
    expect(explorer.locator(".widget-output img").first).not_to_have_attribute("src", before)
    page.keyboard.press("Control+b")  # hide the file browser: more room for the notebook
    scroll_to_top(page.locator(".jp-CodeCell", has=explorer))
    screenshot(page, "01_routing_explorer")


# ------------------------------------------------------------------ 05: renewable share explorer


def renewable_reduction(share: float) -> str:
    from cntf_workbench.cfp import scenarios as sc
    from cntf_workbench.cfp.chain import load_chain
    from cntf_workbench.factors import load_factors
    from cntf_workbench.widgets.scenarios import RENEWABLE_MENU

    scenario = sc.renewable_scenario(("MTR", "MKR"), RENEWABLE_MENU, share)
    totals = sc.compare(load_chain(), load_factors(), [scenario]).totals
    return f"削減量 {-float(totals['delta_kg_co2e'].iloc[-1]):,.1f} kg-CO2e"


def test_05_renewable_share_in_voila(page, voila_server, screenshot):
    open_in_voila(page, voila_server, NB05, "再エネ比率")
    share = slider(page, "再エネ比率")
    share.scroll_into_view_if_needed()
    summary = page.locator(".widget-html", has_text="削減量")
    expect(summary).to_contain_text(renewable_reduction(0.5))
    explorer = page.locator(".widget-vbox", has=share).last
    before = chart_src(explorer.locator(".widget-output"))

    set_readout(share, "0.8")

    expect(share.get_by_role("slider")).to_have_attribute("aria-valuenow", "0.8")
    expect(share.locator(".widget-readout")).to_have_text("80%")
    expect(summary).to_contain_text(renewable_reduction(0.8), timeout=UPDATE_TIMEOUT_MS)
    expect(explorer.locator(".widget-output img").first).not_to_have_attribute("src", before)
    scroll_to_top(explorer)
    screenshot(page, "05_renewable_explorer")


# ------------------------------------------------------------------ 06: CIOF exchange explorer


def exchange_summary(failing: tuple[str, ...]) -> list[str]:
    from cntf_workbench.exchange.metrics import MODEL_JA
    from cntf_workbench.exchange.network import load_network
    from cntf_workbench.widgets.exchange import exchange_view

    view = exchange_view(load_network(), ("MKA", "CK-A100"), failing=failing)
    lines = [f"障害: {'、'.join(failing)}" if failing else "障害なし"]
    for model, result in view.results.items():
        lines.append(f"{MODEL_JA[model]}: {result.total_kg_co2e:.3f} kg-CO2e")
    return lines


def firm_label(firm_id: str) -> str:
    from cntf_workbench.exchange.network import load_network

    firms = load_network().firms.set_index("firm_id")["name"]
    return f"{firm_id} {firms[firm_id]}"


@pytest.mark.skipif(
    not (NOTEBOOK_DIR / NB06).exists(), reason=f"{NB06} がまだありません（別の担当が作成中）"
)
def test_06_exchange_explorer_in_lab(page, lab_server, screenshot):
    # In Lab, as participants use it: Voilà's render of this notebook stalled now and then
    # (page load over 5 min in about one run in two on this machine, cause not found)
    run_all_in_lab(page, lab_server, NB06)
    select = page.locator(".widget-select-multiple", has_text="障害を起こす企業")
    select.scroll_into_view_if_needed()
    summary = page.locator(".widget-html", has_text="PULL 型の算定依頼")
    for line in exchange_summary(()):
        expect(summary).to_contain_text(line)
    explorer = page.locator(".widget-vbox", has=select).last
    before = chart_src(explorer.locator(".widget-output"))

    select.locator("select").select_option(label=firm_label("MTR"))

    for line in exchange_summary(("MTR",)):
        expect(summary).to_contain_text(line, timeout=UPDATE_TIMEOUT_MS)
    expect(explorer.locator(".widget-output img").first).not_to_have_attribute("src", before)
    scroll_to_top(explorer)
    screenshot(page, "06_exchange_explorer")


# ------------------------------------------------------------------ 09: coding-rule editor


def rule_result(condition: str) -> tuple[str, str]:
    """The count line and the first caught answer the editor shows for ``condition``."""
    from cntf_workbench.survey import load_responses
    from cntf_workbench.survey import taxonomy as tx
    from cntf_workbench.widgets.text import rule_view

    pains = load_responses(tx.SURVEYS / "sample_responses.csv").responses["pain_text"]
    view = rule_view(pains[pains != ""].tolist(), condition, tx.load_rules())
    assert not view.error and view.n_caught, (condition, view.error)
    first = view.caught.iloc[0]
    return f"{view.n_caught} 件 / {view.n_answers} 件", f"[{int(first.answer) + 1}] {first.text}"


def test_09_rule_editor_in_voila(page, voila_server, screenshot):
    open_in_voila(page, voila_server, NB09, "元にするルール")
    editor = page.locator(".widget-textarea", has_text="条件").locator("textarea")
    editor.scroll_into_view_if_needed()
    result = page.locator(".widget-html", has_text="この条件に当てはまります")
    start = editor.input_value()
    for shown in rule_result(start):
        expect(result).to_contain_text(shown)
    condition = "按分 and 電力"
    assert rule_result(condition) != rule_result(start)

    editor.fill(condition)

    for shown in rule_result(condition):
        expect(result).to_contain_text(shown, timeout=UPDATE_TIMEOUT_MS)
    scroll_to_top(page.locator(".widget-vbox", has=editor).last)
    screenshot(page, "09_rule_editor")
