"""Binding: which file a part III/IV block belongs to when its printed name does not match (OCR, cut text)."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor import extract_document
from extractor.forms.lookup import named_file, ocr_risk_title, ocr_section_title
from extractor.forms.spec import LAYOUT_DIR, load_spec
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf

FILES = [(1, "障害者福祉ファイル"), (2, "手帳交付ファイル"), (3, "自立支援給付ファイル")]


def test_a_name_is_its_file_exactly_or_clearly_closest() -> None:
    assert named_file("手帳交付ファイル", FILES) == 2
    assert named_file("手帳交付ファイ", FILES) == 2  # its end cut off
    assert named_file("自立支援給村ファイル", FILES) == 3  # one character misread
    assert named_file("手帳", FILES) is None  # too little of it left to tell
    assert named_file("給付ファイル", [(1, "給付ファイルA"), (2, "給付ファイルB")]) is None  # two equally close


def _keep_start_of_last(doc: pymupdf.Document, no: int, name: str, keep: int) -> int:
    """Black out the item number `(no)` and all but the first `keep` characters of `name`'s last
    printing (part III's `特定個人情報ファイル名` row); returns its page."""
    page = [p for p in doc if p.search_for(name)][-1]
    rect = page.search_for(name)[-1]
    number = next(r for r in page.search_for(f"({no})") if abs(r.y0 - rect.y0) < 2 and r.x1 <= rect.x0 + 1)
    cut = rect.x0 + rect.width * keep / len(name)  # CJK glyphs share one width
    page.add_redact_annot(number)
    page.add_redact_annot(pymupdf.Rect(cut, rect.y0, rect.x1, rect.y1))
    page.apply_redactions()
    return page.number + 1


def _risks(path: Path) -> set[tuple[int | None, str | None, str | None, str | None]]:
    result = extract_document(path)
    return {(r.file_no, r.section_no, r.question, r.answer) for r in result.risk_ratings}


def test_a_part_iii_block_whose_file_name_is_misread_keeps_its_file(tmp_path: Path) -> None:
    data = random_assessment(3, "focused", 3)
    names = [f["name"] for f in data["files"]]
    original = tmp_path / "doc.pdf"
    render_pdf(data, original, RenderStyle())
    doc = pymupdf.open(original)
    _keep_start_of_last(doc, 3, names[2], len(names[2]) - 1)  # the last character lost: the closest name
    page = _keep_start_of_last(doc, 2, names[1], 2)           # only two characters left: the file in that place
    damaged = tmp_path / "damaged.pdf"
    doc.save(damaged)
    want = _risks(original)
    assert {r[0] for r in want} == {1, 2, 3}
    assert _risks(damaged) == want
    warnings = extract_document(damaged).document.warnings
    assert any(f"(page {page}) names no file of part II; taken as file 2" in w for w in warnings), warnings


def test_ocr_read_titles_are_the_outline_titles_they_are_close_to() -> None:
    """Section titles are settled when their heading is read (`ocr_section_title`), risk titles
    when a risk row is made (`ocr_risk_title`)."""
    spec = load_spec(LAYOUT_DIR / "focused_h30.yaml")
    part = next(p for p in spec.parts if p.key == "III")

    def titles(no: int, risk_no: int | None, section: str, risk: str | None) -> tuple[str, str | None]:
        return ocr_section_title(part, no, section), ocr_risk_title(spec, "III", no, risk_no, risk)

    read = ("特定個人情報の 保管・滑去", "特定個人情報の漏えい・減失・避損リクス")
    section, risk = titles(7, None, *read)
    assert (section, risk) == ("特定個人情報の保管・消去", "特定個人情報の漏えい・滅失・毀損リスク")
    # a risk told by its number; a title read far from the outline's stays as read
    assert titles(6, 2, "情志赴洪ネットワークシステムとの接続", "不正な提供がD行われるリスク") == (
        "情報提供ネットワークシステムとの接続", "不正な提供が行われるリスク")
    assert titles(7, None, "備考", None) == ("備考", None)
    assert titles(99, None, "何か", "何か") == ("何か", "何か")  # no such section in the outline


def test_a_count_beside_an_empty_box_leaves_the_box_unread(tmp_path: Path) -> None:
    """`[ ] 提供を行っている ( 1 ) 件`: the mark was lost (a scan, a clipped print), not the provision."""
    data = random_assessment(3, "focused", 3)
    original = tmp_path / "doc.pdf"
    render_pdf(data, original, RenderStyle())
    doc = pymupdf.open(original)
    page = next(p for p in doc if p.search_for("提供を行っている"))
    label = page.search_for("提供を行っている")[0]
    mark = next(pymupdf.Rect(w[:4]) for w in page.get_text("words") if w[4] == "○" and abs(w[1] - label.y0) < 3)
    page.add_redact_annot(mark)
    page.apply_redactions()
    damaged = tmp_path / "damaged.pdf"
    doc.save(damaged)
    before, after = extract_document(original), extract_document(damaged)
    assert before.files[0].provides is True and before.files[0].n_provisions
    assert after.files[0].provides is None and after.files[0].n_provisions == before.files[0].n_provisions
    assert after.document.status == "partial"
    assert any("its box reads empty but its count is" in w for w in after.document.warnings)


def test_an_ocr_read_section_heading_is_the_part_section_of_its_number() -> None:
    spec = load_spec(LAYOUT_DIR / "focused_h30.yaml")
    part = next(p for p in spec.parts if p.key == "II")
    assert part.sections[1] == "基本情報"
    assert ocr_section_title(part, 2, "基本靖幸") == "基本情報"  # half of it read right
    assert ocr_section_title(part, 2, "住民票情報ファイル") == "住民票情報ファイル"  # a value, not this heading
    assert ocr_section_title(part, 99, "基本靖幸") == "基本靖幸"  # no such section


def test_an_ocr_read_question_is_the_outline_question_clearly_closest_to_it() -> None:
    from extractor.forms.lookup import ocr_question

    spec = load_spec(LAYOUT_DIR / "basic_h30.yaml")
    linking = "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か"
    assert ocr_question(spec, "IV", linking.replace("紐付け、", "弓付け、")) == linking
    outside = "目的外の入手が行われるリスクへの対策は十分か"
    assert ocr_question(spec, "IV", "目的 外の入手が行われるリスクヘへの対策は十分か") == outside
    # spaced as OCR spaces it: the same key is the outline's question
    transfer = "不正な提供・移転が行われるリスクへの対策は十分か"
    assert ocr_question(spec, "IV", "不正な提供・移転が行われ るリスクへの対策は十分か") == transfer
    assert ocr_question(spec, "IV", "何か別のこと") == "何か別のこと"  # close to none: as read
    # two characters misread in 26 (ろ added, 十 as 上): the one question three edits closer than any other
    assert ocr_question(spec, "IV", "不正な提供・移転が行われろるリスクへの対策は上分か") == transfer
    provision = "不正な提供が行われるリスクへの対策は十分か"
    assert ocr_question(spec, "IV", "不下な提供が行われるろリスクへの対策は上分か") == provision
    between = "不正な提供・移が行われるリスクへの対策は上分か"  # two edits from one, three from the other
    assert ocr_question(spec, "IV", between) == between
    assert ocr_question(spec, "II", outside) == outside  # no questions in that part: as read


def test_the_one_section_that_prints_a_question() -> None:
    spec = load_spec(LAYOUT_DIR / "basic_h30.yaml")
    own = spec.own_section("IV", "不正な提供・移転が行われるリスクへの対策は十分か")
    assert own is not None and own.section == 5
    assert spec.own_section("IV", "目的外の入手が行われるリスクへの対策は十分か") is None  # printed in 2 and 6
    assert spec.own_section("III", "不正な提供・移転が行われるリスクへの対策は十分か") is None  # not in that part


def test_a_question_under_a_missed_section_heading_is_rated_in_its_own_section(tmp_path: Path) -> None:
    """A 様式2 Ⅳ question the form prints in one section only, read under the section before (its
    heading lost), is rated in its own section, with a warning; nothing else moves."""
    data = random_assessment(5, "basic", 1)
    original = tmp_path / "doc.pdf"
    render_pdf(data, original, RenderStyle())
    doc = pymupdf.open(original)
    heading = "特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)"
    page = next(p for p in doc if p.search_for("委託先における不正な使用等"))
    hits = [r for r in page.search_for("特定個人情報の提供・移転")]
    assert hits, "the fixture prints Ⅳ5's heading on the page of Ⅳ4"
    for r in hits:
        page.add_redact_annot(pymupdf.Rect(page.rect.x0, r.y0 - 1, page.rect.x1, r.y1 + 1))
    page.apply_redactions(graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    damaged = tmp_path / "damaged.pdf"
    doc.save(damaged)
    q = "不正な提供・移転が行われるリスクへの対策は十分か"
    before, after = extract_document(original), extract_document(damaged)
    want = [(r.section_no, r.section, r.answer) for r in before.risk_ratings if r.question == q]
    got = [(r.section_no, r.answer) for r in after.risk_ratings if r.question == q]
    assert want and want[0][0] == 5 and want[0][1] == heading
    assert got == [(5, want[0][2])]
    assert any(f"'{q}'" in w and "heading was missed; rated in 5" in w for w in after.document.warnings)
    others = {(r.section_no, r.question, r.answer) for r in before.risk_ratings if r.question != q}
    assert {(r.section_no, r.question, r.answer) for r in after.risk_ratings if r.question != q} == others
