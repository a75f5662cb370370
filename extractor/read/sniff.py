"""Stage 1 — what kind of input a file is, decided from its bytes first and its suffix second."""

from __future__ import annotations


def _decode_sample(sample: bytes) -> str | None:
    """UTF-8 (a multi-byte character cut at the sample's end is dropped), else Shift_JIS; None if neither."""
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason.startswith("unexpected end"):
            return sample[: exc.start].decode("utf-8", errors="strict")
    try:
        return sample.decode("cp932")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 1:
            return sample[: exc.start].decode("cp932")
    return None


def sniff_format(data: bytes, suffix: str) -> str:
    """Decide the input format from content first, suffix second.

    HTML is a document that starts with markup (or declares `<html>`); Markdown is text whose
    tables are tab-separated or `| a | b |` rows (cells may hold HTML); anything else is text.
    """
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if not data.strip():
        return "empty"
    text = _decode_sample(data[:65536])
    if text is None or "\x00" in text:
        return "binary"
    low = text.lstrip("\ufeff \r\n\t").lower()
    if low.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in low[:4096]:
        return "html"
    table_rows = sum(1 for line in text.splitlines() if "\t" in line or _is_pipe_row(line))
    if table_rows >= 3:
        return "markdown"
    if low.startswith(("<table", "<div", "<p", "<body")) or "<table" in low:
        return "html"
    if suffix.lower() in (".md", ".markdown"):
        return "markdown"
    if suffix.lower() in (".html", ".htm", ".xhtml"):
        return "html"
    return "text"


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return len(s) > 2 and s.startswith("|") and s.endswith("|")
