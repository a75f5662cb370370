"""Broken and hostile inputs, generated with PyMuPDF, for testing and benchmarking the batch runner.

Each maker writes one file and returns its path.  None of these may crash a
run or lose other documents' rows: the runner isolates them (see
`extractor.batch.sandbox`), the parser names what is wrong with them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import pymupdf

JAPANESE_LINES = (
    "特定個人情報保護評価書（全項目評価書）",
    "評価書番号 123",
    "評価書名 住民基本台帳に関する事務 全項目評価書",
    "評価実施機関名 テスト市長",
)


def text_pdf_bytes(lines: tuple[str, ...] = JAPANESE_LINES, pages: int = 1,
                   size: tuple[float, float] = (595, 842)) -> bytes:
    """A small PDF with Japanese text on each page."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=size[0], height=size[1])
        text = "\n".join((*lines, f"{number + 1} / {pages}"))
        page.insert_text((72, 72), text, fontname="japan", fontsize=10)
    data = doc.tobytes(garbage=1, deflate=True)
    doc.close()
    return data


def vary(data: bytes, n: int) -> bytes:
    """The same PDF with different bytes (a trailing comment): a distinct document to the runner."""
    return data + f"\n% variant {n}\n".encode()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def text_pdf(path: Path, pages: int = 1) -> Path:
    return _write(path, text_pdf_bytes(pages=pages))


def encrypted_pdf(path: Path) -> Path:
    doc = pymupdf.open("pdf", text_pdf_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")  # type: ignore[attr-defined]
    doc.close()
    return path


def truncated_pdf(path: Path) -> Path:
    data = text_pdf_bytes(pages=3)
    return _write(path, data[: len(data) // 2])


def zero_byte_file(path: Path) -> Path:
    return _write(path, b"")


def not_a_pdf(path: Path) -> Path:
    """A PNG image under a .pdf name."""
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 16, 16), False)
    return _write(path, pix.tobytes("png"))


def image_only_pdf(path: Path) -> Path:
    """A 'scanned' page: an image of text, no text layer."""
    src = pymupdf.open("pdf", text_pdf_bytes())
    pix = src[0].get_pixmap(dpi=72)
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(page.rect, pixmap=pix)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path, deflate=True)
    return path


def many_pages_pdf(path: Path, pages: int = 3000) -> Path:
    """`pages` pages of Japanese text, in a tenth of a second: the page objects are copies of one page."""
    doc = pymupdf.open("pdf", text_pdf_bytes())
    first = doc[0].xref
    body = doc.xref_object(first, compressed=True)
    kids = [first]
    for _ in range(pages - 1):
        xref = doc.get_new_xref()
        doc.update_object(xref, body)
        kids.append(xref)
    tree = int(doc.xref_get_key(doc.pdf_catalog(), "Pages")[1].split()[0])
    doc.xref_set_key(tree, "Kids", "[" + " ".join(f"{k} 0 R" for k in kids) + "]")
    doc.xref_set_key(tree, "Count", str(pages))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path, deflate=True)
    doc.close()
    return path


def huge_page_pdf(path: Path) -> Path:
    """One page of 14,400 × 14,400 pt, the largest a PDF page may be (200 inches square)."""
    return _write(path, text_pdf_bytes(size=(14400, 14400)))


def bomb_stream(gigabytes: int = 4) -> bytes:
    """A zlib stream that inflates to `gigabytes` GiB of zeros, built in well under a second (~4 MB/GiB).

    Each 16 MiB chunk is deflated after a full flush, so every chunk but the first
    has identical compressed bytes and can be repeated; the Adler-32 of n zeros is
    ``(n mod 65521) << 16 | 1``.
    """
    chunk = bytes(16 << 20)
    comp = zlib.compressobj(9)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    repeat = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    final = comp.flush()[:-4]  # last (empty) block, without the checksum
    count = (gigabytes << 30) // len(chunk)
    adler = (((count * len(chunk)) % 65521) << 16) | 1
    return first + repeat * (count - 1) + final + adler.to_bytes(4, "big")


def bomb_pdf(path: Path, gigabytes: int = 4) -> Path:
    """A page whose content stream is a FlateDecode bomb: GiBs of zeros compressed to a few MB."""
    doc = pymupdf.open("pdf", text_pdf_bytes())
    xref = doc[0].get_contents()[0]
    doc.update_stream(xref, bomb_stream(gigabytes), compress=False)
    doc.xref_set_key(xref, "Filter", "/FlateDecode")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def unknown_form_pdf(path: Path) -> Path:
    """Japanese text that is not a PIA form at all."""
    lines = ("議事録", "令和5年度 第3回 定例会", "出席者 10名", "議題 予算について")
    return _write(path, text_pdf_bytes(lines=lines, pages=2))


BAD_INPUTS: dict[str, Callable[[Path], Path]] = {
    "encrypted": encrypted_pdf,
    "truncated": truncated_pdf,
    "zero_byte": zero_byte_file,
    "not_a_pdf": not_a_pdf,
    "image_only": image_only_pdf,
    "many_pages": many_pages_pdf,
    "huge_page": huge_page_pdf,
    "bomb": bomb_pdf,
    "unknown_form": unknown_form_pdf,
}


def make_bad_inputs(folder: Path, kinds: tuple[str, ...] = tuple(BAD_INPUTS)) -> dict[str, Path]:
    """One file per kind in `folder`, named ``<kind>.pdf``."""
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: BAD_INPUTS[kind](folder / f"{kind}.pdf") for kind in kinds}
