"""`layouts/` is the only vocabulary: a new printed spelling of a label is a change to a layout file.

A document whose form prints `所管部署` where the layout knows `事務担当部署` loses that field in every
reader (PDF, Markdown, text dump); once a temporary layout adds the spelling as an alias, every reader
reads it — no code changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from extractor import extract_document
from extractor.pipeline import extract_bytes
from tests.test_text_markdown import FOCUSED_MD

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample_focused_02.pdf"
OLD, NEW = "事務担当部署", "所管部署"
ALIAS_EDIT = ("label: 事務担当部署, target: files.department}",
              f"label: {NEW}, aliases: [{OLD}], target: files.department}}")
RENAME_EDIT = ("label: 事務担当部署, target: files.department}", f"label: {NEW}, target: files.department}}")


def _respelt_pdf(tmp_path: Path) -> Path:
    """The sample with every printed `事務担当部署` replaced by `所管部署` (redacted, then written in its place)."""
    doc = pymupdf.open(SAMPLE)
    for page in doc:
        rects = page.search_for(OLD)
        for rect in rects:
            page.add_redact_annot(rect)
        page.apply_redactions()
        for rect in rects:
            page.insert_text((rect.x0, rect.y1 - 1.5), NEW, fontname="japan", fontsize=rect.height * 0.75)
    out = tmp_path / "respelt.pdf"
    doc.save(out)
    return out


def _departments(result: object) -> list[str | None]:
    return [f.department for f in result.files]  # type: ignore[attr-defined]


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Callable[[], object]]:
    pdf = _respelt_pdf(tmp_path)
    # sorted: the new spelling was written last into the page, a plain dump would print it at the page end
    dump = "\f".join(p.get_text(sort=True) for p in pymupdf.open(pdf)).encode("utf-8")
    markdown = FOCUSED_MD.replace(OLD, NEW).encode("utf-8")
    return {
        "pdf": lambda: extract_document(pdf),
        "markdown": lambda: extract_bytes(markdown, "respelt.md"),
        "dump": lambda: extract_bytes(dump, "respelt.txt"),
    }


def test_the_package_layout_reads_the_form_as_printed_in_every_reader(inputs: dict) -> None:
    assert all(d is None for d in _departments(inputs["pdf"]()))
    assert all(d is None for d in _departments(inputs["markdown"]()))


@pytest.mark.parametrize("reader", ["pdf", "markdown", "dump"])
def test_an_alias_in_a_layout_file_is_read_by_every_reader(reader: str, inputs: dict, edit_layout) -> None:
    before = _departments(inputs[reader]())
    edit_layout("focused_h30.yaml", *ALIAS_EDIT)
    after = _departments(inputs[reader]())
    assert any(after), (reader, after)
    assert not any(before), (reader, before)


def test_renaming_a_label_in_the_layout_is_what_the_readers_know(inputs: dict, edit_layout) -> None:
    """The layout renamed to the new spelling reads the respelt PDF; the package's spelling no longer does."""
    edit_layout("focused_h30.yaml", *RENAME_EDIT)
    assert any(_departments(inputs["pdf"]()))
    plain = extract_document(SAMPLE)
    assert not any(f.department for f in plain.files)
