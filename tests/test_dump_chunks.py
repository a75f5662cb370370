"""The dump reader's checkbox grids a spreadsheet print cuts into pieces (real text inputs)."""

from __future__ import annotations

from typing import Any

from extractor.forms.detect import spec_by_id
from extractor.forms.events import CheckRead
from extractor.normalise import label_key
from extractor.text.dump.chunks import _runs, grid_pieces
from extractor.text.dump.lines import split_lines
from extractor.text.dump.parse import assign_values
from extractor.text.dump.scan import Scanner, Slot
from extractor.text.dump.values import DumpValue

PART = ["Ⅱ", "特定個人情報ファイルの概要", "１．特定個人情報ファイル名", "(1)住民基本台帳ファイル",
        "５．特定個人情報の提供・移転（委託に伴うものを除く。）"]
# hirosaki_juki_focused.xl: ⑥提供方法's left column after the label, its right column after the next block's labels
PROVISION = ["提供先1", "①法令上の根拠", "(別紙1)提供先一覧に記載", "⑥提供方法", "[ ○ ]",
             "情報提供ネットワークシステ", "ム", "[", "]", "電子メール", "", "⑦時期・頻度", "移転先1", "①法令上の根拠",
             "②移転先における用途", "", "[", "", "]", "", "専用線", "", "[", "", "]", "",
             "電子記録媒体(フラッシュメモリを", "除く。)", "紙", "", "[", "]", "フラッシュメモリ", "[", "]", "[", "]",
             "その他 （", "）",
             "情報提供ネットワークシステムを通じて照会があった都度"]
# fujisawa_juki_full.xl: ⑥移転方法's right column as a run of markers, then its options
TRANSFER = ["移転先1", "①法令上の根拠", "(別添5) 移転先一覧に記載", "⑥移転方法", "[ ○ ]", "庁内連携システム", "[", "]",
            "電子メール", "", "⑦時期・頻度", "６．特定個人情報の保管・消去", "", "[", "]", "フラッシュメモリ", "[", "]",
            "その他 （", "）", "(別添5) 移転先一覧に記載", "", "[", "]", "[ ○ ]", "[", "", "]", "", "専用線",
            "電子記録媒体(フラッシュメモリを", "除く。)", "紙", "", "①保管場所"]


def _read(lines: list[str], spec_id: str = "focused_h30") -> dict[str, Any]:
    """Each checkbox label -> its (option, state) list as the pieces give it."""
    spec = spec_by_id(spec_id)
    assert spec is not None
    dump_lines = split_lines("\n".join(lines))
    scan = Scanner(spec).run(dump_lines)
    assign_values(scan.stream)
    grid_pieces(spec, scan.stream, dump_lines)
    out: dict[str, Any] = {}
    for el in scan.stream:
        if isinstance(el, Slot) and el.label.kind == "checkbox" and el.value is not None:
            boxes = el.value.boxes  # type: ignore[attr-defined]
            if all(b.checked is not None for b in boxes):
                out[el.label.text] = [(b.label, b.checked) for b in boxes]
    return out


def test_a_grids_pieces_interleaved_with_the_next_blocks_labels_are_read() -> None:
    got = _read([*PART, *PROVISION])["提供方法"]
    assert [c for _, c in got] == [True, False, False, False, False, False, False]
    assert got[0][0] == "情報提供ネットワークシステム" and got[3][0] == "電子記録媒体(フラッシュメモリを除く。)"


def test_a_run_of_markers_then_one_column_of_options_is_read_in_order() -> None:
    got = dict(_read([*PART, *TRANSFER], "full_h30")["移転方法"])
    assert got["庁内連携システム"] is True and got["電子記録媒体(フラッシュメモリを除く。)"] is True
    assert not any(c for o, c in got.items() if o not in ("庁内連携システム", "電子記録媒体(フラッシュメモリを除く。)"))


