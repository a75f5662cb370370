"""Markdown / HTML / tab-separated conversions of a form, walked with the PDF form specs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor import extract_document, results_to_tables
from extractor.pipeline import extract_bytes
from extractor.read.sniff import sniff_format
from extractor.tables.write import write_tables
from extractor.text.markup import fragment_lines, split_markdown
from tests.conftest import SCORER, SHARED

CHK = '<input checked="" type="checkbox"/>'
BOX = '<input type="checkbox"/>'
STAFF = ("<選択肢> 1) 10人未満 2) 10人以上50人未満 3) 50人以上100人未満 4) 100人以上500人未満"
         " 5) 500人以上1,000人未満 6) 1,000人以上")
PERS = ("<選択肢> 1) 1万人未満 2) 1万人以上10万人未満 3) 10万人以上100万人未満"
        " 4) 100万人以上1,000万人未満 5) 1,000万人以上")
ENOUGH = "<選択肢> 1) 特に力を入れている 2) 十分である 3) 課題が残されている"

FOCUSED_MD = "\n".join([
    "特定個人情報保護評価書(重点項目評価書)",
    "",
    "評価書番号\t評価書名",
    "7\t戸籍事務 重点項目評価書",
    "",
    "評価実施機関名",
    "",
    "架空町長",
    "",
    "公表日",
    "",
    "令和5年4月1日",
    "",
    "項目一覧",
    "",
    "I 基本情報",
    "II 特定個人情報ファイルの概要",
    "III リスク対策",
    "",
    "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
    "",
    "システム1\t\t\t",
    "①システムの名称\t戸籍システム\t\t",
    "②システムの機能\t<p>①戸籍の記載</p> <p>②証明書の発行</p>\t\t",
    f"③他のシステムとの接続\t<table><tr><td>[{BOX}] 情報提供ネットワークシステム</td>"
    f"<td>[{CHK}] 庁内連携システム</td></tr><tr><td>[{CHK}] 宛名システム等</td>"
    f"<td>[{BOX}] 税務システム</td></tr></table>\t[{BOX}] 情報提供ネットワークシステム\t[{CHK}] 庁内連携システム",
    f"[{BOX}] 情報提供ネットワークシステム\t[{CHK}] 庁内連携システム\t\t",
    f"[{CHK}] 宛名システム等\t[{BOX}] 税務システム\t\t",
    "",
    "II 特定個人情報ファイルの概要",
    "",
    "1. 特定個人情報ファイル名\t",
    "(1)戸籍情報ファイル\t",
    "2. 基本情報\t",
    f"②対象となる本人の数\t[1万人以上10万人未満] {PERS}",
    "⑤保有開始日\t平成28年1月",
    "⑥事務担当部署\t住民課",
    "3. 特定個人情報の入手・使用\t\t",
    f"①入手元 ※\t{CHK} 本人又は本人の代理人 {BOX} 評価実施機関内の他部署 () {CHK} その他 (法務局)",
    "④使用の主体\t使用部署 住民課\t",
    "\t使用者数 [10人未満] <table><tr><td colspan=\"2\"><選択肢></td></tr><tr><td>1) 10人未満</td></tr></table>",
    "<選択肢>\t\t",
    "1) 10人未満\t\t",
    "4. 特定個人情報ファイルの取扱いの委託\t",
    f"委託の有無 ※\t{BOX} 委託する] <選択肢> (1) 件 1) 委託する 2) 委託しない",
    "委託事項1\t戸籍システム保守",
    "①委託内容\t戸籍システムの保守",
    f"②委託先における取扱者数\t[10人未満] {STAFF}",
    "③委託先名\t架空システム株式会社",
    "再委託\t④再委託の有無 ※\t[再委託しない] <選択肢> 1) 再委託する 2) 再委託しない",
    "5. 特定個人情報の提供・移転(委託に伴うものを除く。)\t",
    "提供・移転の有無\t[○] 提供を行っている (1) 件 [] 移転を行っている () 件 [] 行っていない",
    "提供先1\t法務局",
    "①法令上の根拠\t戸籍法第1条",
    f"④提供する情報の対象となる本人の数\t{BOX} 1万人以上10万人未満 {BOX} {BOX} {PERS}",
    "⑥提供方法\t[] 情報提供ネットワークシステム [○] 専用線 [] その他 ()",
    "",
    "(別添1) 特定個人情報ファイル記録項目",
    "",
    "1. 本籍、2. 氏名",
    "",
    "リスク2: 権限のない者(元職員、アクセス権限のない職員等)によって不正に使用されるリスク\t",
    "ユーザ認証の管理\t[行っている] <選択肢> 1) 行っている 2) 行っていない",
    "リスクへの対策は十分か\t[]\t<選択肢> 1) 特に力を入れている 3) 課題が残されている\t2) 十分である",
    "特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置\t",
    "4. 特定個人情報ファイルの取扱いの委託 [] 委託しない\t",
    "リスク： 委託先における不正な使用等のリスク\t",
    f"リスクへの対策は十分か\t[十分である] {ENOUGH}",
    "",
    "9. 従業者に対する教育・啓発",
    "",
    "従業者に対する教育・啓発 十分に行っている 十分に行っていない",
    " <選択肢>",
    " 1) 特に力を入れて行っている 2) 十分に行っている",
    "",
])


@pytest.fixture(scope="module")
def focused(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("md") / "mini_focused.md"
    path.write_text(FOCUSED_MD, encoding="utf-8")
    return extract_document(path)


def test_markers_and_mangled_brackets() -> None:
    assert fragment_lines(f"[{CHK}] 庁内連携システム [{BOX}] 税務")[0] == ["[○] 庁内連携システム [ ] 税務"]
    assert fragment_lines(f"{CHK} 紙 {BOX} 専用線")[0] == ["[○] 紙 [ ] 専用線"]
    assert fragment_lines(f"{BOX} 10人未満] <選択肢> 1) 10人未満")[0][0].startswith("[ 10人未満]")
    assert fragment_lines(f"{BOX} 1万人未満 {BOX} {BOX} <選択肢> 1) 1万人未満")[0][0].startswith("[1万人未満]")
    assert fragment_lines("<p>a</p><p>b</p>x<br>y")[0] == ["a", "b", "x", "y"]


def test_nested_table_echo_rows_are_dropped() -> None:
    rows = split_markdown(FOCUSED_MD)
    echoes = [r for r in rows if r.cells and r.cells[0] and r.cells[0][0].startswith("[ ] 情報提供")]
    assert echoes == []


def test_cover_and_form(focused) -> None:
    doc = focused.document
    assert (doc.source_format, doc.form_type, doc.layout_id) == ("markdown", "focused", "focused_h30")
    assert (doc.assessment_no, doc.title, doc.organization) == ("7", "戸籍事務 重点項目評価書", "架空町長")
    assert doc.published_on == "2023-04-01"


def test_system_recovered_without_part_heading(focused) -> None:
    (system,) = focused.systems
    assert (system.system_no, system.name) == (1, "戸籍システム")
    assert system.conn_intra_agency is True and system.conn_address is True
    assert system.conn_info_network is False and system.conn_tax is False
    assert any("heading of part Ⅰ is missing" in w for w in focused.document.warnings)


def test_file_fields(focused) -> None:
    (f,) = focused.files
    assert (f.file_no, f.name, f.subjects_band) == (1, "戸籍情報ファイル", "1万人以上10万人未満")
    assert (f.holding_start, f.department, f.users_band) == ("2016-01", "住民課", "10人未満")
    assert f.sources == ["本人又は本人の代理人", "その他"]
    assert (f.entrusted, f.n_entrustments, f.provides, f.n_provisions, f.transfers) == (True, 1, True, 1, False)


def test_entrustment_and_recipient(focused) -> None:
    (e,) = focused.entrustments
    assert (e.title, e.description, e.contractor) == ("戸籍システム保守", "戸籍システムの保守", "架空システム株式会社")
    assert (e.handlers_band, e.subcontracting) == ("10人未満", False)
    (r,) = focused.recipients
    assert (r.kind, r.recipient, r.legal_basis, r.listed_in) == ("provision", "法務局", "戸籍法第1条", "body")
    assert r.subjects_band == "1万人以上10万人未満"
    assert r.methods == ["専用線"]


def test_risk_fragment_after_annex_is_recovered(focused) -> None:
    rows = {(r.section_no, r.risk_no, r.question): r for r in focused.risk_ratings}
    auth = rows[(3, 2, "ユーザ認証の管理")]
    assert (auth.file_no, auth.section, auth.answer, auth.answer_code) == (1, "特定個人情報の使用", "行っている", 1)
    assert rows[(3, 2, "リスクへの対策は十分か")].answer is None
    entrust = rows[(4, None, "リスクへの対策は十分か")]
    assert entrust.risk == "委託先における不正な使用等のリスク"
    assert (entrust.answer, entrust.answer_code) == ("十分である", 2)


def test_choice_without_brackets_is_a_row_without_answer(focused) -> None:
    rows = [r for r in focused.risk_ratings if r.section_no == 9]
    assert [(r.question, r.answer) for r in rows] == [("従業者に対する教育・啓発", None)]


def test_html_document_gives_the_same_records() -> None:
    body = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>" if "\t" in line else f"<p>{line}</p>"
        for line in FOCUSED_MD.splitlines() if line.strip()
    )
    html = f"<!DOCTYPE html><html><body><table>{body}</table></body></html>"
    assert sniff_format(html.encode(), ".html") == "html"
    result = extract_bytes(html.encode(), "mini.html")
    assert result.document.form_type == "focused"
    assert [s.name for s in result.systems] == ["戸籍システム"]
    assert [e.contractor for e in result.entrustments] == ["架空システム株式会社"]


def test_sniff_format_tolerates_a_cut_character() -> None:
    data = ("評価書\t番号\n" * 3).encode() + "あ".encode()[:2]
    assert sniff_format(data, ".txt") == "markdown"
    assert sniff_format("特定個人情報保護評価書\n".encode("cp932"), ".txt") == "text"


def test_unknown_text_fails_plainly() -> None:
    result = extract_bytes("ただのメモです。\n".encode(), "memo.txt")
    assert result.document.status == "failed"
    assert "not a recognised" in result.document.warnings[0]


SEED = SHARED / "corpus" / "seeds" / "hirosaki_juki_focused.md"


@pytest.mark.skipif(not SEED.is_file() or not SCORER.is_file(), reason="../shared corpus not present")
def test_seed_markdown_scores(tmp_path: Path) -> None:
    result = extract_document(SEED)
    write_tables(results_to_tables([result]), tmp_path)
    out = subprocess.run([sys.executable, str(SCORER), str(tmp_path)], capture_output=True, text=True, check=True)
    f1 = float(out.stdout.strip().splitlines()[-1].split()[-1])
    assert f1 >= 0.95, out.stdout
    assert "P 1.000" in out.stdout.split("== by table")[1].splitlines()[-2] or f1 >= 0.98
