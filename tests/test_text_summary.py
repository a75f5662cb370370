"""概要 summaries: plain text with dumped tables, Markdown matrices, and PDF-like layout rows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import extract_document, results_to_tables
from extractor.errors import SpecError
from extractor.model import DocumentResult, DocumentRow
from extractor.pipeline import extract_bytes
from extractor.tables.write import write_tables
from extractor.text.markup import TextRow, to_layout_rows
from extractor.text.summary import find_items, find_option, is_summary_head, parse_summary_rows
from extractor.text.summary_tables import DumpTable, split_header_line
from extractor.text.summary_vocab import vocab
from tests.conftest import SCORER, SHARED

TEXT_SUMMARY = """
架空県の旅券事務に関する
「特定個人情報保護評価書（全項目評価書）（案）」の概要

Ⅰ 基本情報【評価書 P3】
項 目 内 容
①事務の名称 旅券の発給に関する事務
③対象人数 10万人以上30万人未満
①名称 ・旅券発給システム
②機能
・申請の受付、審査、
交付
③他のシステムと

の接続
・接続なし

Ⅱ 特定個人情報ファイルの概要【評価書 P6】
１ 特定個人情報ファイル名

旅券申請者ファイル

①ファイルの種類 システム用ファイル
②対象となる本人の数 10万人以上100万人未満
④記録される項目
（主な記録項目）

個人番号、４情報（氏名、性別、生年月日、住所）、連絡先（電話番号等）など
⑤保有開始日 平成２８年１月４日
⑦使用の主体 旅券課（１０人以上５０人未満）
委託事項１：旅券システムの保守業務

委託事項２：申請書の保管業務

委託内容 提供方法 委託先名 再委託

旅券システムの保守及び
障害対応

専用線 架空システム株式会社 ○

委託内容 提供方法 委託先名 再委託

申請書類の倉庫での
保管

紙 架空倉庫株式会社 －

※特定個人情報ファイルに記録された情報そのものを扱う事務は実施しない

５ 特定個人情報の提供・移転

提供先 用 途 提供する情報 提供方法

外務省

・旅券の作成及び発給の
記録

旅券申請情報 専用線

