"""Query-ready names: the body behind 評価実施機関名, contractor names, the assessment key.

Unit tests state each documented rule once; property tests vary spelling (widths, spaces,
abbreviations) and require the same answer.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from extractor.model import DocumentResult, DocumentRow, EntrustmentRow
from extractor.normalise.enrich import enrich
from extractor.normalise.names import (
    PREFECTURES,
    assessment_key,
    expand_legal_forms,
    organization_body,
    organization_kind,
    split_contractor,
    squeeze,
)

# ---------------------------------------------------------------------------- 評価実施機関


@pytest.mark.parametrize(("organization", "body", "kind"), [
    ("藤沢市長", "藤沢市", "city"),
    ("山口県知事", "山口県", "prefecture"),
    ("北海道知事", "北海道", "prefecture"),
    ("東京都知事", "東京都", "prefecture"),
    ("大阪府知事", "大阪府", "prefecture"),
    ("京都市長", "京都市", "city"),  # 京都 is not a prefecture: the head is 京都市
    ("十日町市長", "十日町市", "city"),  # the longest head wins over 十日町 + 市長
    ("町田市長", "町田市", "city"),
    ("上市町長", "上市町", "town"),
    ("見本町長", "見本町", "town"),
    ("○○村", "○○村", "village"),
    ("世田谷区教育委員会", "世田谷区", "ward"),
    ("藤沢市 選挙管理委員会", "藤沢市", "city"),
    ("横浜市上下水道局長", "横浜市", "city"),
    ("相模原市", "相模原市", "city"),
    ("厚生労働大臣", "厚生労働省", "national"),
    ("内閣総理大臣", "内閣府", "national"),
    ("国税庁長官", "国税庁", "national"),
    ("個人情報保護委員会", "個人情報保護委員会", "national"),
    ("国家公安委員会委員長", "国家公安委員会", "national"),
    ("神奈川県後期高齢者医療広域連合長", "神奈川県後期高齢者医療広域連合", "other"),
    ("地方公共団体情報システム機構", "地方公共団体情報システム機構", "other"),
    ("日本年金機構理事長", "日本年金機構", "other"),
])
def test_organization_body_and_kind(organization: str, body: str, kind: str) -> None:
    assert organization_body(organization) == body
    assert organization_kind(body) == kind


@pytest.mark.parametrize("organization", [None, "", "  ", "藤沢市長 鈴木一郎", "abc"])
def test_organization_body_is_null_when_the_rules_cannot_tell(organization: str | None) -> None:
    assert organization_body(organization) is None
    assert organization_kind(organization_body(organization)) is None


KATAKANA = st.text(alphabet=[chr(c) for c in range(ord("ア"), ord("ン") + 1)], min_size=1, max_size=6)
OFFICES = st.sampled_from(["", "長", "教育委員会", "選挙管理委員会", "議会", "水道事業管理者", "農業委員会"])
UNITS = st.sampled_from(["市", "区", "町", "村"])


def spelled(text: str, data: st.DataObject, spaces: bool = True) -> str:
    """`text` with full-width letters/digits and (with `spaces`) stray spaces: another spelling of one name."""
    out = []
    for ch in text:
        if data.draw(st.booleans()):
            ch = chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
        out.append(ch + (data.draw(st.sampled_from(["", "", " ", "\u3000"])) if spaces else ""))
    return "".join(out)


@given(KATAKANA, UNITS, OFFICES, st.data())
def test_municipal_body_is_the_name_up_to_its_unit(core: str, unit: str, office: str, data: st.DataObject) -> None:
    name = core + unit
    assert organization_body(spelled(name + office, data)) == name
    assert organization_kind(name) == {"市": "city", "区": "ward", "町": "town", "村": "village"}[unit]


@given(st.sampled_from(PREFECTURES), st.sampled_from(["", "知事", "教育委員会", "議会"]), st.data())
def test_prefecture_body(prefecture: str, office: str, data: st.DataObject) -> None:
    assert organization_body(spelled(prefecture + office, data)) == prefecture
    assert organization_kind(prefecture) == "prefecture"


@given(st.text(max_size=20))
def test_organization_kind_is_one_of_the_documented_values(text: str) -> None:
    assert organization_kind(organization_body(text)) in {
        None, "prefecture", "city", "ward", "town", "village", "national", "other"}


# ---------------------------------------------------------------------------- 委託先名


@pytest.mark.parametrize(("contractor", "normalized", "branch"), [
    ("日本電気株式会社青森支店", "日本電気株式会社", "青森支店"),
    ("日本電気株式会社 青森支店", "日本電気株式会社", "青森支店"),
    ("日本電気株式会社", "日本電気株式会社", None),
    ("NTTビジネスソリューションズ(株) 山口ビジネス営業部", "NTTビジネスソリューションズ株式会社", "山口ビジネス営業部"),
    ("ＮＴＴビジネスソリューションズ㈱山口ビジネス営業部", "NTTビジネスソリューションズ株式会社", "山口ビジネス営業部"),
    ("富士フイルムシステムサービス株式会社 公共事業本部 首都圏支店", "富士フイルムシステムサービス株式会社",
     "公共事業本部首都圏支店"),
    ("株式会社アカツキ行政システムズ 東北支社", "株式会社アカツキ行政システムズ", "東北支社"),
    ("株式会社アカツキ行政システムズ東北支社", "株式会社アカツキ行政システムズ", "東北支社"),
    ("（株）日立システムズ", "株式会社日立システムズ", None),
    ("株式会社 ABC Japan 東京支店", "株式会社ABC Japan", "東京支店"),
    ("ＮＴＴ　ＤＡＴＡ株式会社", "NTT DATA株式会社", None),
    ("(一財)地方自治研究機構", "一般財団法人地方自治研究機構", None),
    ("地方公共団体情報システム機構", "地方公共団体情報システム機構", None),
    # a suffix that is not a branch unit stays with the name
    ("日本電気株式会社ほか", "日本電気株式会社ほか", None),
    # without a space, a prefix legal form splits only at a known place name + unit
    ("株式会社トキワ電算技研", "株式会社トキワ電算技研", None),
    ("株式会社ソリューションセンター", "株式会社ソリューションセンター", None),
    ("株式会社日本データサポート自治体営業部", "株式会社日本データサポート", "自治体営業部"),
    ("株式会社日本ネットワーク開発公共事業本部", "株式会社日本ネットワーク開発", "公共事業本部"),
    ("株式会社ハルカゼ公共システムズ", "株式会社ハルカゼ公共システムズ", None),
    # 仙北 is not a known place: no split
    ("株式会社アカツキ行政システムズ仙北支社", "株式会社アカツキ行政システムズ仙北支社", None),
    # several contractors in one cell: normalised, never split
    ("日本電気株式会社、富士通(株)青森支店", "日本電気株式会社、富士通株式会社青森支店", None),
    # two legal forms: which one ends the company is not clear, so no split
    ("株式会社A 日本B株式会社 東京支店", "株式会社A日本B株式会社東京支店", None),
])
def test_split_contractor(contractor: str, normalized: str, branch: str | None) -> None:
    assert split_contractor(contractor) == (normalized, branch)


@pytest.mark.parametrize("placeholder", [None, "", "－", "-", "なし", "該当なし", "未定", " ― "])
def test_placeholder_contractors_are_null(placeholder: str | None) -> None:
    assert split_contractor(placeholder) == (None, None)


LEGAL_SPELLINGS = st.sampled_from(["株式会社", "(株)", "（株）", "㈱", "( 株 )"])
PLACE_BRANCHES = st.tuples(st.sampled_from(["東北", "首都圏", "青森", "神奈川県", "九州", "名古屋"]),
                           st.sampled_from(["支店", "支社", "営業所", "営業部", "本部"]))


@given(KATAKANA, LEGAL_SPELLINGS, st.booleans(), st.one_of(st.none(), PLACE_BRANCHES), st.booleans(), st.data())
def test_every_spelling_of_a_contractor_gives_one_name(core: str, legal: str, legal_first: bool,
                                                        place_unit: tuple[str, str] | None, spaced: bool,
                                                        data: st.DataObject) -> None:
    company = ("株式会社" + core) if legal_first else (core + "株式会社")
    written = (legal + core) if legal_first else (core + legal)
    branch = None if place_unit is None else "".join(place_unit)
    if branch is not None:
        written += (" " if spaced else "") + branch
    assert split_contractor(written) == (company, branch)
    assert split_contractor(unicodedata.normalize("NFKC", written)) == (company, branch)


@given(st.text(max_size=30))
def test_split_contractor_loses_no_character(text: str) -> None:
    name, branch = split_contractor(text)
    if name is not None:
        assert name + (branch or "") == squeeze(expand_legal_forms(text))
        assert split_contractor(name)[0] == name or branch is None


@given(st.text(max_size=30))
@example("0 E\u00af")  # NFKC spells ¯ as a space and a combining macron: `0 E ̄` -> `0Ē`, not `0 Ē`
def test_squeeze_is_idempotent_and_keeps_only_latin_word_spaces(text: str) -> None:
    out = squeeze(text)
    assert squeeze(out) == out
    for k, ch in enumerate(out):
        if ch.isspace():
            assert ch == " " and out[k - 1].isascii() and out[k + 1].isascii()


# ---------------------------------------------------------------------------- assessment key


def test_assessment_key_is_the_same_for_a_pdf_and_a_dump_of_one_assessment() -> None:
    pdf = assessment_key("full", "藤沢市長", "45", "住民基本台帳に関する事務全項目評価書", "住民基本台帳に関する事務",
                         "2023-11-30")
    dump = assessment_key("full", "藤沢市長 ", "０４５", "住民基本台帳に関する事務 全項目評価書", None, "2023-11-30")
    assert pdf == dump == "full|藤沢市長|45|住民基本台帳に関する事務|2023-11-30"


def test_assessment_key_falls_back_to_the_affair_name() -> None:
    assert assessment_key("basic", "架空市長", "4", None, "国民健康保険に関する事務", None) == \
        "basic|架空市長|4|国民健康保険に関する事務|"


@pytest.mark.parametrize("fields", [
    (None, "藤沢市長", "45", "事務 全項目評価書", None, "2023-11-30"),  # no form type
    ("full", None, "45", "事務 全項目評価書", None, "2023-11-30"),  # no organisation
    ("full", "藤沢市長", "45", None, None, "2023-11-30"),  # no subject
    # neither a number nor a date
    ("summary", "相模原市", None, "相模原市 住民基本台帳事務 全項目評価書の概要について", None, None),
])
def test_assessment_key_is_null_without_enough_identity(fields: tuple[str | None, ...]) -> None:
    assert assessment_key(*fields) is None


@given(st.sampled_from(["full", "focused", "basic"]), KATAKANA, st.integers(1, 999), KATAKANA, st.data())
def test_assessment_key_ignores_spelling(form: str, org: str, number: int, affair: str, data: st.DataObject) -> None:
    key = assessment_key(form, org + "市長", str(number), affair + "全項目評価書", None, "2024-01-02")
    other = assessment_key(form, spelled(org + "市長", data), " " + spelled(f"{number:03d}", data, spaces=False),
                           spelled(affair + " 全項目評価書", data), None, "2024-01-02")
    assert key == other is not None


# ---------------------------------------------------------------------------- enrich


def test_enrich_fills_the_derived_columns_and_keeps_the_extracted_ones() -> None:
    doc = DocumentRow(doc_id="d", source_path="x.pdf", form_type="focused", organization="弘前市長",
                      assessment_no="1", title="住民基本台帳事務 重点項目評価書", published_on="2024-03-13")
    row = EntrustmentRow(doc_id="d", file_no=1, entrustment_no=1, contractor="日本電気株式会社 青森支店")
    result = DocumentResult(document=doc, entrustments=[row])
    out = enrich(result)
    assert (out.document.organization_body, out.document.organization_kind) == ("弘前市", "city")
    assert out.document.assessment_key == "focused|弘前市長|1|住民基本台帳事務|2024-03-13"
    assert (out.entrustments[0].contractor_normalized, out.entrustments[0].contractor_branch) == \
        ("日本電気株式会社", "青森支店")
    assert out.entrustments[0].contractor == "日本電気株式会社 青森支店"
    assert result.document.organization_body is None  # the input is not modified