def test_markers_that_cannot_be_tied_to_their_options_leave_the_grid_unread() -> None:
    # markers not all alike, then options from two columns of the grid (電子メール | 電子記録媒体…): whose marker is
    # whose is not told
    k = TRANSFER.index("専用線")
    two_columns = [*TRANSFER[:k], "電子メール", "紙", "専用線", "", "①保管場所"]
    two_columns[TRANSFER.index("電子メール")] = "電子記録媒体(フラッシュメモリを除く。)"
    assert "移転方法" not in _read([*PART, *two_columns], "full_h30")
    # the same in one column, in order: read
    one_column = [*TRANSFER[:k], "電子メール", "フラッシュメモリ", "その他 （", "）", "", "①保管場所"]
    one_column[TRANSFER.index("電子メール")] = "専用線"
    one_column[TRANSFER.index("フラッシュメモリ")] = "電子記録媒体(フラッシュメモリを除く。)"
    one_column[TRANSFER.index("その他 （"):TRANSFER.index("その他 （") + 2] = ["紙", ""]
    got = dict(_read([*PART, *one_column], "full_h30")["移転方法"])
    assert [o for o, c in got.items() if c] == ["庁内連携システム", "フラッシュメモリ"]
    # one piece a marker short of its options
    short = [ln for k, ln in enumerate(PROVISION) if k not in (30, 31)]
    assert "提供方法" not in _read([*PART, *short])
    # a piece two labels could take (both grids miss the same options): neither is read
    both = [*PROVISION[:11], *TRANSFER[:10], "⑦時期・頻度", *PROVISION[15:]]
    got = _read([*PART, *both])
    assert "提供方法" not in got and "移転方法" not in got


def test_a_grid_the_alignment_read_otherwise_is_left_as_it_was() -> None:
    spec = spec_by_id("focused_h30")
    assert spec is not None
    dump_lines = split_lines("\n".join([*PART, *PROVISION]))
    scan = Scanner(spec).run(dump_lines)
    slot = next(el for el in scan.stream if isinstance(el, Slot) and el.label.text == "提供方法")
    theirs = DumpValue(boxes=(CheckRead("電子メール", True), CheckRead("専用線", None)))
    slot.value = theirs
    grid_pieces(spec, scan.stream, dump_lines)
    assert slot.value is theirs
    slot.value = DumpValue(boxes=(CheckRead("電子メール", False), CheckRead("専用線", None)))
    grid_pieces(spec, scan.stream, dump_lines)
    assert [b.checked for b in slot.value.boxes] == [True, False, False, False, False, False, False]


# fujisawa_juki_full.xl: ⑥提供方法 all in one piece (its two columns interleaved), then ⑥移転方法 in three pieces
BOTH = ["提供先1", "①法令上の根拠", "(別添4) 提供先一覧に記載", "⑥提供方法", "[ ○ ]",
        "情報提供ネットワークシステ", "ム", "[", "]", "電子メール", "", "[", "", "]", "", "専用線", "",
        "[", "", "]", "", "電子記録媒体(フラッシュメモリを", "除く。)", "紙", "", "[", "]",
        "フラッシュメモリ", "[", "]", "[", "]", "その他 （", "）", "⑦時期・頻度",
        "(別添4) 提供先一覧に記載", *TRANSFER]


def test_a_piece_tied_from_its_start_and_alike_after_that_is_read() -> None:
    got = _read([*PART, *BOTH], "full_h30")
    assert [o for o, c in got["提供方法"] if c] == ["情報提供ネットワークシステム"]
    assert len(got["提供方法"]) == 7
    # its options are its own: the later pieces of 移転方法 are no one else's
    assert [o for o, c in got["移転方法"] if c] == ["庁内連携システム", "電子記録媒体(フラッシュメモリを除く。)"]
    # a checked marker after the piece's ties break: whose it is is not told
    k = BOTH.index("フラッシュメモリ")
    odd = [*BOTH[:k + 1], "[ ○ ]", *BOTH[k + 3:]]
    got = _read([*PART, *odd], "full_h30")
    assert "提供方法" not in got
    assert "移転方法" in got  # the unread piece is still 提供方法's


