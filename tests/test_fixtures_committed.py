"""The committed fixtures: their data is what the generator gives, every value is printed, and they
regenerate byte-for-byte (PyMuPDF ones always; LibreOffice ones where the same LibreOffice build runs)."""

from __future__ import annotations

import filecmp
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pia_fixtures.xlprint import XlStyle, font_file, soffice_available
from tests.fixtures.make_fixtures import FIXTURES, HERE, Fixture, write_fixture
from tests.printed import missing_values


def pdf_of(fx: Fixture) -> Path:
    return HERE / fx.printer / f"{fx.name}.pdf"


def test_committed_set_is_small_and_varied() -> None:
    sizes = sum(pdf_of(fx).stat().st_size for fx in FIXTURES)
    assert sizes < 4_000_000
    assert {(fx.printer, fx.form_type) for fx in FIXTURES} >= {("xl", "full"), ("xl", "focused"), ("xl", "basic"),
                                                               ("html", "basic")}


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda fx: fx.name)
def test_expected_json_is_the_generators_data(fx: Fixture) -> None:
    expected: dict[str, Any] = json.loads(pdf_of(fx).with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert expected == fx.data()


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda fx: fx.name)
def test_every_value_is_printed(fx: Fixture) -> None:
    data = fx.data()
    assert not missing_values(pdf_of(fx), data)


@pytest.mark.parametrize("fx", [fx for fx in FIXTURES if fx.printer == "html"], ids=lambda fx: fx.name)
def test_pymupdf_fixture_regenerates_byte_for_byte(tmp_path: Path, fx: Fixture) -> None:
    assert filecmp.cmp(write_fixture(fx, tmp_path), pdf_of(fx), shallow=False)


def test_libreoffice_fixture_regenerates_byte_for_byte(tmp_path: Path) -> None:
    """One spreadsheet print made again: same bytes on the LibreOffice build the fixtures were made with."""
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    made_with = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))["libreoffice"]
    here = subprocess.run(["soffice", "--version"], capture_output=True, text=True, timeout=120).stdout.strip()
    if here != made_with:
        pytest.skip(f"fixtures were made with {made_with!r}, this machine has {here!r}")
    fx = next(fx for fx in FIXTURES if fx.name == "xl_basic_01")
    if "ipaex" not in font_file(XlStyle(**fx.style).font).lower():
        pytest.skip("the IPAex fonts (Debian fonts-ipaexfont) are not installed")
    assert filecmp.cmp(write_fixture(fx, tmp_path), pdf_of(fx), shallow=False)
