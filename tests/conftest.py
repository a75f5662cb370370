"""Shared fixtures: the evaluation corpus in ../shared when present (tests skip cleanly without it)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.explore_support import corpus_out, corpus_sqlite, samples_out  # noqa: F401  (fixtures of the explore tests)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS_PDF = SHARED / "corpus" / "pdf"
SCORER = SHARED / "eval" / "score.py"


def system_tools_or_skip(missing: list[str], install: str) -> None:
    """Skip a test whose system tools are missing here, with the packages that bring them; in CI
    ($CI set: `.ci/run` sets it and installs them) a missing tool is a failure, not a skip."""
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must have these (.ci/run installs {install}): missing {missing}")
    pytest.skip(f"not installed here: {missing} (apt-get install {install})")


@pytest.fixture(scope="session")
def corpus_pdfs() -> list[Path]:
    if not CORPUS_PDF.is_dir() or not SCORER.is_file():
        pytest.skip("../shared/corpus is not present on this machine")
    # the HTML-printed 全項目/重点項目 PDFs; spreadsheet prints, scans and 様式2 have their own tests
    return sorted(p for p in CORPUS_PDF.glob("*.pdf")
                  if "_summary" not in p.name and p.name.count(".") == 1 and not p.name.startswith("basic_"))


@pytest.fixture
def edit_layout(tmp_path: Path) -> Iterator[Callable[[str, str, str], Path]]:
    """`edit_layout(name, old, new)`: an edited copy of a package layout file that overrides it by name.

    The copy goes to a temporary directory named in $PIA_EXTRACT_LAYOUTS; the loaded layouts are
    forgotten (`reload_layouts`) so the next reader loads it, and again when the test ends.
    """
    from extractor.forms.spec import LAYOUT_DIR, LAYOUTS_ENV, reload_layouts

    folder = tmp_path / "layouts"
    folder.mkdir()
    saved = os.environ.get(LAYOUTS_ENV)
    os.environ[LAYOUTS_ENV] = str(folder)

    def edit(name: str, old: str, new: str) -> Path:
        path = folder / name
        text = path.read_text(encoding="utf-8") if path.exists() else (LAYOUT_DIR / name).read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        reload_layouts()
        return path

    reload_layouts()
    yield edit
    if saved is None:
        os.environ.pop(LAYOUTS_ENV, None)
    else:
        os.environ[LAYOUTS_ENV] = saved
    reload_layouts()
