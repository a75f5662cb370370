"""The 概要 summary vocabulary, loaded from `layouts/summary.yaml` and validated."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from extractor.errors import SpecError
from extractor.forms.patterns import patterns
from extractor.forms.spec import LAYOUT_DIR
from extractor.forms.yaml_lines import build, load_yaml
from extractor.normalise import clean_line, fold


@dataclass(frozen=True)
class SummaryDetect:
    title_ends: tuple[str, ...]
    not_title: tuple[str, ...]


@dataclass(frozen=True)
class SummaryVocab:
    spec_version: int
    detect: SummaryDetect


@lru_cache(maxsize=1)
def vocab() -> SummaryVocab:
    raw = load_yaml(LAYOUT_DIR / "summary.yaml")
    v = build(SummaryVocab, raw, "summary.yaml")
    if v.spec_version != 2:
        raise SpecError("summary.yaml: spec_version must be 2")
    return v


def ends_title(line: str) -> bool:
    s = line.rstrip()
    return any(s.endswith(end) for end in vocab().detect.title_ends)


def is_summary_head(text: str) -> bool:
    """True when a title line of the document's head names a 概要 of an 評価書.

    `…全項目評価書の概要について`, or `「…評価書（案）」の概要` possibly after a first title line;
    a `Ⅱ 特定個人情報ファイルの概要` heading (項目一覧 of a full form) is not a title.
    """
    word = patterns().words.document_word
    lines = [clean_line(fold(x)) for x in text.splitlines() if x.strip()]
    for k, line in enumerate(lines):
        if any(w in line for w in vocab().detect.not_title) or not ends_title(line):
            continue
        if word in line or (k > 0 and word in lines[k - 1]):
            return True
    return False
