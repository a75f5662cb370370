"""Values holding a text OCR read doubtfully are withheld (null, with a warning), not guessed."""

from __future__ import annotations

from extractor.model import DocumentResult, DocumentRow, FileRow, RecipientRow, RiskRow
from extractor.read.doubts import withhold


def _result() -> DocumentResult:
    result = DocumentResult(DocumentRow("d", "x.scan.pdf"))
    result.recipients.append(RecipientRow("d", 1, "provision", 1, recipient="市町村長",
                                          subjects_scope="主務省令で定められた男囲に該当する者",
                                          subjects_band="10万人以上100万人未満", page=43))
    result.recipients.append(RecipientRow("d", 1, "provision", 2, recipient="都道府県知事",
                                          subjects_scope="主務省令で定められた男囲に該当する者", page=44))
    return result


def test_a_value_holding_a_doubtful_text_of_its_page_is_left_empty_with_a_warning() -> None:
    result = _result()
    withhold(result, {43: ("れた男囲に",)})
    first, other = result.recipients
    assert first.subjects_scope is None and first.recipient == "市町村長"
    assert other.subjects_scope is not None  # printed on another page: not this doubt
    (warning,) = result.document.warnings
    assert "subjects_scope" in warning and "page 43" in warning and "れた男囲に" in warning
    assert result.gaps == 1


def test_settled_columns_and_short_doubts_inside_longer_values_are_kept() -> None:
    result = _result()
    withhold(result, {43: ("100万", "市町")})  # a band is the form's option; a 2-glyph line must be the value
    assert result.recipients[0].subjects_band == "10万人以上100万人未満"
    assert result.recipients[0].recipient == "市町村長"
    assert not result.document.warnings


def test_a_risk_title_as_the_form_prints_it_is_kept() -> None:
    result = DocumentResult(DocumentRow("d", "x.scan.pdf", layout_id="full_h30"))
    title = "目的外の入手が行われるリスク"
    result.risk_ratings.append(RiskRow("d", 1, "III", 2, "特定個人情報の入手", 1, title, "リスクへの対策は十分か",
                                       page=20))
    withhold(result, {20: ("の入手が",)})
    assert result.risk_ratings[0].risk == title


def test_a_doubtful_column_that_identifies_a_recipient_row_is_kept_with_a_warning() -> None:
    result = _result()
    withhold(result, {43: ("市町村長",)})
    assert result.recipients[0].recipient == "市町村長"
    (warning,) = result.document.warnings
    assert "'recipient'" in warning and "kept" in warning


def test_a_date_is_withheld_when_its_printed_form_was_read_doubtfully() -> None:
    """平成30年10月16日 read as `平成30年1月16日` (a 0 lost) is stored as 2018-01-16; the doubt is about
    the printed text, which the stored date is printed back to."""
    result = DocumentResult(DocumentRow("d", "x.scan.pdf"))
    result.files.append(FileRow("d", 1, use_start="2018-01-16", page=5))
    withhold(result, {5: ("0年1月1",)})
    assert result.files[0].use_start is None
    assert "use_start" in result.document.warnings[0]
    result.files.append(FileRow("d", 2, use_start="2018-01-16", page=6))
    withhold(result, {6: ("令和2年4",)})  # another date's doubt
    assert result.files[1].use_start == "2018-01-16"

