"""Chromium draws the Japanese UI text with the system's fonts: one must cover Japanese."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_system_has_a_japanese_font():
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        if IN_CI:
            pytest.fail("fc-list がありません（fontconfig）: 日本語フォントを確認できません")
        pytest.skip("fc-list がありません（fontconfig）")
    families = subprocess.run(
        [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert families.strip(), (
        "日本語を表示できるフォントがありません: ブラウザの画面で日本語が四角になります"
        "（apt-get install -y fonts-ipaexfont-gothic）"
    )
