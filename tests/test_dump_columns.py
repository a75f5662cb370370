"""The dump reader's rules for system and entrustment blocks a spreadsheet print scatters (real text inputs)."""

from __future__ import annotations

from typing import Any

from extractor.forms.detect import spec_by_id
from extractor.forms.events import BlockStart
from extractor.text.dump.column import marker_columns
from extractor.text.dump.lines import split_lines
from extractor.text.dump.lists import lists_after_labels
from extractor.text.dump.parse import assign_values
from extractor.text.dump.scan import Scanner, Slot

SYSTEMS = ["Ⅰ 基本情報", "２．特定個人情報ファイルを取り扱う事務において使用するシステム"]
LABELS_BLOCK = ["情報提供ネットワークシステ", "[ ○ ]", "庁内連携システム", "ム", "住民基本台帳ネットワークシ", "[", "]",
                "既存住民基本台帳システム", "ステム", "宛名システム等", "[ ○ ]", "税務システム",
                "その他 （ 架空連携システム ）"]
HEAD = [*SYSTEMS, "システム1", "①システムの名称", "架空システム", "②システムの機能", "架空の機能",
        "③他のシステムとの接続"]
CONN = "他のシステムとの接続"
INFO, JUKI, ADDR = "情報提供ネットワークシステム", "住民基本台帳ネットワークシステム", "宛名システム等"


def _read(lines: list[str], spec_id: str = "full_h30") -> list[dict[str, Any]]:
    """Each block's label -> value, in order (the title of a block heading as `title`)."""
    spec = spec_by_id(spec_id)
    assert spec is not None
    dump_lines = split_lines("\n".join(lines))
    scan = Scanner(spec).run(dump_lines)
    assign_values(scan.stream)
    marker_columns(spec, scan.stream, dump_lines)
    lists_after_labels(scan.stream)
    blocks: list[dict[str, Any]] = [{}]
    for el in scan.stream:
        if isinstance(el, BlockStart) or (isinstance(el, Slot) and el.head is not None):
            blocks.append({})
        if isinstance(el, Slot) and el.value is not None:
            v = el.value
            key = el.label.text or "title"
            blocks[-1][key] = (v.answer if v.answer is not None  # type: ignore[attr-defined]
                               else [(c.label, c.checked) for c in v.boxes] or v.text())  # type: ignore[attr-defined]
    return blocks[1:] if len(blocks) > 1 else blocks


def test_a_grids_first_column_of_markers_printed_after_its_label_is_read() -> None:
    # a spreadsheet print: ③'s left column of markers (one a row) right after the label, the option labels with
    # the right column's markers printed under the next system's heading
    text = [*HEAD, "[", "]", "[ ○ ]", "[ ○ ]", "[ ]", "システム2", "①システムの名称", "別の架空システム", *LABELS_BLOCK,
            "②システムの機能", "③他のシステムとの接続", "別の架空の機能", "[", "]", "[", "]", "[", "]", "[ ○ ]",
            "３．特定個人情報ファイル名"]
    one, two = _read(text)
    assert one[CONN][:4] == [(INFO, False), (JUKI, True), (ADDR, True), ("その他", False)]
    assert all(c is None for _, c in one["他のシステムとの接続"][4:])
    assert two[CONN][:4] == [(INFO, False), (JUKI, False), (ADDR, False), ("その他", True)]


def test_a_run_of_markers_is_read_only_when_it_is_one_a_row_and_ends_the_block() -> None:
    head = HEAD
    three = ["[ ]", "[ ○ ]", "[ ]"]  # three markers for a grid of four rows: which rows they are is not told
    assert "他のシステムとの接続" not in _read([*head, *three, "システム2"])[0]
    four = ["[ ]", "[ ○ ]", "[ ]", "[ ○ ]"]
    assert "他のシステムとの接続" not in _read([*head, *four, "架空の説明", "システム2"])[0]  # text after the run
    assert "他のシステムとの接続" not in _read([*head, "[ ]", "架空の説明", *four[1:], "システム2"])[0]  # two runs
    # the markers printed beside the option labels are theirs; the run after the labels is the left column's
    got = _read([*head, *LABELS_BLOCK, *four, "システム2"])[0]["他のシステムとの接続"]
    assert got[:4] == [(INFO, False), (JUKI, True), (ADDR, False), ("その他", True)]


SYS_LABELS = ["①システムの名称", "②システムの機能", "③他のシステムとの接続"]
LIST = ["1.架空の照会", "架空の記録を照会する機能。", "2.架空の発行", "架空の証明書を発行する機能。"]
FUNCTIONS = "1.架空の照会架空の記録を照会する機能。\n2.架空の発行架空の証明書を発行する機能。"


def test_a_one_line_value_then_an_enumerated_list_after_a_column_of_labels() -> None:
    got = _read([*SYSTEMS, "システム1", *SYS_LABELS, "架空システム", *LIST, "[ ]", "システム2"])[0]
    assert got["システムの名称"] == "架空システム"
    assert got["システムの機能"] == FUNCTIONS
    # one label that takes text: the list is its value
    got = _read([*SYSTEMS, "システム1", "①システムの名称", "架空システム", *SYS_LABELS[1:], *LIST, "[ ]",
                 "システム2"])[0]
    assert got["システムの名称"] == "架空システム" and got["システムの機能"] == FUNCTIONS


def test_a_list_that_may_go_on_or_does_not_start_at_its_first_line_settles_nothing() -> None:
    head = [*SYSTEMS, "システム1", *SYS_LABELS]
    assert "システムの機能" not in _read([*head, "架空システム", "架空の説明", *LIST, "[ ]", "システム2"])[0]
    assert "システムの機能" not in _read([*head, "架空システム", *LIST, "(平成28年1月)", "[ ]", "システム2"])[0]
    assert "システムの機能" not in _read([*head, "架空システム", *LIST])[0]  # the page may go on with it
    # a heading numbered as the list's next item is the list going on
    four = [*LIST, "3.架空の照会", "架空の照会機能。", "4.架空の統計", "架空の統計機能。"]
    got = _read([*head, "架空システム", *four, "[ ]", "システム2"], "focused_h30")[0]
    assert got["システムの名称"] == "架空システム"
    assert "システムの名称" not in _read([*head, "架空システム", *four, "5.情報提供", "架空の提供機能。", "[ ]",
                                         "システム2"], "focused_h30")[0]
    # an earlier label still empty on the page: the block may be its value (two blocks' labels, then values)
    early = ["Ⅰ 基本情報", "１．特定個人情報ファイルを取り扱う事務", "①事務の名称",
             "２．特定個人情報ファイルを取り扱う事務において使用するシステム", "システム1", *SYS_LABELS]
    assert "システムの名称" not in _read([*early, "架空の事務", *LIST, "[ ]", "システム2"])[1]
