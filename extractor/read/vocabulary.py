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

KATAKANA_RUN = re.compile(r"[ァ-ヴー]{4,}")  # shorter runs are too easily other words


def mend(text: str, vocabulary: frozenset[str]) -> str:
    """`text` with every katakana run one misread character from a single vocabulary word mended."""
    if not vocabulary:
        return text
    return KATAKANA_RUN.sub(lambda m: _mended_run(m.group(), vocabulary), text)


def _mended_run(run: str, vocabulary: frozenset[str]) -> str:
    if run in vocabulary:
        return run
    near = [w for w in vocabulary if len(w) == len(run) and _one_off_before_last(run, w)]
    return near[0] if len(near) == 1 else run


def _one_off_before_last(run: str, word: str) -> bool:
    diff = [k for k, (a, b) in enumerate(zip(run, word, strict=True)) if a != b]
    return len(diff) == 1 and diff[0] < len(word) - 1


def katakana_words(texts: Iterable[str]) -> frozenset[str]:
    """The katakana runs (4 characters or more) of `texts`."""
    return frozenset(m.group() for t in texts for m in KATAKANA_RUN.finditer(t))
