"""Every layout file loads and validates without any PDF (spec rot test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import SpecError
from extractor.forms.detect import detect_form
from extractor.forms.spec import LAYOUT_DIR, all_specs, load_spec, option_sets


def test_all_layouts_load() -> None:
    specs = all_specs()
    assert {s.form_type for s in specs} >= {"full", "focused"}
    for spec in specs:
        assert spec.fields and spec.parts
        for f in spec.fields:
            if f.kind in ("choice", "checkbox", "flags"):
                assert spec.options_of(f), f"{spec.id}: {f.label} has no options"


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    text = (LAYOUT_DIR / "full_h30.yaml").read_text(encoding="utf-8").replace("fields:", "feilds:", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="unknown key"):
        load_spec(bad)


def test_unknown_option_set_is_rejected(tmp_path: Path) -> None:
    text = (LAYOUT_DIR / "full_h30.yaml").read_text(encoding="utf-8").replace("options: POP5", "options: POP9")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="POP9"):
        load_spec(bad)


def test_option_sets_are_numbered_as_printed() -> None:
    choices, boxes = option_sets()
    assert choices["ENOUGH"] == ("特に力を入れている", "十分である", "課題が残されている")
    assert choices["PERIOD"][-1] == "定められていない"
    assert "その他" in boxes["CONN"]


def test_form_detection_by_title_and_stamp() -> None:
    assert detect_form("特定個人情報保護評価書（全項目評価書）").form_type == "full"
    assert detect_form("特定個人情報保護評価書(重点項目評価書)").form_type == "focused"
    stamped = detect_form("特定個人情報保護評価書", "[平成30年５月　様式４]")
    assert (stamped.form_type, stamped.version) == ("full", "平成30年5月 様式4")
    assert detect_form("住民基本台帳事務 全項目評価書の概要").form_type == "summary"
    assert detect_form("請求書").form_type is None


def test_option_lists_keep_thousands_commas() -> None:
    choices, _ = option_sets()
    sizes = {"POP5": 5, "PERS": 5, "STAFF": 6, "PERIOD": 10, "TH4": 4, "TH3": 3, "ENOUGH": 3}
    assert {k: len(choices[k]) for k in sizes} == sizes
    assert "100万人以上1,000万人未満" in choices["PERS"]


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (LAYOUT_DIR / "full_h30.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "broken.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bad


def _line_of(path: Path, needle: str) -> int:
    return next(k for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_a_misspelt_target_column_fails_at_load_with_file_and_line(tmp_path: Path) -> None:
    bad = _broken(tmp_path, "target: files.subjects_band", "target: files.subject_band")
    with pytest.raises(SpecError, match=rf"broken.yaml:{_line_of(bad, 'files.subject_band')}: .*subject_band"):
        load_spec(bad)


def test_an_unknown_table_fails_at_load(tmp_path: Path) -> None:
    bad = _broken(tmp_path, "target: documents.affair_name", "target: document.affair_name")
    with pytest.raises(SpecError, match=rf"broken.yaml:{_line_of(bad, 'document.affair_name')}: unknown table"):
        load_spec(bad)


def test_a_column_of_the_wrong_type_for_the_kind_fails_at_load(tmp_path: Path) -> None:
    bad = _broken(tmp_path, "target: files.main_items, kind: checkbox", "target: files.department, kind: checkbox")
    with pytest.raises(SpecError, match=r"files\.department"):
        load_spec(bad)


def test_an_unknown_key_names_its_line(tmp_path: Path) -> None:
    bad = _broken(tmp_path, "label: 事務の名称,", "lable: 事務の名称,")
    with pytest.raises(SpecError, match=rf"broken.yaml:{_line_of(bad, 'lable:')}: unknown key"):
        load_spec(bad)


def test_an_unknown_option_set_names_its_line(tmp_path: Path) -> None:
    bad = _broken(tmp_path, "options: POP5}", "options: POP9}")
    with pytest.raises(SpecError, match=rf"broken.yaml:{_line_of(bad, 'POP9')}: unknown option set 'POP9'"):
        load_spec(bad)


def test_yaml_no_is_a_key_not_false() -> None:
    spec = next(s for s in all_specs() if s.id == "full_h30")
    risks = [r for sec in spec.outline for r in sec.risks]
    assert any(r.no == 1 for r in risks) and any(r.no is None for r in risks)


def test_layout_directories_override_the_package_files_by_name(edit_layout) -> None:
    """$PIA_EXTRACT_LAYOUTS names directories whose layout files replace the package's of the same name."""
    path = edit_layout("full_h30.yaml", "target: files.subjects_band", "target: files.subject_band")
    line = next(k for k, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "subject_band" in ln)
    with pytest.raises(SpecError, match=rf"^full_h30\.yaml:{line}: table 'files' has no column 'subject_band'"):
        all_specs()
    edit_layout("full_h30.yaml", "target: files.subject_band", "target: files.subjects_band")
    assert {s.id for s in all_specs()} == {"basic_h30", "focused_h30", "full_h30"}


