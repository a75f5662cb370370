"""Stage 1 (scans) — katakana words of the forms that OCR misreads by one character.

Tesseract's Japanese model reads the シ of システム as レ in several fonts (`収納管理レステム`); the
doubt check does not flag it, because every reading agrees.  A katakana run that is not a word of
the forms but is one of them with one character changed — not its last, which is where real words
differ from the forms' (ファイン, アクセル) — is that word.  The words are the forms' own, passed in
by the pipeline (`forms.spec.katakana_vocabulary`), so the reader does not depend on the forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.normalise import mismatches

KATAKANA = "ァ-ヴー"  # katakana and the long-vowel mark, as a character class
KATAKANA_RUN = re.compile(rf"[{KATAKANA}]{{4,}}")  # shorter runs are too easily other words
_ONE_KATAKANA = re.compile(rf"[{KATAKANA}]")


def is_katakana(text: str) -> bool:
    """`text` is one katakana character (a glyph of OCR)."""
    return len(text) == 1 and _ONE_KATAKANA.match(text) is not None


def is_kanji(text: str) -> bool:
    """`text` is one kanji (a glyph of OCR)."""
    return len(text) == 1 and "一" <= text <= "鿿"


def is_kana(text: str) -> bool:
    """`text` is one hiragana or katakana character (a glyph of OCR)."""
    return len(text) == 1 and "\u3040" <= text <= "\u30ff"


def mend(text: str, vocabulary: frozenset[str]) -> str:
    """`text` with every katakana run one misread character from a single vocabulary word mended."""
    if not vocabulary:
        return text
    return KATAKANA_RUN.sub(lambda m: _mended_run(m.group(), vocabulary), text)


def _mended_run(run: str, vocabulary: frozenset[str]) -> str:
    if run in vocabulary:
        return run
    near = [w for w in vocabulary if len(w) == len(run) and run[-1] == w[-1] and mismatches(run, w) == 1]
    return near[0] if len(near) == 1 else run


def katakana_words(texts: Iterable[str]) -> frozenset[str]:
    """The katakana runs (4 characters or more) of `texts`."""
    return frozenset(m.group() for t in texts for m in KATAKANA_RUN.finditer(t))
