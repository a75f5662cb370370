"""The visual debug overlay renders a real PNG of a sample page."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractor.layout.debug import debug_page

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample_full_01.pdf"


def test_debug_page_writes_png(tmp_path: Path) -> None:
    out = debug_page(SAMPLE, 3, tmp_path / "p3.png", dpi=40)
    pix = pymupdf.Pixmap(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pix.width > 200 and pix.height > 300


def test_debug_page_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="out of range"):
        debug_page(SAMPLE, 999, tmp_path / "x.png")


def test_debug_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app

    out = tmp_path / "p2.png"
    result = CliRunner().invoke(app, ["debug", str(SAMPLE), "--page", "2", "--out", str(out), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"
    bad = CliRunner().invoke(app, ["debug", str(SAMPLE), "--page", "999", "--out", str(out)])
    assert bad.exit_code == 2
