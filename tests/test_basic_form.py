"""A 基礎項目評価書 (様式2) is detected and its cover and Ⅳ choices are read."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor import extract_document
from tests.pdfkit import save, text, two_col_table


def test_basic_form(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    text(page, 400, 30, "[平成30年5月　様式2]")
    text(page, 150, 50, "特定個人情報保護評価書（基礎項目評価書）", 12)
    two_col_table(page, [("評価実施機関名", ["架空市長"]), ("公表日", ["令和6年4月1日"])], top=70)
    text(page, 40, 150, "Ⅰ　関連情報")
    two_col_table(page, [("①事務の名称", ["国民健康保険に関する事務"])], top=160)
    text(page, 40, 220, "Ⅳ　リスク対策")
    bottom = two_col_table(page, [("２．特定個人情報の入手", [])], top=230)
    legend = ["[ 十分である ]", "＜選択肢＞", "1） 特に力を入れている 2） 十分である"]
    two_col_table(page, [("目的外の入手が行われるリスクへの対策は十分か", legend)], top=bottom, mid=300)
    result = extract_document(save(doc, tmp_path / "basic.pdf"))
    d = result.document
    assert (d.form_type, d.form_version, d.organization, d.published_on, d.affair_name) == (
        "basic", "平成30年5月 様式2", "架空市長", "2024-04-01", "国民健康保険に関する事務")
    [risk] = result.risk_ratings
    assert (risk.part, risk.question, risk.answer, risk.answer_code) == (
        "IV", "目的外の入手が行われるリスクへの対策は十分か", "十分である", 2)
