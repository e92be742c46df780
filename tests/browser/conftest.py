"""Real-browser fixtures: Debian's chromium through pytest-playwright, JupyterLab and Voilà servers.

- The browser is the system's chromium (``CHROMIUM_PATH``, else ``chromium`` /
  ``chromium-browser`` on PATH): ``playwright install`` cannot download here. Without it the tests
  skip and say why, except with ``CI=true``, where a missing browser (or Playwright) fails.
- ``lab_server`` and ``voila_server`` are session fixtures: each serves a temporary copy of
  ``notebooks/`` on 127.0.0.1 at a fixed port (``LAB_PORT``, ``VOILA_PORT``), with Jupyter,
  IPython and the browser kept out of ``$HOME``, and is stopped (terminate, then kill) at the
  end of the session.
- ``screenshot`` saves a PNG under ``$CNTF_SCREENSHOT_DIR`` (else the test's ``tmp_path``) and,
  with ``CNTF_UPDATE_SCREENSHOTS=1``, also as ``docs/screenshots/<name>.png`` for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

LAB_PORT = 18931
"""JupyterLab's port (fixed, away from the 8888 a participant's own Lab uses)."""
VOILA_PORT = 18932
"""Voilà's port."""
TOKEN = "cntf-browser-test"
"""Lab's token; the servers listen on 127.0.0.1 only."""
START_TIMEOUT_S = 60.0
"""How long a server may take to answer its status page [s]."""

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    """Skip with the reason, or fail in CI, where the browser tests must run."""
    if IN_CI:
        pytest.fail(f"CI=true なのにブラウザテストを実行できません: {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """The system chromium: ``CHROMIUM_PATH`` when set, else ``chromium`` on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    """Mark every test here ``browser`` (deselect with ``-m 'not browser'``)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real chromium (tests/browser)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options plus the system chromium's ``executable_path``."""
    path = chromium_path()
    if path is None:
        where = os.environ.get("CHROMIUM_PATH") or "PATH"
        _unavailable(
            f"chromium が見つかりません（{where}）。apt-get install -y chromium で入れるか、"
            "CHROMIUM_PATH に実行ファイルを指定してください"
        )
    return {**browser_type_launch_args, "executable_path": path}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop-sized window, Japanese locale."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "ja-JP"}


@dataclass(frozen=True)
class Server:
    """A running notebook server.

    Attributes
    ----------
    base : str
        ``http://127.0.0.1:<port>``.
    root : pathlib.Path
        The directory it serves (a copy of ``notebooks/``).
    token : str
        Lab's token (``""`` for Voilà).
    """

    base: str
    root: Path
    token: str = ""

    def notebook_url(self, name: str, kind: str) -> str:
        """URL of a notebook in Lab (``kind="lab"``) or rendered by Voilà (``"voila"``)."""
        quoted = urllib.parse.quote(name)
        if kind == "lab":
            return f"{self.base}/lab/tree/{quoted}?token={self.token}&reset"
        return f"{self.base}/voila/render/{quoted}"


def _isolated_env(home: Path) -> dict[str, str]:
    """Environment with Jupyter, IPython and Lab settings under ``home``."""
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "ipython",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    }
    for var, sub in dirs.items():
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JUPYTER_PATH", None)
    settings = home / "lab-settings"
    quiet = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        # every cell stays in the page, so that the widget far down can be found and scrolled to
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, value in quiet.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    return env


def _copy_notebooks(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for nb in NOTEBOOK_DIR.glob("*.ipynb"):
        shutil.copy2(nb, dest / nb.name)
    return dest


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            pytest.fail(f"サーバが起動直後に終了しました（{url}）:\n{tail}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"サーバが {START_TIMEOUT_S:.0f} 秒以内に応答しません（{url}）", pytrace=False)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def _serve(cmd: list[str], status_url: str, home: Path, name: str) -> Iterator[None]:
    """Run ``cmd`` in ``home/notebooks`` until the ``with`` block ends; output in ``name.log``."""
    log = home / f"{name}.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd, cwd=home / "notebooks", env=_isolated_env(home), stdout=out, stderr=out
        )
        try:
            _wait_until_up(proc, status_url, log)
            yield
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def browser_home(tmp_path_factory) -> Path:
    """Temporary home for the servers: notebooks copy, Jupyter dirs, logs."""
    home = tmp_path_factory.mktemp("browser-home")
    _copy_notebooks(home / "notebooks")
    return home


@pytest.fixture(scope="session")
def lab_server(browser_home, browser_type_launch_args) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1:``LAB_PORT`` serving a copy of the notebooks."""
    root = browser_home / "notebooks"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={LAB_PORT}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
    ]
    base = f"http://127.0.0.1:{LAB_PORT}"
    with _serve(cmd, f"{base}/api/status?token={TOKEN}", browser_home, "lab"):
        yield Server(base, root, TOKEN)


@pytest.fixture(scope="session")
def voila_server(browser_home, browser_type_launch_args) -> Iterator[Server]:
    """Voilà on 127.0.0.1:``VOILA_PORT`` serving a copy of the notebooks."""
    root = browser_home / "notebooks"
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(root),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={VOILA_PORT}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]
    base = f"http://127.0.0.1:{VOILA_PORT}"
    with _serve(cmd, f"{base}/", browser_home, "voila"):
        yield Server(base, root)


@pytest.fixture
def screenshot(tmp_path) -> Callable[..., Path]:
    """``screenshot(target, name)``: save a PNG of a page or locator and return its path.

    The PNG goes to ``$CNTF_SCREENSHOT_DIR/<name>.png`` (else ``tmp_path``); with
    ``CNTF_UPDATE_SCREENSHOTS=1`` it is also copied to ``docs/screenshots/<name>.png``.
    """
    out_dir = Path(os.environ.get("CNTF_SCREENSHOT_DIR") or tmp_path)
    out_dir.mkdir(parents=True, exist_ok=True)

    def take(target, name: str) -> Path:
        path = out_dir / f"{name}.png"
        target.screenshot(path=str(path))
        assert path.stat().st_size > 10_000, f"{path}: 画面が空のようです"
        if os.environ.get("CNTF_UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, DOCS_SCREENSHOTS / path.name)
        return path

    return take
