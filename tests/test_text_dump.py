"""Plain text dumps of a 様式4 form whose reading order is lost within each page."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import extract_document, results_to_tables
from extractor.forms.detect import spec_by_id
from extractor.pipeline import extract_bytes
from extractor.tables.write import write_tables
from extractor.text.dump.pages import Page, part_headings, split_pages
from extractor.text.dump.risks import _line_values
from tests.conftest import SCORER, SHARED

GAP = "\n\n\n\n"
TITLES = {"II": "特定個人情報ファイルの概要", "III": "特定個人情報ファイルの取扱いプロセスにおけるリスク対策"}
ANSWERS = {"ENOUGH": "十分である", "DO": "行っている", "REC": "記録を残している", "LIMIT": "制限している",
           "RULE": "定めている", "SUBC": "再委託していない", "NISC": "政府機関ではない", "SEIBI": "十分に整備している",
           "SHUCHI": "十分に周知している", "GYO": "十分に行っている", "ACC": "発生なし", "DEAD": "保管している"}


def _page(lines: list[str], seed: int) -> str:
    shuffled = list(lines)
    random.Random(seed).shuffle(shuffled)
    return "\n\n".join(shuffled)


def _risk_pages() -> list[str]:
    """Ⅲ (one file) and Ⅳ of the outline, one page per section, lines shuffled within the page."""
    spec = spec_by_id("full_h30")
    assert spec is not None
    pages = []
    for part in ("III", "IV"):
        for n, section in enumerate(s for s in spec.outline if s.part == part):
            lines = [f"{section.section}．{section.title}"]
            if part == "III" and n == 0:
                lines += ["Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策 ※（７．リスク１⑨を除く。）",
                          " １．特定個人情報ファイル名", "１．架空ファイル"]
            if part == "IV" and n == 0:
                lines.append("Ⅳ　その他のリスク対策 ※")
            for risk in section.risks:
                if risk.no:
                    lines.append(f"リスク{risk.no}：　{risk.title}")
                for label, option_set in risk.questions.items():
                    answer = "" if section.section == 6 and risk.no in (1, 2) else ANSWERS[option_set]
                    if label == "⑤物理的対策":  # label and answer printed apart
                        lines += [f" {label}", f"[ {answer}", "1） 特に力を入れて行っている 2） 十分に行っている"]
                    else:
                        lines.append(f" {label} [ {answer} ] ＜選択肢＞")
            pages.append(_page(lines, seed=len(pages)))
    return pages


DUMP = GAP.join([
    _page(["特定個人情報保護評価書（全項目評価書）", " 評価書名", "架空事務　全項目評価書", "評価書番号", "12",
           "  令和4年3月1日", "　架空町長", " 評価実施機関名", "[平成30年５月　様式４]"], seed=1),
    "Ⅰ　基本情報\n １．特定個人情報ファイルを取り扱う事務\n ①事務の名称 架空事務\n ③対象人数 [ 1万人以上10万人未満",
    "\n\n".join([" システム2", " ①システムの名称 架空連携システム\n ②システムの機能",
                "１．連携機能\n　データを連携する。", " ①システムの名称 架空基幹システム\n ②システムの機能",
                "１．記録機能\n　住民を記録する。", " システム1", "[ ○ ] その他 （ 架空 ）"]),
    _page(["Ⅱ　特定個人情報ファイルの概要", " １．特定個人情報ファイル名", "１．架空ファイル",
           " ①ファイルの種類　※ [ システム用ファイル", " ②対象となる本人の数 [ 1万人以上10万人未満",
           " ⑤保有開始日 平成２８年４月", " ⑥事務担当部署\n住民課", " 使用者数 [ 10人以上50人未満",
           "[ ○ ] 提供を行っている （ 2 ） 件 [", "[ ] 行っていない", " ⑨使用開始日 平成28年4月1日",
           "＜選択肢＞\n1） 委託する 2） 委託しない", "[ 委託しない", " 期間 [ 5年",
           " 提供先1 架空機構", " ①法令上の根拠 架空法第１条", " ②提供先における用途\n架空の用途",
           " ⑤提供する情報の対象となる\n本人の範囲\n「２．③対象となる本人の範囲」と同上。", " ⑦時期・頻度 随時",
           " 移転先1", " ②移転先における用途"], seed=2),
    *_risk_pages(),
    "（別添３）変更箇所\n変更日 項目\n令和4年3月1日 Ⅱ　特定個人情報ファイルの概要　１．架空ファイル　２．基本情報",
    "［別添４］　Ⅱ ファイルの概要（１．架空ファイル）－５．特定個人情報の提供・移転\n\n提供先一覧\n\n"
    "提供先 ①法令上の根拠 ②提供先における用途 ③提供する情報\n④対象とな\nる本人の数\n\n⑤対象となる本人の範囲\n⑥提供\n"
    "方法\n\n⑦時期・頻度\n\n"
    "架空県知事\n番号法\n別表第2の9項\n\n架空の事務に関する\n用途\n\n住民票関係情報\n\n1万人以上\n10万人未満\n\n"
    "架空の範囲\n\n情報提供\nネットワー\nクシステム\n\n照会の都度\n\n"
    "架空大学\n番号法\n別表第2の10項\n\n別の事務\n\n住民票関係情報\n\n1万人未満\n架空の対象者\n\n紙\n\n随時",
])


@pytest.fixture(scope="module")
def dump():
    return extract_bytes(DUMP.encode(), "mini_dump.txt")


def test_pages_and_headings() -> None:
    pages = split_pages("a\n\n\n\nb\n\nc\fd")
    assert [p.texts() for p in pages] == [["a"], ["b", "c"], ["d"]]
    page = Page(1, split_pages("Ⅱ　特定個人情報ファイルの概要　１．ファイル　４．委託")[0].lines)
    assert part_headings(page, TITLES) == []
    assert part_headings(split_pages("Ⅲ　" + TITLES["III"] + " ※（７．を除く。）")[0], TITLES) == ["III"]


def test_answers_are_read_from_fragments() -> None:
    options = {"十分である", "特に力を入れている", "定めている", "十分に行っている"}
    line = "リスクへの対策は十分か [ 十分である 2） 十分である1） 特に力を入れている"
    assert _line_values(line, options) == ["十分である"]
    assert _line_values("定めている[ ] 1） 定めている 2） 定めていない", options) == ["定めている"]
    assert _line_values("①自己点検 十分に行っている[ ＜選択肢＞", options) == ["十分に行っている"]
    assert _line_values("3） 課題が残されている", options) == []


def test_dump_document_and_file(dump) -> None:
    doc = dump.document
    assert (doc.source_format, doc.form_type, doc.form_version, doc.status) == ("text", "full", "平成30年5月 様式4",
                                                                                "partial")
    assert (doc.assessment_no, doc.title, doc.organization, doc.published_on) == (
        "12", "架空事務 全項目評価書", "架空町長", "2022-03-01")
    assert (doc.affair_name, doc.target_population) == ("架空事務", "1万人以上10万人未満")
    (f,) = dump.files
    assert (f.file_no, f.name, f.file_type) == (1, "架空ファイル", "システム用ファイル")
    assert f.subjects_band == "1万人以上10万人未満"
    assert (f.holding_start, f.department, f.users_band, f.use_start) == ("2016-04", "住民課", "10人以上50人未満",
                                                                          "2016-04-01")
    assert (f.entrusted, f.provides, f.n_provisions, f.retention_band) == (False, True, 2, "5年")


def test_dump_risk_answers_follow_the_outline(dump) -> None:
    rows = dump.risk_ratings
    assert len(rows) == 45 + 3
    by_q = {(r.part, r.section_no, r.risk_no, r.question): r for r in rows}
    assert by_q[("III", 2, 1, "リスクへの対策は十分か")].answer == "十分である"
    assert by_q[("III", 7, 1, "物理的対策")].answer == "十分に行っている"
    assert by_q[("III", 7, 1, "NISC政府機関統一基準群")].answer_code == 4
    assert by_q[("III", 6, 1, "リスクへの対策は十分か")].answer is None  # blank on its page: not guessed
    assert by_q[("IV", 1, None, "監査")].answer == "十分に行っている"
    placed = [r for r in rows if r.answer is not None]
    assert all(r.answer_code is not None for r in placed)
    assert len(placed) >= 40


def test_dump_systems_pair_headings_with_names(dump) -> None:
    assert [(s.system_no, s.name) for s in dump.systems] == [(1, "架空基幹システム"), (2, "架空連携システム")]
    assert dump.systems[0].functions.replace("\n", "") == "1.記録機能住民を記録する。"
    assert dump.systems[0].conn_other is None  # a cut checkbox is not bound to a system


def test_dump_body_recipient(dump) -> None:
    (body,) = [r for r in dump.recipients if r.listed_in == "body"]
    assert (body.kind, body.recipient_no, body.recipient) == ("provision", 1, "架空機構")
    assert (body.legal_basis, body.purpose, body.timing) == ("架空法第1条", "架空の用途", "随時")
    assert body.subjects_scope == "「2.③対象となる本人の範囲」と同上。"


def test_dump_annex_list(dump) -> None:
    first, second = [r for r in dump.recipients if r.listed_in == "annex"]
    assert (first.listed_in, first.kind, first.recipient_no, first.file_no) == ("annex", "provision", 1, 1)
    assert (first.recipient, first.legal_basis) == ("架空県知事", "番号法別表第2の9項")
    assert (first.purpose, first.timing) == ("架空の事務に関する用途", "照会の都度")
    assert first.subjects_band == "1万人以上10万人未満"
    assert first.methods == ["情報提供ネットワークシステム"]
    assert (second.recipient, second.subjects_band, second.subjects_scope, second.methods) == (
        "架空大学", "1万人未満", "架空の対象者", ["紙"])


SEED = SHARED / "corpus" / "seeds" / "fujisawa_juki_full.txt"


@pytest.mark.skipif(not SEED.is_file() or not SCORER.is_file(), reason="../shared corpus not present")
def test_seed_dump_scores(tmp_path: Path) -> None:
    write_tables(results_to_tables([extract_document(SEED)]), tmp_path)
    out = subprocess.run([sys.executable, str(SCORER), str(tmp_path)], capture_output=True, text=True, check=True)
    last = out.stdout.strip().splitlines()[-1]
    precision, f1 = (float(x) for x in re.findall(r"P ([\d.]+) R [\d.]+ F1 ([\d.]+)", last)[0])
    assert f1 >= 0.90 and precision >= 0.98, out.stdout