②保管期間
・１０年以上２０年未満：申請の日から保管
"""

MATRIX_SUMMARY = "\n".join([
    "架空市 介護保険事務 全項目評価書の概要",
    "",
    "I 基本情報",
    "◆事務において使用するシステム",
    "(1) 介護保険システム",
    "介護保険の資格管理を行うシステム。",
    "Ⅱ 特定個人情報ファイルの概要",
    "ファイル名\t(1) 被保険者ファイル (介護保険システム)\t(2) 給付 ファイル",
    "対象となる 本人の数\t10万人以上100万人未満\t1万人以上10万人未満",
    "保有開始日\t平成27年10月\t",
    "委託の有無\t有\t無",
    "委託内容\t①システム保守 ②通知書の印 刷\t",
    "提供・移転の有 無\t提供有 (情報提供ネットワーク) 移転無 (－)\t提供無 移転有 (他課)",
])


@pytest.fixture(scope="module")
def text_summary():
    return extract_bytes(TEXT_SUMMARY.encode(), "mini_summary.txt")


def test_detects_summary_titles() -> None:
    assert is_summary_head("相模原市 住民基本台帳事務 全項目評価書の概要について")
    assert is_summary_head("…に関する事務の\n「特定個人情報保護評価書（全項目評価書）（案）」の概要")
    assert not is_summary_head("特定個人情報保護評価書（全項目評価書）\nⅡ 特定個人情報ファイルの概要")


def test_bands_and_items_are_validated_against_the_form() -> None:
    pers = ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満", "1,000万人以上")
    assert find_option("・100万人以上1,000万人未満(推計)", pers) == "100万人以上1,000万人未満"
    assert find_option("11万人未満", pers) is None
    items = ("個人番号", "4情報(氏名、性別、生年月日、住所)", "その他住民票関係情報", "その他")
    printed = "個人番号、４情報（氏名、性別、生年月日、住所）、その他住民票関係情報など"
    assert find_items(printed, items) == list(items[:3])


def test_dumped_table_rows_are_rebuilt() -> None:
    names = split_header_line("委託内容 提供方法 委託先名 再委託")
    assert names == ["委託内容", "提供方法", "委託先名", "再委託"]
    rows = DumpTable(["description", "methods", "contractor", "subcontracting"]).feed(
        ["代表・業務端末等の機器の", "運用支援、障害時の", "復旧", "職員立会の上、ファイル", "内容に係わらない範囲で",
         "アクセス", "架空ソリューションズ(株) 第", "一営業部 ○"])
    assert rows == [[["代表・業務端末等の機器の運用支援、障害時の復旧"],
                     ["職員立会の上、ファイル内容に係わらない範囲でアクセス"],
                     ["架空ソリューションズ(株) 第一営業部"], ["○"]]]


def test_text_summary_document(text_summary) -> None:
    doc = text_summary.document
    assert (doc.source_format, doc.form_type, doc.status) == ("text", "summary", "ok")
    assert doc.title == "架空県の旅券事務に関する「特定個人情報保護評価書(全項目評価書)(案)」の概要"
    assert (doc.affair_name, doc.target_population) == ("旅券の発給に関する事務", "10万人以上30万人未満")


def test_text_summary_system_and_file(text_summary) -> None:
    (system,) = text_summary.systems
    assert (system.name, system.conn_juki_net, system.conn_other) == ("・旅券発給システム", False, False)
    assert "交付" in system.functions
    (f,) = text_summary.files
    assert (f.name, f.file_type) == ("旅券申請者ファイル", "システム用ファイル")
    assert f.subjects_band == "10万人以上100万人未満"
    assert f.main_items == ["個人番号", "4情報(氏名、性別、生年月日、住所)", "連絡先(電話番号等)"]
    assert (f.holding_start, f.users_band, f.retention_band) == ("2016-01-04", "10人以上50人未満", "10年以上20年未満")
    assert (f.entrusted, f.provides, f.transfers) == (True, True, None)


def test_text_summary_entrustments_and_recipients(text_summary) -> None:
    first, second = text_summary.entrustments
    assert (first.title, first.description) == ("旅券システムの保守業務", "旅券システムの保守及び障害対応")
    assert (first.provision_methods, first.subcontracting) == (["専用線"], True)
    assert first.contractor == "架空システム株式会社"
    assert (second.provision_methods, second.contractor, second.subcontracting) == (["紙"], "架空倉庫株式会社", False)
    (rec,) = text_summary.recipients
    assert (rec.kind, rec.recipient_no, rec.recipient, rec.listed_in) == ("provision", 1, "外務省", "summary")
    assert (rec.purpose, rec.information, rec.methods) == ("・旅券の作成及び発給の記録", "旅券申請情報", ["専用線"])


def test_markdown_matrix_summary() -> None:
    result = extract_bytes(MATRIX_SUMMARY.encode(), "matrix.md")
    assert result.document.form_type == "summary"
    assert [(s.system_no, s.name, s.functions) for s in result.systems] == [
        (1, "介護保険システム", "介護保険の資格管理を行うシステム。")]
    one, two = result.files
    assert (one.name, two.name.replace(" ", "")) == ("被保険者ファイル", "給付ファイル")
    assert (one.subjects_band, two.subjects_band) == ("10万人以上100万人未満", "1万人以上10万人未満")
    assert (one.holding_start, two.holding_start) == ("2015-10", None)
    assert (one.entrusted, two.entrusted) == (True, False)
    assert (one.provides, one.transfers, two.provides, two.transfers) == (True, False, False, True)
    assert [(e.file_no, e.entrustment_no, e.title) for e in result.entrustments] == [
        (1, 1, "システム保守"), (1, 2, "通知書の印 刷")]


def test_summary_rows_from_a_pdf_layout() -> None:
    rows = to_layout_rows([
        TextRow([["架空町 戸籍事務 全項目評価書の概要"]], free=True),
        TextRow([["Ⅱ 特定個人情報ファイルの概要"]], free=True),
        TextRow([["項目"], ["(1)"]]),
        TextRow([["ファイル名"], ["戸籍ファイル"]]),
        TextRow([["使用者数"], ["50人以上100人未満"]]),
        TextRow([["フ", "ァ", "イ", "ル"], ["種", "別"], ["No."], ["提供先・移転先"], ["用途"], ["方法"]]),
        TextRow([["(1)"], ["移", "転"], ["1"], ["税務課"], ["・課税"], ["庁内連携システム", "紙"]]),
    ])
    result = DocumentResult(DocumentRow("d", "x.pdf"))
    parse_summary_rows(rows, result)
    assert result.document.form_type == "summary"
    (f,) = result.files
    assert (f.name, f.users_band, f.transfers) == ("戸籍ファイル", "50人以上100人未満", True)
    (rec,) = result.recipients
    assert (rec.kind, rec.recipient, rec.methods) == ("transfer", "税務課", ["庁内連携システム", "紙"])


SEEDS = SHARED / "corpus" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir() or not SCORER.is_file(), reason="../shared corpus not present")
def test_seed_summaries_score(tmp_path: Path) -> None:
    results = [extract_document(p) for p in sorted(SEEDS.glob("*summary*"))]
    write_tables(results_to_tables(results), tmp_path)
    out = subprocess.run([sys.executable, str(SCORER), str(tmp_path)], capture_output=True, text=True, check=True)
    f1 = float(out.stdout.strip().splitlines()[-1].split()[-1])
    assert f1 >= 0.95, out.stdout


# ---------------------------------------------------------------- the vocabulary is layouts/summary.yaml


def _line_of(path: Path, text: str) -> int:
    return next(k for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("target: files.subjects_band", "target: files.subject_band", "table 'files' has no column 'subject_band'"),
    ("target: systems.name", "target: sytems.name", "unknown table 'sytems'"),
    ("answers: {委託: entrusted}", "answers: {委託: entrusted_flag}", "has no column 'entrusted_flag'"),
    ("target: files.holding_start, kind: date", "target: files.main_items, kind: date", "this kind needs str"),
    ("options: PERS}", "options: PERZ}", "unknown option set 'PERZ'"),
    ("continued: true", "continues: true", "unknown key(s) ['continues']"),
    ("kind: band, options: STAFF", "kind: bands, options: STAFF", "'bands' is not one of"),
    ("{part: V, word: 開示請求}", "{part: VII, word: 開示請求}", "full_h30 has no part 'VII'"),
])
def test_summary_vocabulary_errors_name_the_file_and_line(edit_layout, old: str, new: str, message: str) -> None:
    path = edit_layout("summary.yaml", old, new)
    line = _line_of(path, new)
    with pytest.raises(SpecError, match=rf"^summary\.yaml:{line}\b.*{re.escape(message)}"):
        vocab()


ALIAS_TEXT = "\n".join(["架空市 旅券事務 全項目評価書の概要", "Ⅰ 基本情報", "①システム名称 旅券発給システム",
                        "②システムの機能 申請の受付"])
ALIAS_MARKDOWN = "\n".join(["架空市 旅券事務 全項目評価書の概要", "", "Ⅰ 基本情報", "", "| 項目 | 内容 |", "|---|---|",
                            "| システム名称 | 旅券発給システム |", "| システムの機能 | 申請の受付 |"])


def _systems(text: str, name: str) -> list[tuple[str | None, str | None]]:
    result = extract_bytes(text.encode(), name)
    assert result.document.form_type == "summary"
    return [(s.name, s.functions) for s in result.systems]


def test_a_new_label_spelling_is_a_change_to_summary_yaml_only(edit_layout) -> None:
    assert _systems(ALIAS_TEXT, "alias.txt") == [(None, "申請の受付")]
    assert _systems(ALIAS_MARKDOWN, "alias.md") == [(None, "申請の受付")]
    edit_layout("summary.yaml", "aliases: [名称]", "aliases: [名称, システム名称]")
    assert _systems(ALIAS_TEXT, "alias.txt") == [("旅券発給システム", "申請の受付")]
    assert _systems(ALIAS_MARKDOWN, "alias.md") == [("旅券発給システム", "申請の受付")]


def test_summary_vocabulary_reuses_the_form_spec() -> None:
    v = vocab()
    titles = {p.key: p.title for p in v.form.parts}
    assert {p: w for w, p in v.part_words} == {"I": titles["I"], "II": titles["II"], "III": "リスク対策",
                                               "IV": titles["IV"], "V": "開示請求", "VI": titles["VI"]}
    assert v.kind_headers == (("provision", "提供先"), ("transfer", "移転先"))
    assert v.connections.columns["税務システム"] == "conn_tax"
    assert v.patterns.entrust_head.match("委託事項2：帳票の印刷").groups() == ("2", "帳票の印刷")


def test_a_summary_heading_whose_mark_ocr_misread_is_still_a_heading() -> None:
    """OCR reads the ◆ of `◆事務において使用するシステム` as 金 (or drops it): the heading is one the
    form prints, so the system list under it is still read."""
    rows = to_layout_rows([
        TextRow([["架空町 住民基本台帳事務 全項目評価書の概要"]], free=True),
        TextRow([["Ⅰ 基本情報"]], free=True),
        TextRow([["事務の内容(住民基本台帳事務)"]], free=True),
        TextRow([["金 事務において 使用するシステム"]], free=True),
        TextRow([["(1) 住民記録システム"], ["住民票の写しの発行等を行うためのシステム。"]]),
        TextRow([["(2) 中間サーバー"], ["情報提供ネットワークシステムとつなぐシステム。"]]),
    ])
    result = DocumentResult(DocumentRow("d", "x.pdf"))
    parse_summary_rows(rows, result)
    assert result.document.affair_name == "住民基本台帳事務"
    assert [(s.system_no, s.name) for s in result.systems] == [(1, "住民記録システム"), (2, "中間サーバー")]


def test_a_line_that_only_starts_like_a_heading_is_not_one() -> None:
    from extractor.text.summary import section_heading_of

    assert section_heading_of("◆保有する特定個人情報ファイル") == "保有する特定個人情報ファイル"
    assert section_heading_of("金事務において使用するシステム") == "事務において使用するシステム"
    assert section_heading_of("当該事務において使用するシステムの一覧") is None
    assert section_heading_of("住民記録システム") is None
