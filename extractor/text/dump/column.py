"""A checkbox grid's first column of markers printed in a run of its own, away from the option labels.

The form prints some checkbox fields as a grid (`Field.rows`: ③他のシステムとの接続 is
`[ ] 情報提供ネットワークシステム [ ] 庁内連携システム` // … // `[ ] その他 （ ）`).  A spreadsheet print
dumps the grid's left column of markers as a column of its own: right after the field's label, one
marker a row (`[ ]`, `[ ○ ]`, or `[` and `]` on two lines), with the option labels (and the other
column's markers, printed beside them) somewhere else — often under a later block's heading, where
whose they are is lost.  The run itself stays in the label's block, so when

- the label got no value from the alignment,
- between the label and the next heading or label on its page, the bracketed lines end with one
  run of exactly as many markers as the grid has rows, nothing but blank lines after it (markers
  followed by no option label are no option's beside them), and every bracket before the run
  stands right before an option label of the field (that option's own marker),
- and no choice label of the block could take a blank `[ ]` of the run as its answer,

the run's markers are the first option of each row, top to bottom; the other options stay unread.
"""

from __future__ import annotations

from extractor.forms.events import AnnexStart, BlockStart, CheckRead, PartStart, RiskHeading, Section
from extractor.forms.spec import Field, FormSpec
from extractor.normalise import label_key
from extractor.text.dump.lines import Line
from extractor.text.dump.scan import Slot
from extractor.text.dump.values import DumpValue, marker_state
from extractor.text.dump.vocab import vocab_of

HEADINGS = (AnnexStart, BlockStart, PartStart, RiskHeading, Section)


def marker_columns(spec: FormSpec, stream: list[object], lines: list[Line]) -> None:
    """Give each grid label left empty its first column's markers, where the dump printed them in a run (see the
    module docstring)."""
    grids = {f.key: f for f in spec.fields if f.rows and f.kind == "checkbox"}
    if not grids:
        return
    by_no = {ln.no: k for k, ln in enumerate(lines)}
    for k, el in enumerate(stream):
        if not (isinstance(el, Slot) and el.head is None and el.value is None and el.label.key in grids):
            continue
        f = grids[el.label.key]
        end = _end(stream, k, el.line)
        if end is None or el.line.no not in by_no or _choice_in_block(stream, k):
            continue
        span = [ln for ln in lines[by_no[el.line.no] + 1:] if ln.no < end]
        states = run_states(span, spec, f)
        if states is not None and len(states) == len(f.rows):
            firsts = [row[0] for row in f.rows]
            rest = [o for o in spec.options_of(f) if label_key(o) not in {label_key(x) for x in firsts}]
            el.value = DumpValue(boxes=(*(CheckRead(o, s) for o, s in zip(firsts, states, strict=True)),
                                        *(CheckRead(o, None) for o in rest)))


def _end(stream: list[object], k: int, line: Line) -> int | None:
    """The line number of the next heading or label after stream[k] on its page (None: none on the page)."""
    for el in stream[k + 1:]:
        if isinstance(el, Slot):
            at = el.line
        elif isinstance(el, HEADINGS):
            where = el.where
            if where is None:
                continue
            return where.line if where.page == line.page else None
        else:
            continue
        return at.no if at.page == line.page else None
    return None


def _choice_in_block(stream: list[object], k: int) -> bool:
    """A choice label in the block of stream[k] (it could take a blank `[ ]` as its answer)."""
    for step in (-1, 1):
        n = k + step
        while 0 <= n < len(stream) and not isinstance(stream[n], HEADINGS) and not (
                isinstance(stream[n], Slot) and stream[n].head is not None):  # type: ignore[attr-defined]
            el = stream[n]
            if isinstance(el, Slot) and el.label.kind == "choice":
                return True
            n += step
    return False


def run_states(span: list[Line], spec: FormSpec, f: Field) -> list[bool] | None:
    """The markers of the run of marker lines that ends `span` (None: no such run, brackets of another shape, or
    a bracket before it not followed by an option label of `f` it stands for)."""
    vocab = vocab_of(spec)
    options = {label_key(o) for o in spec.options_of(f)}
    texts = [ln.text.strip() for ln in span if not vocab.is_legend_line(ln.text.strip())]
    runs: list[tuple[int, int]] = []  # [start, end) of each run of bracket lines
    for n, text in enumerate(texts):
        if any(c in text for c in "[]［］"):
            if runs and runs[-1][1] == n:
                runs[-1] = (runs[-1][0], n + 1)
            else:
                runs.append((n, n + 1))
    if not runs or runs[-1][1] != len(texts):
        return None  # no run, or text printed after it
    for _, end in runs[:-1]:
        key = label_key(texts[end])
        if not key or not any(o.startswith(key) for o in options if len(key) >= 3):
            return None  # a bracket not beside an option label: whose it is is not told
    return _markers(texts[runs[-1][0]:])


def _markers(texts: list[str]) -> list[bool] | None:
    """`[ ]`, `[ ○ ]`, or `[` and `]` on two lines, one after another: their states (None: anything else)."""
    states: list[bool] = []
    opened = False
    for text in texts:
        piece = text.replace("［", "[").replace("］", "]").strip()
        if piece == "[" and not opened:
            opened = True
        elif piece == "]" and opened:
            opened = False
            states.append(False)
        elif piece[:1] == "[" and piece[-1:] == "]" and not opened and marker_state(piece[1:-1]) is not None:
            states.append(bool(marker_state(piece[1:-1])))
        else:
            return None
    return None if opened else states
