"""Line repairs before reading (`extractor.text.dump.grid`): markers printed below their options, split counts."""

from __future__ import annotations

from typing import Any

from extractor.forms.detect import spec_by_id
from extractor.text.dump.grid import markers_below, split_counts
from extractor.text.dump.lines import split_lines
from extractor.text.dump.parse import assign_values
from extractor.text.dump.scan import Scanner, Slot
from extractor.text.dump.vocab import vocab_of

SPEC = spec_by_id("full_h30")
assert SPEC is not None
OPTIONS = vocab_of(SPEC).all_box_options
HEAD = ["Ⅰ 基本情報", "２．特定個人情報ファイルを取り扱う事務において使用するシステム", "システム1",
        "①システムの名称 架空システム", "②システムの機能 架空の機能を提供する。"]
GRID = ["③他のシステムとの接続 情報提供ネットワークシステム 庁内連携システム", "☐ ☑",
        "住民基本台帳ネットワークシステム 既存住民基本台帳システム", "☐ ☐", "宛名システム等 税務システム", "☑ ☐",
        "その他 （ 架空連携システム ）", "☑"]


def _texts(lines: list[str]) -> list[str]:
    return [ln.text for ln in markers_below(split_lines("\n".join(lines)), OPTIONS)]


def _folded(lines: list[str]) -> list[str]:
    """The lines as the reader sees them (brackets and spaces folded)."""
    return [ln.text for ln in split_lines("\n".join(lines))]


def _connections(lines: list[str]) -> dict[str, Any]:
    """The checks the reader gives 他のシステムとの接続 (option -> marked), or {} when it gives none."""
    assert SPEC is not None
    scan = Scanner(SPEC).run(markers_below(split_lines("\n".join(lines)), OPTIONS))
    assign_values(scan.stream)
    slot = next(el for el in scan.stream if isinstance(el, Slot) and el.label.text == "他のシステムとの接続")
    boxes = slot.value.boxes if slot.value is not None else ()  # type: ignore[attr-defined]
    return {c.label: c.checked for c in boxes if c.checked is not None}


def test_each_row_of_options_takes_the_markers_below_it() -> None:
    assert _texts(GRID) == _folded(["③他のシステムとの接続 ☐ 情報提供ネットワークシステム ☑ 庁内連携システム",
                                    "☐ 住民基本台帳ネットワークシステム ☐ 既存住民基本台帳システム",
                                    "☑ 宛名システム等 ☐ 税務システム", "☑ その他 （ 架空連携システム ）"])


def test_markers_whose_rows_are_not_settled_are_left_as_printed() -> None:
    for lines in (["☐ ☐", *GRID],  # a markers row before: above or below their options?
                  [*GRID, "架空課 宛名システム等"],  # an options row after, as long as the last markers row
                  [*GRID[:2], "☐ ☑ ☐"],  # three markers under two options
                  ["本文の行 架空の説明", "☐"]):  # no option above the marker
        assert _texts(lines) == _folded(lines)


def test_a_grid_read_row_by_row_gives_every_option_its_marker() -> None:
    got = _connections(HEAD + GRID)
    assert got == {"情報提供ネットワークシステム": False, "庁内連携システム": True,
                   "住民基本台帳ネットワークシステム": False, "既存住民基本台帳システム": False, "宛名システム等": True,
                   "税務システム": False, "その他 ( 架空連携システム )": True}
    # the last row's markers missing: the rows above are read (read with the marker rows above them, the first row
    # would have none and the last row's two options one marker); the last row is not
    got = _connections(HEAD + GRID[:-1])
    assert len(got) == 6 and got["宛名システム等"] is True
    # an options row after the grid as long as its last markers row: above or below, both readings fit: none read
    assert _connections([*HEAD, *GRID[:6], "宛名システム等 その他 （ ）"]) == {}


def test_options_each_after_its_glyph_on_one_line() -> None:
    rows = ["③他のシステムとの接続 ☐ 情報提供ネットワークシステム ☑ 庁内連携システム",
            "☐ 住民基本台帳ネットワークシステム ■ 既存住民基本台帳システム", "□ 宛名システム等 ☐ 税務システム",
            "☐ その他 （ ）"]
    got = _connections(HEAD + rows)
    assert got["庁内連携システム"] is True and got["既存住民基本台帳システム"] is True
    assert got["情報提供ネットワークシステム"] is False and got["税務システム"] is False and len(got) == 7


def test_a_count_printed_over_two_lines_is_one() -> None:
    lines = split_lines("[ 委託する ]\n（3）\n件\n（ ）\n件です\n(2)\f件")
    assert [ln.text for ln in split_counts(lines, "件")] == ["[ 委託する ]", "(3) 件", "( )", "件です", "(2)", "件"]
