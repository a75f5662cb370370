"""Annexed 提供先一覧 / 移転先一覧 in a dump (rows: to do)."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.forms.events import AnnexTitle, Event
from extractor.forms.rows import annex_kind
from extractor.forms.spec import FormSpec
from extractor.text.dump.lines import Line


def annex_events(spec: FormSpec, lines: list[Line]) -> Iterator[Event]:
    for ln in lines:
        kind = annex_kind(spec, ln.text, exact=True)
        if kind:
            yield AnnexTitle(kind)
