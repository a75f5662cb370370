"""Text dumps of a PDF as different tools make them (what crawlers and viewers keep of a PDF).

`dump(pdf, tool)` returns the text; `TOOLS` lists the tools.  Pages are separated by a form feed, as
pdftotext does, in every tool's output.

- pdftotext (poppler-utils): default (reading-order heuristics), `-raw` (content-stream order),
  `-layout` (physical layout, columns padded with spaces)
- PyMuPDF `page.get_text()`: content-stream order, and with `sort=True` (top-left to bottom-right)
- pdfminer.six `extract_text` (LAParams defaults) and pdfplumber `page.extract_text()`
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pymupdf

__all__ = ["TOOLS", "dump", "dump_all", "tool_available"]

FORM_FEED = "\f"


def _pdftotext(*flags: str) -> Callable[[bytes], str]:
    def run(pdf: bytes) -> str:
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", *flags, "-", "-"], input=pdf, capture_output=True,
                             check=True, timeout=300)
        return out.stdout.decode("utf-8")

    return run


def _pymupdf(sort: bool) -> Callable[[bytes], str]:
    def run(pdf: bytes) -> str:
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            return FORM_FEED.join(page.get_text(sort=sort) for page in doc) + FORM_FEED

    return run


def _pdfminer(pdf: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(pdf))


def _pdfplumber(pdf: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return FORM_FEED.join(page.extract_text() or "" for page in doc.pages) + FORM_FEED


TOOLS: dict[str, Callable[[bytes], str]] = {
    "pdftotext": _pdftotext(),
    "pdftotext-raw": _pdftotext("-raw"),
    "pdftotext-layout": _pdftotext("-layout"),
    "pymupdf": _pymupdf(sort=False),
    "pymupdf-sort": _pymupdf(sort=True),
    "pdfminer": _pdfminer,
    "pdfplumber": _pdfplumber,
}


def tool_available(tool: str) -> bool:
    """Whether `tool` can run here (pdftotext needs poppler-utils on PATH)."""
    if tool.startswith("pdftotext"):
        return shutil.which("pdftotext") is not None
    return tool in TOOLS


def dump(pdf: bytes | str | Path, tool: str) -> str:
    """The text `tool` makes of the PDF (bytes or a path)."""
    if tool not in TOOLS:
        raise ValueError(f"tool must be one of {tuple(TOOLS)}, not {tool!r}")
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    return TOOLS[tool](data)


def dump_all(pdf: bytes | str | Path, out_dir: str | Path, stem: str | None = None) -> dict[str, Path]:
    """Every available tool's dump written as `<stem>.<tool>.txt` in out_dir (the scorer pairs files by
    the part of the name before the first dot)."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    name = stem or (Path(pdf).name.split(".")[0] if not isinstance(pdf, bytes) else "dump")
    out = {}
    for tool in TOOLS:
        if tool_available(tool):
            path = Path(out_dir) / f"{name}.{tool}.txt"
            path.write_text(dump(data, tool), encoding="utf-8")
            out[tool] = path
    return out
