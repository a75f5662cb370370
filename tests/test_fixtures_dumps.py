"""Text dumps of fixture PDFs by several tools: non-empty, different per tool, deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from pia_fixtures.dumps import TOOLS, dump, dump_all, tool_available
from tests.conftest import system_tools_or_skip
from tests.fixtures.make_fixtures import HERE

PDFS = [HERE / "xl" / "xl_basic_01.pdf", HERE / "html" / "basic_html_01.pdf"]
AVAILABLE = [t for t in TOOLS if tool_available(t)]


@pytest.fixture(scope="module")
def dumps() -> dict[tuple[str, str], str]:
    return {(pdf.name, tool): dump(pdf, tool) for pdf in PDFS for tool in AVAILABLE}


def test_all_seven_tools_run_here() -> None:
    system_tools_or_skip([t for t in TOOLS if t not in AVAILABLE], "poppler-utils")
    assert len(AVAILABLE) == len(TOOLS) == 7


@pytest.mark.parametrize("tool", AVAILABLE)
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_dump_holds_the_forms_text(dumps: dict[tuple[str, str], str], pdf: Path, tool: str) -> None:
    text = dumps[(pdf.name, tool)]
    squeezed = "".join(text.split())
    for label in ("評価実施機関名", "しきい値判断結果", "最も優先度が高いと考えられる対策", "＜選択肢＞"):
        assert label in squeezed, (tool, label)
    assert text.count("\f") >= 5  # pages kept apart


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_tools_differ(dumps: dict[tuple[str, str], str], pdf: Path) -> None:
    texts = {dumps[(pdf.name, t)] for t in AVAILABLE}
    assert len(texts) >= len(AVAILABLE) - 1  # at most one pair of tools may agree byte for byte


@pytest.mark.parametrize("tool", AVAILABLE)
def test_dumps_are_deterministic(dumps: dict[tuple[str, str], str], tool: str) -> None:
    assert dump(PDFS[0], tool) == dumps[(PDFS[0].name, tool)]


def test_dump_all_names_files_for_the_scorer(tmp_path: Path) -> None:
    written = dump_all(PDFS[1], tmp_path)
    assert set(written) == set(AVAILABLE)
    assert all(p.name.split(".")[0] == "basic_html_01" and p.stat().st_size > 1000 for p in written.values())


def test_unknown_tool_is_refused() -> None:
    with pytest.raises(ValueError, match="tool must be one of"):
        dump(PDFS[0], "ocr")
