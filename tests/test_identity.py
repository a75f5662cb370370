"""Blocks told apart by their identity columns: a block left out takes only its later siblings with it."""

from __future__ import annotations

from extractor.forms.detect import spec_by_id
from extractor.forms.identity import drop_siblings, unidentified
from extractor.model import DocumentResult, DocumentRow, RecipientRow


def _row(no: int, recipient: str | None, basis: str | None, purpose: str | None) -> RecipientRow:
    return RecipientRow("doc", 2, "provision", no, recipient, basis, purpose)


def _result(rows: list[RecipientRow]) -> DocumentResult:
    return DocumentResult(DocumentRow("doc", "doc.txt"), recipients=rows)


def test_a_block_left_out_takes_its_later_siblings_not_its_earlier_ones() -> None:
    spec = spec_by_id("full_h30")
    assert spec is not None
    block = spec.block("provision")
    assert block is not None
    one = _row(1, "都道府県", "住基法第30条の6(市町村長から都道府県知事への本人確認情報の通知等)", "本人確認情報の通知")
    two = _row(2, None, "住基法第14条(住民基本台帳の正確な記録を確保するための措置)", None)  # one identity column read
    three = _row(3, "地方公共団体情報システム機構(機構)", "個人番号カード省令第23条の2", "個人番号通知書の送付")
    assert unidentified(block, one) is None and unidentified(block, two) is not None
    result = _result([one, three])  # 提供先2 left out: 提供先1 keeps its number, 提供先3 would pair with 2's entry
    drop_siblings(spec, result, {(block.name, 2)})
    assert result.recipients == [one] and result.gaps == 1
    result = _result([three])  # the first block left out: nothing before the gap
    drop_siblings(spec, result, {(block.name, 2)})
    assert result.recipients == [] and result.gaps == 1
    other = RecipientRow("doc", 1, "provision", 2, "市町村長", "番号法別表第2の1項", "事務")  # another file: kept
    result = _result([other, one])
    drop_siblings(spec, result, {(block.name, 2)})
    assert result.recipients == [other, one] and result.gaps == 0