SYSTEMS = ["Ⅰ 基本情報", "２．特定個人情報ファイルを取り扱う事務において使用するシステム"]
# each column's markers, then its options (the grid's two columns one after the other)
CONN_PIECE = ["[ ]", "[ ]", "[ ○ ]", "[", "]", "情報提供ネットワークシステム", "住民基本台帳ネットワークシステム",
              "宛名システム等", "その他 （ 架空連携システム ）", "[ ○ ]", "[ ]", "[ ]", "庁内連携システム",
              "既存住民基本台帳システム", "税務システム"]


def test_a_systems_grid_on_a_later_page_is_not_given_a_piece_an_earlier_pages_grid_may_own() -> None:
    one = [*SYSTEMS, "システム1", "①システムの名称", "架空システム", "③他のシステムとの接続"]
    two = ["システム2", "①システムの名称", "別の架空システム", "③他のシステムとの接続"]
    got = _read([*one, *CONN_PIECE], "full_h30")["他のシステムとの接続"]
    assert [o for o, c in got if c] == ["庁内連携システム", "宛名システム等"]
    assert got[-1][0] == "その他 ( 架空連携システム )"  # lines are folded
    # two grids before the piece on its page: neither is read
    assert _read([*one, *two, *CONN_PIECE], "full_h30") == {}
    # the first system's grid on the page before, still without its boxes: the piece may be its own
    assert _read([*one, "\f" + two[0], *two[1:], *CONN_PIECE], "full_h30") == {}


# fujisawa_juki_full.xl: 入手元's markers (one a row) and one of 入手方法's, then 入手元's options, then 入手方法's
SOURCES = ["３．特定個人情報の入手・使用", "①入手元 ※", "", "②入手方法", "", "③入手の時期・頻度", "[ ○ ]", "[", "]",
           "[", "]", "[ ○ ]", "[", "]", "[ ○ ]", "[ ○ ]", "", "本人又は本人の代理人", "評価実施機関内の他部署 （", "）",
           "行政機関・独立行政法人等 （", "）", "地方公共団体・地方独立行政法人(他市町村作成の転出証明書等の証明書)",
           "民間事業者 （", "）", "その他(地方公共団体情報システム機構)", "紙", "[", "]", "電子記録媒体(フ", "[", "]",
           "フラッシュメモ", "ラッシュメモリ", "リ", "を除く。)"]


def test_a_run_of_markers_is_split_after_one_whole_column_of_a_grid() -> None:
    got = _read([*PART[:4], *SOURCES], "full_h30")
    checked = [o for o, c in got["入手元"] if c]
    assert checked == ["本人又は本人の代理人", "地方公共団体・地方独立行政法人(他市町村作成の転出証明書等の証明書)",
                       "その他(地方公共団体情報システム機構)"]
    assert "入手方法" not in got
    # a column cut short (民間事業者 missing): nothing is split off
    k = SOURCES.index("民間事業者 （")
    cut = [*SOURCES[:k], *SOURCES[k + 2:]]
    assert "入手元" not in _read([*PART[:4], *cut], "full_h30")


def test_labels_cut_short_are_made_whole_from_ends_printed_further_on() -> None:
    # hirosaki_juki_focused.xl: 入手方法's two wrapped labels, their ends printed after the next marker and label
    lines = ["紙", "[", "]", "電子記録媒体(フ", "[", "]", "フラッシュメモ", "ラッシュメモリ", "リ", "を除く。)",
             "電子メール"]
    spec = spec_by_id("full_h30")
    assert spec is not None
    options = frozenset(label_key(o) for f in spec.fields if f.label == "入手方法" for o in spec.options_of(f))
    page = list(enumerate(split_lines("\n".join(lines))))
    runs = _runs(page, options)
    assert len(runs) == 1
    assert [t.option or t.mark for t in runs[0][1]] == [
        "紙", False, "電子記録媒体(フラッシュメモリを除く。)", False, "フラッシュメモリ", "電子メール"]
    # an end that never comes: the label stays cut short, and the piece ties nothing
    runs = _runs(page[:8], options)
    assert any(t.mark is None and not t.option for t in runs[0][1])