def test_a_part_heading_is_told_by_its_numeral_and_title_one_misread_character_allowed() -> None:
    from extractor.forms.rows import part_heading

    spec = load_spec(LAYOUT_DIR / "basic_h30.yaml")
    assert part_heading(spec, "Ⅱ しきい値判断項目").key == "II"  # type: ignore[union-attr]
    assert part_heading(spec, "Ⅱ しきい値麟断項目").key == "II"  # type: ignore[union-attr]  # OCR
    assert part_heading(spec, "Ⅱ しきい人徳列相結果") is None  # three off: not this heading
    assert part_heading(spec, "Ⅳ しきい値麟断項目") is None  # the numeral must match


def test_a_stamp_whose_closing_bracket_ocr_lost_is_read_where_its_line_ends() -> None:
    from extractor.forms.rows import stamp_version

    assert stamp_version("[平成30年5月 様式2]") == "平成30年5月 様式2"
    assert stamp_version("[平成30年5月 様式2") == "平成30年5月 様式2"
    assert stamp_version("[平成30年5月 様式2\n特定個人情報保護評価書") == "平成30年5月 様式2"
    assert stamp_version("[平成30年5月 様式2 号外") is None  # more text follows: not a stamp as printed


def test_a_title_ocr_misread_by_one_character_still_tells_the_form() -> None:
    from extractor.forms.rows import stamp_version

    head = "特定個人情報保護評価書({})"
    assert detect_form(head.format("基礎項日評価書")).form_type == "basic"
    assert detect_form(head.format("重点項日評価書")).form_type == "focused"  # not 全項目 (点項日 is two off)
    assert detect_form(head.format("全項日評価書")).form_type == "full"
    assert detect_form(head.format("重点項目評価書")).form_type == "focused"  # exact titles first
    assert detect_form(head.format("基礎頂日評恤書")).form_type is None  # three off: not told
    assert stamp_version("|平成26年4月 様式2|") == "平成26年4月 様式2"  # brackets read as bars


def test_a_stamp_dated_before_the_forms_existed_is_not_taken() -> None:
    """`平成3年5月 様式3`: OCR lost the 0 of 平成30年; the forms date from 平成26年, so the date is
    impossible and the version is left empty with a warning, not stored wrong."""
    from extractor.forms.bind import bind_events
    from extractor.forms.events import Stamp
    from extractor.forms.rows import plausible_stamp
    from extractor.model import DocumentResult, DocumentRow

    assert plausible_stamp("平成30年5月 様式3") and plausible_stamp("平成26年4月 様式2")
    assert plausible_stamp("令和6年10月 様式4")
    assert not plausible_stamp("平成3年5月 様式3")
    spec = load_spec(LAYOUT_DIR / "focused_h30.yaml")
    result = DocumentResult(document=DocumentRow(doc_id="d", source_path="x.pdf"))
    bind_events(spec, [Stamp("平成3年5月 様式3")], result)
    assert result.document.form_version is None
    assert any("the form stamp reads '平成3年5月 様式3'" in w for w in result.document.warnings)
    result = DocumentResult(document=DocumentRow(doc_id="d", source_path="x.pdf"))
    bind_events(spec, [Stamp("平成30年5月 様式3")], result)
    assert result.document.form_version == "平成30年5月 様式3"
