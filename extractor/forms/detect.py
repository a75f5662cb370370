"""Which form a document is: one detector for every input kind (PDF rows, Markdown/HTML, dumps).

The head of the document (its first lines) is searched for the title words of each form spec
(`detect.title`, on the line naming the 評価書 first), then for the stamp words; a 概要 summary
is recognised by its title (`layouts/summary.yaml`).  The stamp `[平成30年５月 様式４]` anywhere
in the first pages gives `form_version`.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.forms.patterns import patterns
from extractor.forms.rows import stamp_version
from extractor.forms.spec import FormSpec, all_specs
from extractor.normalise import clean_line, fold, label_key, mismatches
from extractor.text.summary_vocab import is_summary_head


@dataclass(frozen=True)
class Detection:
    form_type: str | None  # full / focused / basic / summary; None when not a recognised form
    version: str | None  # `平成30年5月 様式4` when a stamp is printed
    spec: FormSpec | None  # the layout to read it with (None for summaries and unknown forms)


def detect_form(head: str, stamp_text: str = "") -> Detection:
    """The form of a document whose first lines are `head` (and whose stamp may be in `stamp_text`)."""
    version = stamp_version(fold(stamp_text or head))
    if is_summary_head(head):
        return Detection("summary", version, None)
    spec = _by_title(head) or _by_stamp(version or "")
    return Detection(spec.form_type if spec else None, version, spec)


def _by_title(head: str) -> FormSpec | None:
    lines = [label_key(clean_line(fold(x))) for x in head.splitlines() if x.strip()]
    word = patterns().words.document_word
    title = next((ln for ln in lines if word in ln), "")
    for text in (title, "".join(lines)):
        for spec in all_specs():
            if any(label_key(t) in text for t in spec.detect.title):
                return spec
    # OCR misreads a character of the title (`基礎項日評価書`): the one form whose title the title
    # line holds with one character changed
    near = [spec for spec in all_specs() if any(_holds_near(title, label_key(t)) for t in spec.detect.title)]
    return near[0] if len(near) == 1 else None


def _holds_near(text: str, word: str) -> bool:
    """`text` holds `word` with at most one character changed (words of six characters or more)."""
    n = len(word)
    return n >= 6 and any(mismatches(text[i:i + n], word) <= 1 for i in range(len(text) - n + 1))


def _by_stamp(version: str) -> FormSpec | None:
    key = label_key(version)
    if not key:
        return None
    return next((s for s in all_specs() if any(label_key(w) in key for w in s.detect.stamp)), None)


def spec_by_id(layout_id: str) -> FormSpec | None:
    return next((s for s in all_specs() if s.id == layout_id), None)