# hirosaki_juki_focused.xl: 入手元's markers and three of 入手方法's (its first column's top three rows), then 入手元's
# options, then 入手方法's, each but those three right after its own marker
SOURCES_3 = ["３．特定個人情報の入手・使用", "①入手元 ※", "", "②入手方法", "", "③使用目的 ※", "[", "]", "[", "]",
             "[ ○ ]", "[ ○ ]", "[", "]", "[", "]", "[", "]", "[", "", "]", "", "[", "", "]", "", "本人又は本人の代理人",
             "評価実施機関内の他部署 （", "）", "行政機関・独立行政法人等(地方公共団体情報システム機構、出入国在留管理",
             "庁)", "地方公共団体・地方独立行政法人(他市区町村作成の転出証明書)", "民間事業者 （", "）",
             "その他 （", "）", "紙", "[", "]", "電子記録媒体(フ", "[", "]", "フラッシュメモ", "ラッシュメモリ", "リ",
             "を除く。)", "電子メール", "", "[", "", "]", "", "専用線", "", "[", "", "]", "", "庁内連携システ", "ム",
             "", "情報提供ネット", "ワークシステム", "[ ○ ]",
             "その他 （ 住民基本台帳ネットワークシステム ）", "④使用の主"]


def test_markers_of_a_columns_top_rows_printed_before_the_piece_are_tied_to_its_options_printed_bare() -> None:
    got = _read([*PART[:4], *SOURCES_3])
    assert [o for o, c in got["入手元"] if c] == [
        "行政機関・独立行政法人等(地方公共団体情報システム機構、出入国在留管理庁)",
        "地方公共団体・地方独立行政法人(他市区町村作成の転出証明書)"]
    assert [o for o, c in got["入手方法"] if c] == ["その他 ( 住民基本台帳ネットワークシステム )"]
    assert len(got["入手方法"]) == 8
    # the bare options not one column's top rows (電子メール wrapped to after 専用線): not read
    k, j = SOURCES_3.index("電子メール"), SOURCES_3.index("専用線")
    moved = [*SOURCES_3[:k], *SOURCES_3[k + 1:j + 1], "電子メール", *SOURCES_3[j + 1:]]
    assert "入手方法" not in _read([*PART[:4], *moved])
    # a checked marker among the three (the run's eighth): still read, the second bare option's
    eighth = [*SOURCES_3[:18], "[ ○ ]", *SOURCES_3[21:]]
    assert [o for o, c in _read([*PART[:4], *eighth])["入手方法"] if c] == [
        "電子メール", "その他 ( 住民基本台帳ネットワークシステム )"]
    # two markers together after the run's start: whose is whose is not told
    two = [*SOURCES_3]
    two[two.index("専用線")] = "[ ]"
    two.insert(two.index("庁内連携システ"), "専用線")
    assert "入手方法" not in _read([*PART[:4], *two])


# fujisawa_juki_full.xl: ④委託先への…提供方法, its first column's two markers, then its options row by row
ENTRUST = ["４．特定個人情報ファイルの取扱いの委託", "委託事項1", "①委託内容", "③委託先における取扱者数", "",
           "④委託先への特定個人情報ファイルの", "提供方法", "", "⑤委託先名の確認方法", "", "⑥委託先名", "",
           "[ 10万人以上100万人未満 ]", "", "[", "", "]", "", "[", "", "]", "", "専用線", "", "[", "", "]", "",
           "電子メール", "", "[", "", "]", "", "電子記録媒体(フ", "ラッシュメモリ", "を除く。)", "",
           "フラッシュメモ", "[", "]", "紙", "リ", "[ ○ ]",
           "その他 （ 入退室管理及び監視カメラを設置し、区画・施錠管理されている執",
           "務室及びサーバ室内でのみ作業 ）", "＜中間サーバ・プラットフォームにおける措置＞"]


def test_an_entrustments_grid_with_its_first_columns_markers_first_is_read() -> None:
    got = _read([*PART[:4], *ENTRUST], "full_h30")
    methods = got["委託先への特定個人情報ファイルの提供方法"]
    assert len(methods) == 6
    assert [o for o, c in methods if c] == [
        "その他 ( 入退室管理及び監視カメラを設置し、区画・施錠管理されている執務室及びサーバ室内でのみ作業 )"]
