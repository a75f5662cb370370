"""Synthetic 特定個人情報保護評価書 PDFs rendered from known data (test fixtures, samples, benchmarks).

Two entry points:

    random_assessment(seed, form_type="full") -> dict
        A truth-shaped dict (documents, systems, files, entrustments, recipients,
        risk_ratings), in the conventions of shared/corpus/truth/*.json: NFKC text,
        ISO dates, booleans, lists of checked labels, choice answers as the legend's
        option text.  Deterministic per (seed, form_type, n_files, n_annex_rows).

    render_pdf(data, path, style=None)
        Lays the 全項目 (様式4) or 重点項目 (様式3) form out with PyMuPDF: A4 pages,
        a ruled two-column table, shaded headings, "[ 値 ]" choices with a
        ＜選択肢＞ legend, checkbox groups, rows that continue on the next page, and
        the annexed 提供先一覧 / 移転先一覧 on landscape pages.  Whatever the
        tables do not hold is filled with plausible sentences drawn from a generator
        seeded by the data, so one dict always renders to the same text.

`RenderStyle` holds the printing variants a parser has to survive.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import pymupdf
from pymupdf import mupdf as _mupdf

__all__ = ["FORM_TYPES", "OPTION_SETS", "RenderStyle", "choice_fields", "random_assessment", "render_pdf"]

FORM_TYPES = ("full", "focused", "basic")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# ---------------------------------------------------------------------------
# The forms: option sets, checkbox groups, risk sections (texts as printed)
# ---------------------------------------------------------------------------

OPTION_SETS: dict[str, tuple[str, ...]] = {
    "POP5": ("1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上"),
    "LINK": ("実施する", "実施しない", "未定"),
    "FTYPE": ("システム用ファイル", "その他の電子ファイル（表計算ファイル等）"),
    "PERS": ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満", "1,000万人以上"),
    "ITEMS": ("10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上"),
    "STAFF": ("10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満",
              "1,000人以上"),
    "ITAKU": ("委託する", "委託しない"),
    "SCOPE": ("特定個人情報ファイルの全体", "特定個人情報ファイルの一部"),
    "SAI": ("再委託する", "再委託しない"),
    "PERIOD": ("1年未満", "1年", "2年", "3年", "4年", "5年", "6年以上10年未満", "10年以上20年未満", "20年以上",
               "定められていない"),
    "ENOUGH": ("特に力を入れている", "十分である", "課題が残されている"),
    "DO": ("行っている", "行っていない"),
    "REC": ("記録を残している", "記録を残していない"),
    "LIMIT": ("制限している", "制限していない"),
    "RULE": ("定めている", "定めていない"),
    "SUBC": ("特に力を入れて行っている", "十分に行っている", "十分に行っていない", "再委託していない"),
    "NISC": ("特に力を入れて遵守している", "十分に遵守している", "十分に遵守していない", "政府機関ではない"),
    "SEIBI": ("特に力を入れて整備している", "十分に整備している", "十分に整備していない"),
    "SHUCHI": ("特に力を入れて周知している", "十分に周知している", "十分に周知していない"),
    "GYO": ("特に力を入れて行っている", "十分に行っている", "十分に行っていない"),
    "ACC": ("発生あり", "発生なし"),
    "DEAD": ("保管している", "保管していない"),
    "FEE": ("有料", "無料"),
    "PUB": ("行っている", "行っていない"),
    "TH4": ("基礎項目評価及び全項目評価の実施が義務付けられる",
            "基礎項目評価及び重点項目評価の実施が義務付けられる（任意に全項目評価を実施）",
            "基礎項目評価の実施が義務付けられる（任意に全項目評価を実施）",
            "特定個人情報保護評価の実施が義務付けられない（任意に全項目評価を実施）"),
    "TH3": ("基礎項目評価及び重点項目評価の実施が義務付けられる",
            "基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）",
            "特定個人情報保護評価の実施が義務付けられない（任意に重点項目評価を実施）"),
    # 様式2 (基礎項目評価書), forms.md §8
    "POP5B": ("1,000人未満（任意実施）", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満",
              "30万人以上"),
    "HANDLERS": ("500人以上", "500人未満"),
    "TH2": ("基礎項目評価及び全項目評価の実施が義務付けられる", "基礎項目評価及び重点項目評価の実施が義務付けられる",
            "基礎項目評価の実施が義務付けられる", "特定個人情報保護評価の実施が義務付けられない"),
    "FORMS": ("基礎項目評価書", "基礎項目評価書及び重点項目評価書", "基礎項目評価書及び全項目評価書"),
    "PRIORITY": ("目的外の入手が行われるリスクへの対策",
                 "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策",
                 "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスクへの対策",
                 "委託先における不正な使用等のリスクへの対策",
                 "不正な提供・移転が行われるリスクへの対策（委託や情報提供ネットワークシステムを通じた提供を除く。）",
                 "情報提供ネットワークシステムを通じて目的外の入手が行われるリスクへの対策",
                 "情報提供ネットワークシステムを通じて不正な提供が行われるリスクへの対策",
                 "特定個人情報の漏えい・滅失・毀損リスクへの対策", "従業者に対する教育・啓発"),
}

# How each legend prints its options: option numbers per printed row (forms.md §1.1, "/" = new row).
LEGEND_ROWS: dict[str, tuple[tuple[int, ...], ...]] = {
    "POP5": ((1, 2), (3, 4), (5,)), "LINK": ((1,), (2,), (3,)), "FTYPE": ((1,), (2,)),
    "PERS": ((1,), (2,), (3,), (4,), (5,)), "ITEMS": ((1, 2), (3, 4)), "STAFF": ((1, 2), (3, 4), (5, 6)),
    "SCOPE": ((1,), (2,)), "PERIOD": ((1, 2, 3), (4, 5, 6), (7, 8, 9), (10,)), "ENOUGH": ((1, 2), (3,)),
    "SUBC": ((1, 2), (3, 4)), "NISC": ((1, 2), (3, 4)), "SEIBI": ((1, 2), (3,)), "SHUCHI": ((1, 2), (3,)),
    "GYO": ((1, 2), (3,)), "TH4": ((1,), (2,), (3,), (4,)), "TH3": ((1,), (2,), (3,)),
    "POP5B": ((1,), (2,), (3,), (4,), (5,)), "HANDLERS": ((1, 2),), "ACC": ((1, 2),), "TH2": ((1,), (2,), (3,), (4,)),
    "FORMS": ((1,), (2,), (3,)), "PRIORITY": ((1,), (2,), (3,), (4,), (5,), (6,), (7,), (8,), (9,)),
}

# Checkbox groups: printed rows of options (a label is printed and stored in its NFKC form).
CONN_ROWS = (("情報提供ネットワークシステム", "庁内連携システム"),
             ("住民基本台帳ネットワークシステム", "既存住民基本台帳システム"),
             ("宛名システム等", "税務システム"), ("その他",))
CONN_COLUMNS = {"情報提供ネットワークシステム": "conn_info_network", "庁内連携システム": "conn_intra_agency",
                "住民基本台帳ネットワークシステム": "conn_juki_net",
                "既存住民基本台帳システム": "conn_existing_juki", "宛名システム等": "conn_address",
                "税務システム": "conn_tax", "その他": "conn_other"}
MAIN_ITEM_GROUPS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("・識別情報", (("個人番号", "個人番号対応符号"), ("その他識別情報(内部番号)",))),
    ("・連絡先等情報", (("4情報(氏名、性別、生年月日、住所)", "連絡先(電話番号等)"), ("その他住民票関係情報",))),
    ("・業務関係情報", (("国税関係情報", "地方税関係情報"), ("健康・医療関係情報", "医療保険関係情報"),
                  ("児童福祉・子育て関係情報", "障害者福祉関係情報"),
                  ("生活保護・社会福祉関係情報", "介護・高齢者福祉関係情報"),
                  ("雇用・労働関係情報", "年金関係情報"), ("学校・教育関係情報", "災害関係情報"), ("その他",))),
)
MAIN_ITEMS = tuple(label for _, rows in MAIN_ITEM_GROUPS for row in rows for label in row)
SOURCE_ROWS = (("本人又は本人の代理人",), ("評価実施機関内の他部署",), ("行政機関・独立行政法人等",),
               ("地方公共団体・地方独立行政法人",), ("民間事業者",), ("その他",))
SOURCES = tuple(r[0] for r in SOURCE_ROWS)
SOURCES_WITH_SLOT = frozenset(SOURCES[1:])
ACQ_ROWS = (("紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ"),
            ("電子メール", "専用線", "庁内連携システム"), ("情報提供ネットワークシステム",), ("その他",))
ACQ_METHODS = tuple(label for row in ACQ_ROWS for label in row)
ENT_ROWS = (("専用線", "電子メール", "電子記録媒体(フラッシュメモリを除く。)"), ("フラッシュメモリ", "紙"), ("その他",))
ENT_METHODS = tuple(label for row in ENT_ROWS for label in row)
PROV_ROWS = (("情報提供ネットワークシステム", "専用線"), ("電子メール", "電子記録媒体(フラッシュメモリを除く。)"),
             ("フラッシュメモリ", "紙"), ("その他",))
TRANS_ROWS = (("庁内連携システム", "専用線"), ("電子メール", "電子記録媒体(フラッシュメモリを除く。)"),
              ("フラッシュメモリ", "紙"), ("その他",))
AUDIT_ROWS = (("自己点検", "内部監査", "外部監査"),)


@dataclass(frozen=True)
class Q:
    """One row of a risk block: a choice (opts = option-set id) or a text row."""

    label: str
    opts: str | None = None

    @property
    def question(self) -> str:
        return nfkc(self.label.lstrip("①②③④⑤⑥⑦⑧⑨⑩"))


@dataclass(frozen=True)
class Risk:
    no: int | None
    titles: tuple[str, ...]
    rows: tuple[Q, ...]


@dataclass(frozen=True)
class Section:
    no: int
    title: str
    risks: tuple[Risk, ...]
    flags: tuple[str, ...] = ()
    closing: str | None = "default"

    def closing_label(self) -> str | None:
        if self.closing == "default":
            return f"{self.title}におけるその他のリスク及びそのリスクに対する措置"
        return self.closing


MEASURE = Q("リスクに対する措置の内容")
ENOUGH = Q("リスクへの対策は十分か", "ENOUGH")
OTHER = Q("その他の措置の内容")


def _simple(no: int, title: str) -> Risk:
    return Risk(no, (title,), (MEASURE, ENOUGH))


_ITAKU_TITLES = ("委託先による特定個人情報の不正入手・不正な使用に関するリスク",
                 "委託先による特定個人情報の不正な提供に関するリスク",
                 "委託先による特定個人情報の保管・消去に関するリスク",
                 "委託契約終了後の不正な使用等のリスク", "再委託に関するリスク")

FULL_III: tuple[Section, ...] = (
    Section(2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", (
        Risk(1, ("目的外の入手が行われるリスク",), (
            Q("対象者以外の情報の入手を防止するための措置の内容"),
            Q("必要な情報以外を入手することを防止するための措置の内容"), OTHER, ENOUGH)),
        _simple(2, "不適切な方法で入手が行われるリスク"),
        Risk(3, ("入手した特定個人情報が不正確であるリスク",), (
            Q("入手の際の本人確認の措置の内容"), Q("個人番号の真正性確認の措置の内容"),
            Q("特定個人情報の正確性確保の措置の内容"), OTHER, ENOUGH)),
        _simple(4, "入手の際に特定個人情報が漏えい・紛失するリスク"),
    )),
    Section(3, "特定個人情報の使用", (
        Risk(1, ("目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",), (
            Q("宛名システム等における措置の内容"), Q("事務で使用するその他のシステムにおける措置の内容"),
            OTHER, ENOUGH)),
        Risk(2, ("権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク",), (
            Q("ユーザ認証の管理", "DO"), Q("具体的な管理方法"), Q("アクセス権限の発効・失効の管理", "DO"),
            Q("具体的な管理方法"), Q("アクセス権限の管理", "DO"), Q("具体的な管理方法"),
            Q("特定個人情報の使用の記録", "REC"), Q("具体的な方法"), OTHER, ENOUGH)),
        _simple(3, "従業者が事務外で使用するリスク"),
        _simple(4, "特定個人情報ファイルが不正に複製されるリスク"),
    )),
    Section(4, "特定個人情報ファイルの取扱いの委託", (
        Risk(None, _ITAKU_TITLES, (
            Q("情報保護管理体制の確認"),
            Q("特定個人情報ファイルの閲覧者・更新者の制限", "LIMIT"), Q("具体的な制限方法"),
            Q("特定個人情報ファイルの取扱いの記録", "REC"), Q("具体的な方法"),
            Q("特定個人情報の提供ルール", "RULE"),
            Q("委託先から他者への提供に関するルールの内容及びルール遵守の確認方法"),
            Q("委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法"),
            Q("特定個人情報の消去ルール", "RULE"), Q("ルールの内容及びルール遵守の確認方法"),
            Q("委託契約書中の特定個人情報ファイルの取扱いに関する規定", "RULE"), Q("規定の内容"),
            Q("再委託先による特定個人情報ファイルの適切な取扱いの確保", "SUBC"), Q("具体的な方法"),
            OTHER, ENOUGH)),
    ), flags=("委託しない",)),
    Section(5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）", (
        Risk(1, ("不正な提供・移転が行われるリスク",), (
            Q("特定個人情報の提供・移転の記録", "REC"), Q("具体的な方法"),
            Q("特定個人情報の提供・移転に関するルール", "RULE"), Q("ルールの内容及びルール遵守の確認方法"),
            OTHER, ENOUGH)),
        _simple(2, "不適切な方法で提供・移転が行われるリスク"),
        _simple(3, "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク"),
    ), flags=("提供・移転しない",)),
    Section(6, "情報提供ネットワークシステムとの接続", (
        _simple(1, "目的外の入手が行われるリスク"),
        _simple(2, "安全が保たれない方法によって入手が行われるリスク"),
        _simple(3, "入手した特定個人情報が不正確であるリスク"),
        _simple(4, "入手の際に特定個人情報が漏えい・紛失するリスク"),
        _simple(5, "不正な提供が行われるリスク"),
        _simple(6, "不適切な方法で提供されるリスク"),
        _simple(7, "誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク"),
    ), flags=("接続しない（入手）", "接続しない（提供）"),
        closing="情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置"),
    Section(7, "特定個人情報の保管・消去", (
        Risk(1, ("特定個人情報の漏えい・滅失・毀損リスク",), (
            Q("①NISC政府機関統一基準群", "NISC"), Q("②安全管理体制", "SEIBI"), Q("③安全管理規程", "SEIBI"),
            Q("④安全管理体制・規程の職員への周知", "SHUCHI"), Q("⑤物理的対策", "GYO"), Q("具体的な対策の内容"),
            Q("⑥技術的対策", "GYO"), Q("具体的な対策の内容"), Q("⑦バックアップ", "GYO"),
            Q("⑧事故発生時手順の策定・周知", "GYO"),
            Q("⑨過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", "ACC"),
            Q("その内容"), Q("再発防止策の内容"), Q("⑩死者の個人番号", "DEAD"), Q("具体的な保管方法"),
            OTHER, ENOUGH)),
        _simple(2, "特定個人情報が古い情報のまま保管され続けるリスク"),
        Risk(3, ("特定個人情報が消去されずいつまでも存在するリスク",), (
            Q("消去手順", "RULE"), Q("手順の内容"), OTHER, ENOUGH)),
    )),
)

FULL_IV: tuple[Section, ...] = (
    Section(1, "監査", (Risk(None, (), (Q("①自己点検", "GYO"), Q("具体的なチェック方法"), Q("②監査", "GYO"),
                                       Q("具体的な内容"))),), closing=None),
    Section(2, "従業者に対する教育・啓発", (Risk(None, (), (Q("従業者に対する教育・啓発", "GYO"),
                                                  Q("具体的な方法"))),), closing=None),
)

FOCUSED_III: tuple[Section, ...] = (
    Section(2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）", (
        Risk(None, ("目的外の入手が行われるリスク",), (MEASURE, ENOUGH)),)),
    Section(3, "特定個人情報の使用", (
        _simple(1, "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク"),
        Risk(2, ("権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク",), (
            Q("ユーザ認証の管理", "DO"), Q("具体的な管理方法"), OTHER, ENOUGH)),
    )),
    Section(4, "特定個人情報ファイルの取扱いの委託", (
        Risk(None, ("委託先における不正な使用等のリスク",), (
            Q("委託契約書中の特定個人情報ファイルの取扱いに関する規定", "RULE"), Q("規定の内容"),
            Q("再委託先による特定個人情報ファイルの適切な取扱いの担保", "SUBC"), Q("具体的な方法"),
            OTHER, ENOUGH)),
    ), flags=("委託しない",)),
    Section(5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）", (
        Risk(None, ("不正な提供・移転が行われるリスク",), (
            Q("特定個人情報の提供・移転に関するルール", "RULE"), Q("ルール内容及びルール遵守の確認方法"),
            OTHER, ENOUGH)),
    ), flags=("提供・移転しない",)),
    Section(6, "情報提供ネットワークシステムとの接続", (
        _simple(1, "目的外の入手が行われるリスク"), _simple(2, "不正な提供が行われるリスク"),
    ), flags=("接続しない（入手）", "接続しない（提供）")),
    Section(7, "特定個人情報の保管・消去", (
        Risk(None, ("特定個人情報の漏えい・滅失・毀損リスク",), (
            Q("①事故発生時手順の策定・周知", "GYO"),
            Q("②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", "ACC"),
            Q("その内容"), Q("再発防止策の内容"), OTHER, ENOUGH)),
    )),
    Section(9, "従業者に対する教育・啓発", (Risk(None, (), (Q("従業者に対する教育・啓発", "GYO"),
                                                  Q("具体的な方法"))),), closing=None),
)


def _risk_sections(form_type: str) -> list[tuple[str, Section, bool]]:
    """(part, section, per_file) for every section holding choice questions."""
    if form_type == "full":
        return [("III", s, True) for s in FULL_III] + [("IV", s, False) for s in FULL_IV]
    return [("III", s, True) for s in FOCUSED_III]


def choice_fields(form_type: str) -> list[tuple[str, int, int | None, str, str]]:
    """Every risk_ratings question of a form: (part, section_no, risk_no, question, option-set id)."""
    if form_type == "basic":
        from pia_fixtures.basic import basic_choice_fields

        return basic_choice_fields()
    out = []
    for part, sec, _ in _risk_sections(form_type):
        for risk in sec.risks:
            out += [(part, sec.no, risk.no, q.question, q.opts) for q in risk.rows if q.opts]
    return out


# ---------------------------------------------------------------------------
# Word pools for random data and filler
# ---------------------------------------------------------------------------

AFFAIRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("住民基本台帳に関する事務", ("住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル")),
    ("個人住民税の賦課に関する事務", ("個人住民税ファイル", "課税台帳ファイル", "申告情報ファイル")),
    ("国民健康保険に関する事務", ("国民健康保険ファイル", "資格管理ファイル", "給付情報ファイル")),
    ("介護保険に関する事務", ("介護保険ファイル", "受給者台帳ファイル", "保険料賦課ファイル")),
    ("児童手当の支給に関する事務", ("児童手当ファイル", "受給者情報ファイル", "支払管理ファイル")),
    ("生活保護に関する事務", ("生活保護ファイル", "被保護者台帳ファイル", "医療扶助ファイル")),
    ("後期高齢者医療に関する事務", ("後期高齢者医療ファイル", "保険料ファイル", "資格情報ファイル")),
    ("障害者福祉に関する事務", ("障害者福祉ファイル", "手帳交付ファイル", "自立支援給付ファイル")),
)
CITIES = ("青森市", "盛岡市", "仙台市", "秋田市", "山形市", "郡山市", "水戸市", "宇都宮市", "前橋市", "川越市",
          "船橋市", "八王子市", "藤沢市", "相模原市", "新潟市", "富山市", "金沢市", "福井市", "甲府市", "長野市",
          "岐阜市", "静岡市", "豊橋市", "津市", "大津市", "豊中市", "姫路市", "奈良市", "和歌山市", "鳥取市",
          "松江市", "倉敷市", "呉市", "下関市", "徳島市", "高松市", "松山市", "高知市", "久留米市", "佐賀市",
          "長崎市", "熊本市", "大分市", "宮崎市", "鹿児島市", "那覇市", "弘前市", "函館市", "旭川市", "世田谷区")
SYSTEM_NAMES = ("既存住民基本台帳システム", "住民基本台帳ネットワークシステム(市町村CS)", "団体内統合宛名システム",
                "中間サーバ", "証明交付システム", "窓口業務支援システム", "税務総合システム", "国民健康保険システム",
                "介護保険システム", "福祉総合システム", "電子申請システム", "コンビニ交付システム",
                "収納管理システム", "滞納管理システム", "庁内連携基盤システム", "戸籍情報システム",
                "クラウド型バックアップセンター", "選挙管理システム")
FUNCTIONS = (("住民票の記載", "転入、出生等により住民基本台帳に新たに住民を記録する機能。"),
             ("住民票の修正", "住民票に記載されている事項に変更があったときに、記載を修正する機能。"),
             ("住民票の消除", "転出、死亡等により住民基本台帳から住民に関する記録を消除する機能。"),
             ("証明書の発行", "住民票の写し、記載事項証明書等の各種帳票を発行する機能。"),
             ("宛名番号の管理", "団体内統合宛名番号を付番し、各業務システムの宛名番号とひも付けて管理する機能。"),
             ("情報照会", "情報提供ネットワークシステムを通じて他の機関に特定個人情報の照会を行う機能。"),
             ("情報提供", "情報提供の求めに対して、特定個人情報の提供を行う機能。"),
             ("課税計算", "申告情報等を基に税額を計算し、課税台帳を作成する機能。"),
             ("資格管理", "被保険者の資格の取得及び喪失を管理する機能。"),
             ("統計資料の作成", "異動集計表や人口統計用の集計表を作成する機能。"),
             ("バックアップ", "登録された情報を定期的に暗号化して遠隔地に保管する機能。"),
             ("アクセス管理", "利用者ごとに操作できる業務及び情報を制限する機能。"))
DEPTS = ("市民課", "市民窓口センター", "保険年金課", "税務課", "市民税課", "資産税課", "納税課", "介護保険課",
         "子育て支援課", "障がい福祉課", "生活福祉課", "健康づくり課", "情報政策課", "総務課", "福祉政策課")
BUREAUS = ("市民部", "財務部", "福祉部", "健康福祉部", "こども未来部", "総務部", "市民自治部", "保健医療部")
COMPANY_HEADS = ("日本", "東日本", "中央", "富士", "青葉", "湘南", "みなと", "さくら", "北斗", "瀬戸内", "あおば")
COMPANY_MIDS = ("情報", "電算", "システム", "データ", "ネットワーク", "ビジネス", "コンピュータ")
COMPANY_TAILS = ("サービス", "センター", "開発", "ソリューションズ", "テクノロジー", "サポート")
BRANCHES = ("", "", " 公共事業本部", " 東北支店", " 首都圏支店", " 自治体営業部", " 関西支社")
ENTRUST_TITLES = ("データエントリー業務", "システムエンジニア派遣業務", "{sys}の運用保守業務",
                  "{sys}サーバー運用保守委託業務", "窓口業務の包括的業務委託", "通知書等の印刷・封入封緘業務",
                  "個人番号カード交付支援業務", "電算処理業務委託", "コールセンター運営業務")
LAWS = ("健康保険法", "船員保険法", "児童福祉法", "予防接種法", "身体障害者福祉法", "生活保護法", "地方税法",
        "国民年金法", "介護保険法", "高齢者の医療の確保に関する法律", "母子及び父子並びに寡婦福祉法",
        "難病の患者に対する医療等に関する法律", "年金生活者支援給付金の支給に関する法律", "公営住宅法",
        "特別児童扶養手当等の支給に関する法律", "児童手当法", "雇用保険法", "学校保健安全法")
LAW_ACTS = ("による保険給付の支給に関する事務", "による医療費の支給に関する事務", "による手当の支給に関する事務",
            "による給付の支給又は実費の徴収に関する事務", "による保険料の徴収に関する事務",
            "による措置又は費用の徴収に関する事務")
PROV_RECIPIENTS = ("厚生労働大臣", "全国健康保険協会", "健康保険組合", "都道府県知事", "市町村長", "日本年金機構",
                   "独立行政法人日本学生支援機構", "都道府県知事又は市町村長", "社会福祉協議会", "共済組合",
                   "地方公共団体情報システム機構")
INFORMATION = ("住民票関係情報(世帯番号、続柄等)", "個人番号、氏名、住所、生年月日、性別、世帯情報等の住民情報",
               "地方税関係情報", "医療保険給付関係情報", "住民票関係情報")
TIMINGS = ("照会を受けたら都度", "情報提供ネットワークシステムを通じて照会を受けた都度",
           "住民基本台帳ファイル更新の都度", "住民の異動が発生した時に随時", "毎月1回",
           "必要に応じて随時(1年に1回程度)。")
SENTENCES = (
    "特定個人情報を取り扱う端末は、生体認証及びパスワードによる二要素認証を行った職員のみが操作できるよう制限している。",
    "システムの操作履歴（アクセスログ・操作ログ）を記録し、定期的に不正な操作の有無を確認している。",
    "アクセス権限は所属長の承認を得た上で情報システム部門が設定し、人事異動の際には速やかに変更又は削除している。",
    "特定個人情報ファイルを保存したサーバは、入退室管理を行っている施錠されたサーバ室に設置している。",
    "届出の受付時には、個人番号カード等の本人確認書類により本人確認を行っている。",
    "入手した情報は、既存システムの情報と突合し、誤りがないことを確認した上で登録している。",
    "事務に必要のない情報を入手することがないよう、届出書の様式を定め、記載項目を限定している。",
    "職員に対し、年1回以上、個人情報保護及び情報セキュリティに関する研修を実施している。",
    "外部記録媒体の使用は原則として禁止し、やむを得ず使用する場合は所属長の許可を得て管理簿に記録している。",
    "委託先との契約書には、秘密保持、目的外利用の禁止、再委託の制限及び事故時の報告義務を明記している。",
    "委託先に対しては、必要に応じて作業場所への立入調査を行い、取扱状況を確認している。",
    "通信は専用回線を利用し、データは暗号化した上で送受信している。",
    "ウイルス対策ソフトを導入し、パターンファイルを自動的に更新している。",
    "バックアップデータは暗号化し、遠隔地に保管している。",
    "保存期間を経過した特定個人情報は、システム上で速やかに消去し、紙媒体は溶解処理を行っている。",
    "情報提供ネットワークシステムを通じた照会は、番号法に定める事務に限り行われるよう、システム上で制御している。",
    "中間サーバ・プラットフォームでは、情報照会の内容を記録し、不適切な照会がないか確認している。",
    "特定個人情報を含む帳票は、施錠できる書庫に保管し、庁舎外への持ち出しを禁止している。",
    "画面のハードコピーや印刷は業務上必要な範囲に限定し、印刷物は使用後に裁断している。",
    "庁内連携システムでは、連携先ごとに提供する項目を限定し、不要な情報が連携されないよう設定している。",
    "システムの利用は、業務時間内に庁舎内の端末からのみ可能としている。",
    "事故が発生した場合は、定められた手順に従い、速やかに関係部署へ報告する体制を整えている。",
    "情報セキュリティポリシーに基づき年1回自己点検を実施し、その結果を情報セキュリティ委員会に報告している。",
    "定期的に住民基本台帳との照合を行い、情報の正確性を確保している。",
    "提供先と提供内容を事前に登録し、登録内容以外の提供ができないようシステムで制御している。",
    "提供の記録はシステム上で7年間保存している。",
    "特定個人情報ファイルの複製は、バックアップ目的に限り、情報システム部門の管理のもとで行っている。",
    "退職者のユーザIDは、退職日をもって無効化している。",
    "パスワードは定期的な変更を義務付け、一定回数認証に失敗した場合はアカウントをロックしている。",
    "監視カメラを設置し、サーバ室への入退室を記録している。",
    "紙媒体で入手した申請書等は、処理後に鍵のかかる書庫で保管している。",
    "郵送による送付の際は簡易書留を利用し、宛先の確認を二人以上で行っている。",
    "個人番号の真正性は、住民基本台帳ネットワークシステムを通じて確認している。",
    "入手の際は、番号法及び条例に定める事務に必要な範囲に限り入手するよう、事務処理要領で定めている。",
)
CHANGE_PATHS_FULL = (
    "Ⅰ　基本情報　２．特定個人情報ファイルを取り扱う事務において使用するシステム　システム1　②システムの機能",
    "Ⅱ　特定個人情報ファイルの概要　１．住民基本台帳ファイル　４．特定個人情報ファイルの取扱いの委託　委託の有無",
    "Ⅵ　評価実施手続　１．基礎項目評価　①実施日",
    "提供先　①法令上の根拠　②提供先における用途　③提供する情報",
)
CHANGE_PATHS_FOCUSED = ("I-1 ②事務の内容", "I-2 システム1 ③他のシステムとの接続", "V-1 ①実施日",
                        "Ⅱ(1) 3.特定個人情報の入手・使用 ⑤使用方法", "別紙2 移転先一覧 No.3")
SOURCE_DETAILS = {
    "評価実施機関内の他部署": ("税務課、保険年金課", "市民課", "福祉部各課"),
    "行政機関・独立行政法人等": ("地方公共団体情報システム機構", "日本年金機構", "出入国在留管理庁"),
    "地方公共団体・地方独立行政法人": ("他市町村作成の転出証明書", "他市区町村", "都道府県"),
    "民間事業者": ("年金保険者", "金融機関", "事業主"),
    "その他": ("自部署", "地方公共団体情報システム機構", "住民基本台帳ネットワークシステム"),
}
MEASURE_HEADS = ("＜既存住基システムにおける措置＞", "＜中間サーバ・プラットフォームにおける措置＞",
                 "＜団体内統合宛名システムにおける措置＞", "＜システム共通における運用にかかる措置＞")


# ---------------------------------------------------------------------------
# Random data
# ---------------------------------------------------------------------------

def _iso(d: date, month_only: bool = False) -> str:
    return f"{d.year:04d}-{d.month:02d}" if month_only else d.isoformat()


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


class _Gen:
    """Random values for one assessment; every draw comes from one seeded Random."""

    def __init__(self, rng: random.Random, form_type: str) -> None:
        self.rng = rng
        self.full = form_type == "full"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def answer(self, opts: str, p_null: float = 0.06) -> str | None:
        if self.chance(p_null):
            return None
        return nfkc(self.rng.choice(OPTION_SETS[opts]))

    def sentences(self, lo: int = 1, hi: int = 3) -> str:
        picked = self.rng.sample(SENTENCES, self.rng.randint(lo, hi))
        return "\n".join(picked) if self.chance(0.5) else "".join(picked)

    def subset(self, labels: Sequence[str], lo: int = 1, hi: int = 4) -> list[str]:
        chosen = set(self.rng.sample(list(labels), self.rng.randint(lo, min(hi, len(labels)))))
        return [label for label in labels if label in chosen]

    def company(self) -> str:
        r = self.rng
        name = r.choice(COMPANY_HEADS) + r.choice(COMPANY_MIDS) + r.choice(COMPANY_TAILS)
        name = f"株式会社{name}" if self.chance(0.5) else f"{name}株式会社"
        return name + r.choice(BRANCHES)

    def dept(self) -> str:
        return self.rng.choice(BUREAUS) + (" " if self.chance(0.3) else "") + self.rng.choice(DEPTS)

    def documents(self, affair: str, published: date) -> dict[str, Any]:
        org = self.rng.choice(CITIES)
        kind = "全項目評価書" if self.full else "重点項目評価書"
        return {
            "form_type": "full" if self.full else "focused",
            "form_version": "平成30年5月 様式4" if self.full else "平成30年5月 様式3",
            "assessment_no": str(self.rng.randint(1, 150)),
            "title": f"{affair} {kind}",
            "organization": f"{org}長",
            "published_on": published.isoformat(),
            "affair_name": affair,
            "target_population": self.answer("POP5"),
            "info_network_linkage": self.answer("LINK", 0.03),
            "threshold_result": self.answer("TH4" if self.full else "TH3", 0.03),
        }

    def system(self, no: int, name: str, others: Sequence[str]) -> dict[str, Any]:
        n_funcs = self.rng.randint(1, 5)
        funcs = self.rng.sample(FUNCTIONS, n_funcs)
        lines = [f"{i}.{title}\n{desc}" for i, (title, desc) in enumerate(funcs, 1)]
        row: dict[str, Any] = {"system_no": no, "name": name, "functions": "\n".join(lines)}
        for col in CONN_COLUMNS.values():
            row[col] = self.chance(0.35)
        picks = [o for o in others if o != name]
        other_text = "、".join(self.rng.sample(picks, self.rng.randint(1, min(4, len(picks)))))
        row["conn_other_text"] = nfkc(other_text) if row["conn_other"] else None
        return row

    def sources(self) -> tuple[list[str], list[str] | None]:
        picked = self.subset(SOURCES, 1, 3)
        out = [f"{label}({self.rng.choice(SOURCE_DETAILS[label])})" for label in picked
               if label in SOURCE_DETAILS and self.chance(0.8)]
        return picked, (out or None)

    def entrustment(self, file_no: int, no: int, systems: Sequence[str]) -> dict[str, Any]:
        title = self.rng.choice(ENTRUST_TITLES).format(sys=self.rng.choice(systems))
        sub = self.chance(0.3)
        methods = self.subset(ENT_METHODS, 1, 2) if self.full else None
        other = "LGWAN" if methods and "その他" in methods else None
        return {
            "file_no": file_no, "entrustment_no": no, "title": title,
            "description": self.rng.choice((f"{title}に係る作業", "システムの運用保守支援",
                                             "届出書等によるシステムへの入力作業", "通知書の印刷及び発送")),
            "file_scope": self.answer("SCOPE") if self.full else None,
            "handlers_band": self.answer("STAFF"),
            "provision_methods": methods,
            "provision_methods_other_text": other,
            "contractor": self.company(),
            "subcontracting": sub,
            "subcontract_items": self.rng.choice(("システム保守作業の一部", "データ入力作業の一部", "印刷作業"))
            if sub else None,
        }

    def body_recipient(self, file_no: int, kind: str, no: int) -> dict[str, Any]:
        rows = PROV_ROWS if kind == "provision" else TRANS_ROWS
        methods = self.subset([x for row in rows for x in row], 1, 2)
        law = self.rng.choice(LAWS)
        who = self.rng.choice(PROV_RECIPIENTS) if kind == "provision" else self.dept()
        return {
            "file_no": file_no, "kind": kind, "recipient_no": no, "recipient": who,
            "legal_basis": f"番号法第19条第{self.rng.randint(1, 16)}号" if kind == "provision"
            else f"番号法第9条第1項 別表第一{self.rng.randint(1, 120)}の項",
            "purpose": f"{law}{self.rng.choice(LAW_ACTS)}",
            "information": self.rng.choice(INFORMATION),
            "subjects_band": self.answer("PERS"),
            "subjects_scope": self.rng.choice(("「2.③対象となる本人の範囲」と同上。", "区域内の住民",
                                               f"{law}に基づく給付の対象者")),
            "methods": methods,
            "methods_other_text": "住民基本台帳ネットワークシステム" if "その他" in methods else None,
            "timing": self.rng.choice(TIMINGS),
            "listed_in": "body",
        }

    def annex_recipient(self, file_no: int, kind: str, no: int) -> dict[str, Any]:
        law = self.rng.choice(LAWS)
        act = f"{law}{self.rng.choice(LAW_ACTS)}"
        if kind == "provision":
            who, basis = self.rng.choice(PROV_RECIPIENTS), f"番号法別表第2の{2 * no - self.rng.randint(0, 1)}項"
            method, info = "情報提供ネットワークシステム", "住民票関係情報(世帯番号、続柄等)"
            purpose = f"{act}であって主務省令で定められた用途"
            scope = f"{act}であって主務省令で定められた範囲に該当する者"
        else:
            who, basis = self.dept(), f"番号法別表第一{self.rng.randint(1, 120)}の項"
            method = "庁内連携システム" if self.chance(0.8) else "電子記録媒体(フラッシュメモリを除く。)"
            info, purpose, scope = INFORMATION[1], act, f"住民基本台帳に記載されている{law}の対象者"
        return {
            "file_no": file_no, "kind": kind, "recipient_no": no, "recipient": who, "legal_basis": basis,
            "purpose": purpose, "information": info,
            "subjects_band": nfkc(self.rng.choice(OPTION_SETS["PERS"])), "subjects_scope": scope,
            "methods": [method], "methods_other_text": None,
            "timing": self.rng.choice(TIMINGS[:3]), "listed_in": "annex",
        }


def _annex_label(full: bool, number: int) -> str:
    return f"別添{number}" if full else f"別紙{number}"


def _reference_row(gen: _Gen, file_no: int, kind: str, label: str) -> dict[str, Any]:
    word = "提供" if kind == "provision" else "移転"
    if gen.full:
        pointer = f"「5.特定個人情報の提供・移転」における{word}先については、{label}を参照"
        listed = f"({label}) {word}先一覧に記載"
    else:
        pointer = f"「5. 特定個人情報の提供・移転」における{word}先については、({label}){word}先一覧を参照"
        listed = f"({label}){word}先一覧に記載"
    rows = PROV_ROWS if kind == "provision" else TRANS_ROWS
    return {
        "file_no": file_no, "kind": kind, "recipient_no": 1, "recipient": pointer, "legal_basis": listed,
        "purpose": listed, "information": listed, "subjects_band": gen.answer("PERS"),
        "subjects_scope": listed, "methods": [rows[0][0]], "methods_other_text": None, "timing": listed,
        "listed_in": "reference",
    }


def _annex_sizes(gen: _Gen, file_no: int, n_annex_rows: int | None) -> tuple[int, int]:
    """Rows of this file's annexed 提供先一覧 and 移転先一覧 (0 = no list)."""
    if file_no != 1:
        return 0, 0
    if n_annex_rows is None:
        if not gen.chance(0.45):
            return 0, 0
        n_prov = gen.rng.randint(6, 40)
        return n_prov, (gen.rng.randint(3, 20) if gen.chance(0.6) else 0)
    return max(0, n_annex_rows), max(0, n_annex_rows) // 2


class _AnnexCounter:
    def __init__(self, full: bool) -> None:
        self.next = 4 if full else 1


def _recipients_for_file(gen: _Gen, file_no: int, sizes: tuple[int, int],
                         counter: _AnnexCounter) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for kind, n_annex in zip(("provision", "transfer"), sizes, strict=True):
        if n_annex:
            label = _annex_label(gen.full, counter.next)
            counter.next += 1
            out.append(_reference_row(gen, file_no, kind, label))
            out += [gen.annex_recipient(file_no, kind, i) for i in range(1, n_annex + 1)]
        elif gen.chance(0.65 if kind == "provision" else 0.45):
            out += [gen.body_recipient(file_no, kind, i) for i in range(1, gen.rng.randint(1, 3) + 1)]
    return out


def _count(recipients: Sequence[dict[str, Any]], kind: str) -> int | None:
    rows = [r for r in recipients if r["kind"] == kind and r["listed_in"] != "reference"]
    return len(rows) or None


def _file_row(gen: _Gen, file_no: int, name: str, n_ent: int, recipients: Sequence[dict[str, Any]],
              published: date) -> dict[str, Any]:
    main_items = gen.subset(MAIN_ITEMS, 1, 8)
    sources, details = gen.sources()
    methods = gen.subset(ACQ_METHODS, 1, 3)
    start = _rand_date(gen.rng, date(2015, 1, 5), min(published, date(2020, 12, 28)))
    n_prov, n_trans = _count(recipients, "provision"), _count(recipients, "transfer")
    return {
        "file_no": file_no, "name": name, "file_type": gen.answer("FTYPE"), "subjects_band": gen.answer("PERS"),
        "subjects_scope": gen.rng.choice(("区域内の住民(住民基本台帳に記録された住民を指す)",
                                          "番号法施行日当日および同日以後に、当市に住民票が存在する者",
                                          f"{name.removesuffix('ファイル')}の対象となる者")),
        "items_band": gen.answer("ITEMS"), "main_items": main_items,
        "main_items_other_text": "選挙資格関係情報、更新年月日" if "その他" in main_items else None,
        "holding_start": _iso(start, month_only=gen.chance(0.4)),
        "department": "、".join(gen.rng.sample(DEPTS, gen.rng.randint(1, 3))),
        "sources": sources, "sources_detail": details, "acquisition_methods": methods,
        "acquisition_methods_other_text": "住民基本台帳ネットワークシステム" if "その他" in methods else None,
        "users_band": gen.answer("STAFF"),
        "use_start": _iso(_rand_date(gen.rng, start, start + timedelta(days=400))),
        "entrusted": n_ent > 0, "n_entrustments": n_ent or None,
        "provides": n_prov is not None, "n_provisions": n_prov,
        "transfers": n_trans is not None, "n_transfers": n_trans,
        "retention_band": gen.answer("PERIOD") if gen.full else None,
    }


def _not_applicable(section: Section, risk: Risk, file: dict[str, Any], flags: dict[str, bool]) -> bool:
    """True where the form's own checkbox (委託しない, 接続しない ...) leaves the answers blank."""
    if section.no == 4 and section.flags:
        return not file.get("entrusted")
    if section.no == 5 and section.flags:
        return not (file.get("provides") or file.get("transfers"))
    if section.no == 6 and section.flags:
        n_in = 4 if len(section.risks) > 2 else 1
        return flags["no_in"] if (risk.no or 0) <= n_in else flags["no_out"]
    return False


def _risk_rows(gen: _Gen, form_type: str, files: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    file_flags = {f["file_no"]: {"no_in": gen.chance(0.3), "no_out": gen.chance(0.25)} for f in files}
    for part, sec, per_file in _risk_sections(form_type):
        targets: Iterable[dict[str, Any] | None] = files if per_file else [None]
        for file in targets:
            for risk in sec.risks:
                blank = file is not None and _not_applicable(sec, risk, file, file_flags[file["file_no"]])
                for q in risk.rows:
                    if not q.opts:
                        continue
                    answer = None if blank else gen.answer(q.opts)
                    out.append({
                        "file_no": file["file_no"] if file else None, "part": part, "section_no": sec.no,
                        "section": nfkc(sec.title), "risk_no": risk.no,
                        "risk": nfkc("\n".join(risk.titles)) if risk.titles else None,
                        "question": q.question, "answer": answer,
                        "answer_code": _code(q.opts, answer),
                    })
    out.sort(key=lambda r: (r["part"], r["file_no"] or 0))
    return out


def _code(opts: str, answer: str | None) -> int | None:
    if answer is None:
        return None
    return [nfkc(o) for o in OPTION_SETS[opts]].index(answer) + 1


def random_assessment(seed: int, form_type: str = "full", n_files: int | None = None,
                      n_annex_rows: int | None = None) -> dict[str, Any]:
    """A random but valid assessment in the shape of the truth JSONs.

    n_files: number of 特定個人情報ファイル (default 1-3).  n_annex_rows: rows of file 1's
    annexed 提供先一覧 (its 移転先一覧 gets n_annex_rows // 2; 0 = no annex; default random).
    """
    if form_type not in FORM_TYPES:
        raise ValueError(f"form_type must be one of {FORM_TYPES}, not {form_type!r}")
    if form_type == "basic":
        from pia_fixtures.basic import random_basic

        return random_basic(seed, n_files)
    rng = random.Random(f"pia-synth:{seed}:{form_type}:{n_files}:{n_annex_rows}")
    gen = _Gen(rng, form_type)
    affair, file_names = rng.choice(AFFAIRS)
    published = _rand_date(rng, date(2016, 4, 1), date(2025, 12, 26))
    names = rng.sample(SYSTEM_NAMES, rng.randint(1, 7))
    systems = [gen.system(i, name, SYSTEM_NAMES) for i, name in enumerate(names, 1)]
    nf = n_files if n_files is not None else rng.randint(1, 3)
    files, entrustments, recipients = [], [], []
    counter = _AnnexCounter(gen.full)
    for file_no in range(1, nf + 1):
        name = file_names[file_no - 1] if file_no <= len(file_names) else f"{file_names[0][:-4]}{file_no}ファイル"
        ents = [gen.entrustment(file_no, i, names) for i in range(1, rng.randint(0, 4) + 1)]
        recs = _recipients_for_file(gen, file_no, _annex_sizes(gen, file_no, n_annex_rows), counter)
        files.append(_file_row(gen, file_no, name, len(ents), recs, published))
        entrustments += ents
        recipients += recs
    return {
        "documents": gen.documents(affair, published),
        "systems": systems, "files": files, "entrustments": entrustments, "recipients": recipients,
        "risk_ratings": _risk_rows(gen, form_type, files),
    }


# ---------------------------------------------------------------------------
# Style
# ---------------------------------------------------------------------------

_CHECKBOXES = {"[ ○ ]": ("[ ○ ]", "[ 　 ]"), "[○]": ("[○]", "[　]"), "☑/☐": ("☑", "☐"), "■/□": ("■", "□")}
_LEGENDS = ("box_right", "below", "plain")
_LEGEND_NUMBERS = ("auto", "1）", "1)")


@dataclass(frozen=True)
class RenderStyle:
    """Printing variants.  The defaults follow the corpus PDFs.

    checkbox: "[ ○ ]" (default), "[○]", "☑/☐" or "■/□" (checked/unchecked glyphs).
    legend: "box_right" (bordered ＜選択肢＞ box beside the answer), "below" (box under it),
        "plain" (legend text beside the answer, no box).
    label_ratio: width of the label column as a share of the table width.
    fullwidth_digits: "１．" and "リスク１：　" (True) or "1. " and "リスク1: " (False).
    legend_number: "1）", "1)" or "auto" (1） for 全項目, 1) for 重点項目).
    choice_brackets: "[ 値 ]" (spaced, default) or "[値]" (tight).
    font: PyMuPDF built-in font name ("japan", "cjk") or a .ttf/.otf/.ttc path; bold_font the
        same for headings (default: the regular font).
    vertical_group_labels: print 再/委/託 one character per line (else horizontally).
    annex_no_column: add a "No." column to 提供先一覧 / 移転先一覧.
    name_list: how 様式2 prints its system and file names: "lines" (one a line) or "、" (one line, comma-joined).
    """

    checkbox: str = "[ ○ ]"
    legend: str = "box_right"
    label_ratio: float = 0.30
    fullwidth_digits: bool = True
    legend_number: str = "auto"
    choice_brackets: str = "spaced"
    font_size: float = 9.0
    font: str = "japan"
    bold_font: str | None = None
    vertical_group_labels: bool = True
    annex_no_column: bool = False
    name_list: str = "lines"

    def __post_init__(self) -> None:
        checks = [("checkbox", self.checkbox, tuple(_CHECKBOXES)), ("legend", self.legend, _LEGENDS),
                  ("legend_number", self.legend_number, _LEGEND_NUMBERS),
                  ("choice_brackets", self.choice_brackets, ("spaced", "tight")),
                  ("name_list", self.name_list, ("lines", "、"))]
        for name, value, allowed in checks:
            if value not in allowed:
                raise ValueError(f"RenderStyle.{name} must be one of {allowed}, not {value!r}")
        if not 0.15 <= self.label_ratio <= 0.5:
            raise ValueError("RenderStyle.label_ratio must be within 0.15-0.5")
        if not 6 <= self.font_size <= 14:
            raise ValueError("RenderStyle.font_size must be within 6-14")

    def mark(self, checked: bool) -> str:
        return _CHECKBOXES[self.checkbox][0 if checked else 1]

    def answer(self, value: str | None) -> str:
        if self.choice_brackets == "tight":
            return f"[{value}]" if value else "[　　]"
        return f"[ {value} ]" if value else "[　　]"

    def legend_paren(self, form_type: str) -> str:
        if self.legend_number == "auto":
            return "）" if form_type == "full" else ")"
        return self.legend_number[-1]

    def item(self, n: int) -> str:
        return item_number(n, self.fullwidth_digits)

    def risk(self, n: int | None) -> str:
        return risk_number(n, self.fullwidth_digits)


def item_number(n: int, fullwidth: bool) -> str:
    """`１．` or `1. `: an item number as printed."""
    return f"{_fw(n)}．" if fullwidth else f"{n}. "


def risk_number(n: int | None, fullwidth: bool) -> str:
    """`リスク１：　` or `リスク1: ` (no number: `リスク：　`): a risk heading's start as printed."""
    if fullwidth:
        return f"リスク{_fw(n)}：　" if n else "リスク：　"
    return f"リスク{n}: " if n else "リスク: "


def _fw(n: int | str) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


# ---------------------------------------------------------------------------
# Fonts and text measurement
# ---------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _load_font(spec: str) -> pymupdf.Font:
    if os.path.sep in spec or spec.lower().endswith((".ttf", ".otf", ".ttc")):
        return pymupdf.Font(fontfile=spec)
    return pymupdf.Font(spec)


class _Measure:
    """Glyph advances of one font (cached per character)."""

    def __init__(self, font: pymupdf.Font) -> None:
        self.font = font
        self.cache: dict[str, float] = {}
        asc = float(font.ascender or 0.88)
        self.ascender = asc if 0.6 < asc < 1.2 else 0.88

    def adv(self, ch: str) -> float:
        w = self.cache.get(ch)
        if w is None:
            w = self.font.glyph_advance(ord(ch)) or (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55)
            self.cache[ch] = w
        return w

    def width(self, text: str, size: float) -> float:
        return sum(self.adv(c) for c in text) * size


_NO_START = frozenset("、。，．・：；？！ー）」』】〕〉》］｝)]}ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々")
_NO_END = frozenset("（「『【〔〈《［｛([{")


def _wrap_para(para: str, width: float, size: float, m: _Measure) -> list[str]:
    lines: list[str] = []
    cur: list[str] = []
    w = 0.0
    for ch in para:
        cw = m.adv(ch) * size
        if cur and w + cw > width:
            carry: list[str] = []
            if ch in _NO_START and len(cur) > 1:
                carry.append(cur.pop())
            while len(cur) > 1 and cur[-1] in _NO_END:
                carry.insert(0, cur.pop())
            lines.append("".join(cur))
            cur, w = carry, sum(m.adv(c) for c in carry) * size
        cur.append(ch)
        w += cw
    lines.append("".join(cur))
    return lines


def wrap(text: str, width: float, size: float, m: _Measure) -> list[str]:
    """Break text into lines no wider than width; "\\n" starts a new line."""
    out: list[str] = []
    for para in text.split("\n"):
        out += _wrap_para(para, width, size, m)
    return out


# ---------------------------------------------------------------------------
# Drawing primitives: blocks of ops, rows, pages
# ---------------------------------------------------------------------------

A4 = (595.28, 841.89)
_LANG = _mupdf.fz_text_language_from_string(None)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 31.6, 37.0, 37.0
LABEL_BG = (0.933, 0.949, 0.969)
HEAD_BG = (0.875, 0.898, 0.933)


@dataclass
class Block:
    """An unsplittable strip of a cell: height and ops relative to its top-left corner.

    ops: ("t", x, y, text, size, bold) text with its line box top at y; ("r", x0, y0, x1, y1) a thin box.
    """

    h: float
    ops: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(eq=False)
class Group:
    """A merged left cell spanning several sub-rows (再/委/託, ⑦使用の主体 ...)."""

    label: str = ""
    vertical: bool = False
    drawn: bool = False


@dataclass
class Row:
    """kind: field (label | value), heading (shaded, full width), full (value over the full width),
    flabel (shaded label over the full width), gap (vertical space)."""

    kind: str
    label: str = ""
    blocks: list[Block] = field(default_factory=list)
    group: Group | None = None
    right: str = ""
    height: float = 0.0


class _Metrics:
    def __init__(self, style: RenderStyle) -> None:
        fs = style.font_size
        self.fs, self.lh = fs, fs * 1.32
        self.lfs = fs * 0.944
        self.llh = self.lfs * 1.32
        self.pad_x, self.pad_y = 3.3, 2.0


class _Pager:
    """Owns the document and the current page; collects ops and flushes them per page."""

    def __init__(self, style: RenderStyle) -> None:
        self.style = style
        self.m = _Metrics(style)
        self.measure = _Measure(_load_font(style.font))
        bold = _load_font(style.bold_font) if style.bold_font else None
        self.bold = bold or self.measure.font
        self.doc = pymupdf.open()
        self.page: pymupdf.Page | None = None
        self.width, self.height = A4
        self.x0, self.x1 = MARGIN_X, A4[0] - MARGIN_X
        self.y, self.bottom = MARGIN_TOP, A4[1] - MARGIN_BOTTOM
        self.tw: pymupdf.TextWriter | None = None
        self.fills: dict[tuple[float, ...], list[pymupdf.Rect]] = defaultdict(list)
        self.lines: list[tuple[float, float, float, float]] = []
        self.boxes: list[pymupdf.Rect] = []

    def new_page(self, landscape: bool = False) -> None:
        self.flush()
        self.width, self.height = (A4[1], A4[0]) if landscape else A4
        self.page = self.doc.new_page(width=self.width, height=self.height)
        self.tw = pymupdf.TextWriter(self.page.rect)
        self.x0, self.x1 = MARGIN_X, self.width - MARGIN_X
        self.y, self.bottom = MARGIN_TOP, self.height - MARGIN_BOTTOM

    def flush(self) -> None:
        if self.page is None:
            return
        self._write_graphics()
        if self.tw is not None:
            self.tw.write_text(self.page)
        self.page, self.tw = None, None
        self.fills, self.lines, self.boxes = defaultdict(list), [], []

    def _write_graphics(self) -> None:
        """Fills, rules and legend boxes as one raw content stream (PyMuPDF's Shape is ~100x slower)."""
        assert self.page is not None
        h = self.height
        out = ["q"]
        for (r, g, b), rects in self.fills.items():
            out.append(f"{r:.3f} {g:.3f} {b:.3f} rg")
            out += [f"{x.x0:.2f} {h - x.y1:.2f} {x.width:.2f} {x.height:.2f} re f" for x in rects]
        out.append("0 0 0 RG 0.75 w 2 J")
        out += [f"{x0:.2f} {h - y0:.2f} m {x1:.2f} {h - y1:.2f} l S" for x0, y0, x1, y1 in self.lines]
        out.append("0.5 w 0 J")
        out += [f"{x.x0:.2f} {h - x.y1:.2f} {x.width:.2f} {x.height:.2f} re S" for x in self.boxes]
        out.append("Q")
        doc = self.doc
        xref = doc.get_new_xref()
        doc.update_object(xref, "<<>>")
        doc.update_stream(xref, "\n".join(out).encode("ascii"))
        kind, value = doc.xref_get_key(self.page.xref, "Contents")
        refs = value.strip("[]") if kind == "array" else (value if kind == "xref" else "")
        doc.xref_set_key(self.page.xref, "Contents", f"[{xref} 0 R {refs}]".replace(" ]", "]"))

    def text(self, x: float, y: float, s: str, size: float, bold: bool = False) -> None:
        """Text with its line box top at y.  Calls MuPDF's fz_show_string directly: TextWriter.append
        recomputes the bounding box of everything written so far, which makes big pages quadratic."""
        if not s or self.tw is None:
            return
        font = self.bold if bold else self.measure.font
        baseline = self.height - (y + size * self.measure.ascender)
        trm = _mupdf.fz_make_matrix(size, 0, 0, size, x, baseline)
        _mupdf.fz_show_string(self.tw.this, font.this, trm, s, 0, 0, 0, _LANG)

    def fill(self, x0: float, y0: float, x1: float, y1: float, color: tuple[float, ...]) -> None:
        self.fills[color].append(pymupdf.Rect(x0, y0, x1, y1))

    def cell(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.lines += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]

    def ops(self, x: float, y: float, ops: Iterable[tuple[Any, ...]]) -> None:
        for op in ops:
            if op[0] == "t":
                self.text(x + op[1], y + op[2], op[3], op[4], op[5])
            else:
                self.boxes.append(pymupdf.Rect(x + op[1], y + op[2], x + op[3], y + op[4]))

    def finish(self) -> pymupdf.Document:
        self.flush()
        return self.doc


# ---------------------------------------------------------------------------
# Cell content builders
# ---------------------------------------------------------------------------

class _Cells:
    """Builds value-cell blocks (text, choices with legends, checkbox groups) for a given width."""

    def __init__(self, pager: _Pager, form_type: str) -> None:
        self.p = pager
        self.m = pager.m
        self.style = pager.style
        self.form_type = form_type

    def text(self, text: str | None, width: float, bold: bool = False) -> list[Block]:
        if not text:
            return [Block(self.m.lh)]
        return [Block(self.m.lh, [("t", 0.0, 0.0, line, self.m.fs, bold)])
                for line in wrap(text, width, self.m.fs, self.p.measure)]

    def lines(self, lines: Sequence[str], width: float) -> list[Block]:
        return self.text("\n".join(lines), width)

    def legend_lines(self, opts: str, inner: float) -> list[str]:
        paren = self.style.legend_paren(self.form_type)
        texts = {i: f"{i}{paren} {o}" for i, o in enumerate(OPTION_SETS[opts], 1)}
        rows = LEGEND_ROWS.get(opts, (tuple(texts),))
        joined = ["　".join(texts[i] for i in row) for row in rows]
        m = self.p.measure
        if max(m.width(s, self.m.lfs) for s in joined) > inner:
            joined = [texts[i] for i in sorted(texts)]
        out = []
        for s in joined:
            out += wrap(s, inner, self.m.lfs, m)
        return ["＜選択肢＞", *out]

    def _legend_ops(self, opts: str, x: float, y: float, inner: float) -> tuple[list[tuple[Any, ...]], float, float]:
        lines = self.legend_lines(opts, inner)
        bpad = 3.0
        w = max(self.p.measure.width(s, self.m.lfs) for s in lines) + 2 * bpad
        h = len(lines) * self.m.llh + 2 * bpad
        ops: list[tuple[Any, ...]] = [("t", x + bpad, y + bpad + i * self.m.llh, s, self.m.lfs, False)
                                      for i, s in enumerate(lines)]
        if self.style.legend != "plain":
            ops.append(("r", x, y, x + w, y + h))
        return ops, w, h

    def choice(self, answer: str | None, opts: str, width: float, extra: str = "") -> list[Block]:
        """`[ answer ]` (plus `extra`, e.g. a count) with its ＜選択肢＞ legend."""
        m, fs = self.p.measure, self.m.fs
        head = self.style.answer(self._printed_option(answer, opts))
        ops: list[tuple[Any, ...]] = [("t", 0.0, 0.0, head, fs, False)]
        x = m.width(head, fs) + 10
        if extra:
            ops.append(("t", x, 0.0, extra, fs, False))
            x += m.width(extra, fs) + 10
        room = width - x - 8
        widest = max(m.width(f"1） {o}", self.m.lfs) for o in OPTION_SETS[opts])
        if self.style.legend == "below" or room < min(widest, 150):
            lops, _, lh = self._legend_ops(opts, 8.0, self.m.lh + 2, width - 16)
            return [Block(self.m.lh + lh + 5, ops + lops)]
        lops, _, lh = self._legend_ops(opts, x + 4, 1.5, room)
        return [Block(max(self.m.lh, lh + 1.5) + 4, ops + lops)]

    @staticmethod
    def _printed_option(answer: str | None, opts: str) -> str | None:
        if answer is None:
            return None
        for o in OPTION_SETS[opts]:
            if nfkc(o) == nfkc(answer):
                return o
        return answer

    def checkboxes(self, rows: Sequence[Sequence[str]], checked: Iterable[str], width: float,
                   slots: dict[str, str | None] | None = None) -> list[Block]:
        """One block per printed row; `slots` gives the （ text ） of options that have one."""
        on = set(checked)
        slots = slots or {}
        blocks = []
        for row in rows:
            col_w = width / max(len(row), 1) if len(row) > 1 else width
            cells = [self._cbx_item(label, label in on, slots) for label in row]
            wrapped = [wrap(c, col_w - 4, self.m.fs, self.p.measure) for c in cells]
            ops = [("t", i * col_w, j * self.m.lh, line, self.m.fs, False)
                   for i, lines in enumerate(wrapped) for j, line in enumerate(lines)]
            blocks.append(Block(max(len(w) for w in wrapped) * self.m.lh + 1, ops))
        return blocks

    def _cbx_item(self, label: str, on: bool, slots: dict[str, str | None]) -> str:
        text = f"{self.style.mark(on)} {label}"
        if label in slots:
            slot = slots[label]
            text += f" （ {slot} ）" if slot else " （　　　）"
        return text


# ---------------------------------------------------------------------------
# The two-column table
# ---------------------------------------------------------------------------

class _Table:
    """Places rows on pages: splits long rows between blocks, keeps headings with what follows."""

    def __init__(self, pager: _Pager) -> None:
        self.p = pager
        self.m = pager.m
        self.group_runs: list[tuple[Group, float, float]] = []

    # geometry
    @property
    def lx(self) -> float:
        return self.p.x0 + (self.p.x1 - self.p.x0) * self.p.style.label_ratio

    @property
    def gx(self) -> float:
        return self.p.x0 + min(45.2 * self.m.fs / 9.0, (self.lx - self.p.x0) * 0.35)

    def value_width(self) -> float:
        return self.p.x1 - self.lx - 2 * self.m.pad_x

    def full_width(self) -> float:
        return self.p.x1 - self.p.x0 - 2 * self.m.pad_x

    def label_lines(self, row: Row) -> list[str]:
        if not row.label:
            return []
        x0 = self.gx if row.group else self.p.x0
        right = self.lx if row.kind == "field" else self.p.x1
        width = right - x0 - 2 * self.m.pad_x
        if row.right:
            width -= self.p.measure.width(row.right, self.m.fs) + 12
        return wrap(row.label, width, self.m.fs, self.p.measure)

    # placement
    def place(self, rows: Sequence[Row]) -> None:
        for i, row in enumerate(rows):
            if row.kind == "gap":
                self.p.y += row.height
                continue
            if row.kind in ("heading", "flabel") and i + 1 < len(rows):
                need = self._height(row) + self._min_chunk(rows[i + 1])
                if self.p.y + need > self.p.bottom and self.p.y > MARGIN_TOP + 40:
                    self.page_break()
            self._place_row(row)
        self.close_groups()

    def page_break(self) -> None:
        self.close_groups()
        self.p.new_page()

    def _height(self, row: Row) -> float:
        label_h = len(self.label_lines(row)) * self.m.lh
        value_h = sum(b.h for b in row.blocks)
        return max(label_h, value_h, self.m.lh) + 2 * self.m.pad_y

    def _min_chunk(self, row: Row) -> float:
        if row.kind == "gap":
            return 0.0
        first = row.blocks[0].h if row.blocks else self.m.lh
        label_h = len(self.label_lines(row)) * self.m.lh
        return max(first, label_h, self.m.lh) + 2 * self.m.pad_y

    def _place_row(self, row: Row) -> None:
        while True:
            avail = self.p.bottom - self.p.y
            h = self._height(row)
            if h <= avail:
                self._draw(row, h)
                return
            k = self._fit_blocks(row, avail)
            if k == 0:
                if self.p.y <= MARGIN_TOP + 1:  # taller than a page and nothing fits: draw anyway
                    self._draw(row, h)
                    return
                self.page_break()
                continue
            head = Row(row.kind, row.label, row.blocks[:k], row.group, row.right)
            self._draw(head, self._height(head))
            row = Row(row.kind, "", row.blocks[k:], row.group)
            self.page_break()

    def _fit_blocks(self, row: Row, avail: float) -> int:
        if row.kind not in ("field", "full") or len(row.blocks) < 2:
            return 0
        label_h = len(self.label_lines(row)) * self.m.lh
        used, k = 0.0, 0
        for b in row.blocks[:-1]:
            if used + b.h + 2 * self.m.pad_y > avail:
                break
            used += b.h
            k += 1
        return k if k and used >= label_h else 0

    def _draw(self, row: Row, h: float) -> None:
        p, m, y = self.p, self.m, self.p.y
        if row.kind in ("heading", "flabel"):
            p.fill(p.x0, y, p.x1, y + h, HEAD_BG if row.kind == "heading" else LABEL_BG)
            p.cell(p.x0, y, p.x1, y + h)
            for j, line in enumerate(self.label_lines(row)):
                p.text(p.x0 + m.pad_x, y + m.pad_y + j * m.lh, line, m.fs, bold=row.kind == "heading")
            if row.right:
                rx = p.x1 - m.pad_x - p.measure.width(row.right, m.fs)
                p.text(rx, y + m.pad_y, row.right, m.fs)
        elif row.kind == "full":
            p.cell(p.x0, y, p.x1, y + h)
            self._draw_blocks(row.blocks, p.x0 + m.pad_x, y + m.pad_y)
        else:
            self._draw_field(row, y, h)
        p.y += h

    def _draw_field(self, row: Row, y: float, h: float) -> None:
        p, m = self.p, self.m
        x_label = self.gx if row.group else p.x0
        p.fill(x_label, y, self.lx, y + h, LABEL_BG)
        p.cell(x_label, y, self.lx, y + h)
        p.cell(self.lx, y, p.x1, y + h)
        for j, line in enumerate(self.label_lines(row)):
            p.text(x_label + m.pad_x, y + m.pad_y + j * m.lh, line, m.fs)
        self._draw_blocks(row.blocks, self.lx + m.pad_x, y + m.pad_y)
        self._track_group(row.group, y, y + h)

    def _draw_blocks(self, blocks: Sequence[Block], x: float, y: float) -> None:
        for b in blocks:
            self.p.ops(x, y, b.ops)
            y += b.h

    # merged group cells
    def _track_group(self, group: Group | None, y0: float, y1: float) -> None:
        runs = self.group_runs
        if runs and runs[-1][0] is not group:
            self.close_groups()
        if group is None:
            return
        if runs and runs[-1][0] is group:
            runs[-1] = (group, runs[-1][1], y1)
        else:
            runs.append((group, y0, y1))

    def close_groups(self) -> None:
        for group, y0, y1 in self.group_runs:
            self._draw_group(group, y0, y1)
        self.group_runs = []

    def _draw_group(self, group: Group, y0: float, y1: float) -> None:
        p, m = self.p, self.m
        p.fill(p.x0, y0, self.gx, y1, LABEL_BG)
        p.cell(p.x0, y0, self.gx, y1)
        if group.drawn or not group.label:
            return
        group.drawn = True
        if group.vertical:
            n = len(group.label)
            top = y0 + max(m.pad_y, (y1 - y0 - n * m.lh) / 2)
            for j, ch in enumerate(group.label):
                cx = (p.x0 + self.gx) / 2 - p.measure.width(ch, m.fs) / 2
                p.text(cx, top + j * m.lh, ch, m.fs)
            return
        for j, line in enumerate(wrap(group.label, self.gx - p.x0 - 2 * m.pad_x, m.fs, p.measure)):
            p.text(p.x0 + m.pad_x, y0 + m.pad_y + j * m.lh, line, m.fs)


# ---------------------------------------------------------------------------
# Dates and filler
# ---------------------------------------------------------------------------

def wareki(iso: str | None) -> str:
    """ISO date (YYYY-MM-DD or YYYY-MM) in the Japanese era style: 2023-11-30 -> 令和5年11月30日."""
    if not iso:
        return ""
    parts = [int(x) for x in iso.split("-")]
    y, mo, d = parts[0], parts[1], parts[2] if len(parts) > 2 else None
    key = (y, mo, d or 1)
    if key >= (2019, 5, 1):
        era, ey = "令和", y - 2018
    elif key >= (1989, 1, 8):
        era, ey = "平成", y - 1988
    else:
        era, ey = "昭和", y - 1925
    text = f"{era}{'元' if ey == 1 else ey}年{mo}月"
    return text + (f"{d}日" if d else "")


class _Filler:
    """Deterministic prose for fields the tables do not cover."""

    def __init__(self, rng: random.Random, org: str) -> None:
        self.rng = rng
        self.org = org

    def measures(self, lo: int = 1, hi: int = 4) -> str:
        r = self.rng
        parts = []
        if r.random() < 0.3:
            parts.append(r.choice(MEASURE_HEADS))
        bullet = "・ " if r.random() < 0.5 else ""
        parts += [bullet + s for s in r.sample(SENTENCES, r.randint(lo, hi))]
        return "\n".join(parts)

    def short(self) -> str:
        return self.rng.choice(("－", "特になし", self.rng.choice(SENTENCES)))

    def maybe(self, p_blank: float = 0.15) -> str:
        return "－" if self.rng.random() < p_blank else self.measures(1, 2)

    def numbered(self, n: int) -> str:
        items = self.rng.sample(FUNCTIONS, min(n, len(FUNCTIONS)))
        return "\n".join(f"{i}.{t}\n{d}" for i, (t, d) in enumerate(items, 1))

    def date(self, base: str | None, days_before: int) -> str:
        d = date.fromisoformat(base) if base and len(base) == 10 else date(2023, 11, 1)
        return wareki((d - timedelta(days=self.rng.randint(days_before // 2, days_before))).isoformat())


def _data_seed(data: dict[str, Any]) -> int:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return int(hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16], 16)


# ---------------------------------------------------------------------------
# The form, section by section
# ---------------------------------------------------------------------------

Rows = list[Row]


class _Form:
    """Turns one data dict into rows and pages."""

    def __init__(self, data: dict[str, Any], style: RenderStyle) -> None:
        self.data = data
        self.doc = data.get("documents") or {}
        self.form_type = self.doc.get("form_type") or "full"
        self.full = self.form_type != "focused"
        self.style = style
        self.p = _Pager(style)
        self.t = _Table(self.p)
        self.c = _Cells(self.p, self.form_type)
        self.f = _Filler(random.Random(_data_seed(data)), self.doc.get("organization") or "当市")
        self.risks = {(r.get("file_no"), r.get("part"), r.get("section_no"), r.get("risk_no"), r.get("question")):
                      r.get("answer") for r in data.get("risk_ratings") or []}

    # row helpers
    def vw(self) -> float:
        return self.t.value_width()

    def heading(self, text: str, right: str = "") -> Row:
        return Row("heading", text, right=right)

    def field(self, label: str, blocks: list[Block] | str | None, group: Group | None = None) -> Row:
        if not isinstance(blocks, list):
            blocks = self.c.text(blocks, self.vw())
        return Row("field", label, blocks, group)

    def full_text(self, text: str | None) -> Row:
        return Row("full", blocks=self.c.text(text, self.t.full_width()))

    def choice(self, label: str, answer: str | None, opts: str, group: Group | None = None,
               extra: str = "") -> Row:
        return Row("field", label, self.c.choice(answer, opts, self.vw(), extra), group)

    def cbx(self, label: str, rows: Sequence[Sequence[str]], checked: Iterable[str],
            slots: dict[str, str | None] | None = None) -> Row:
        return Row("field", label, self.c.checkboxes(rows, checked, self.vw(), slots))

    def section_page(self, title: str) -> None:
        self.p.new_page()
        self.p.text(self.p.x0 - 0.4, self.p.y, title, self.p.m.fs * 1.15, bold=True)
        self.p.y += self.p.m.fs * 1.15 * 1.4 + 8

    # --- pages -------------------------------------------------------------
    def render(self) -> pymupdf.Document:
        self.cover()
        self.contents()
        self.part_i()
        files = self.data.get("files") or []
        for file in files:
            self.part_ii(file)
        if self.full:
            self.annex_text("（別添１） 事務の内容", self.f.numbered(6))
        self.annex_items(files)
        for file in files:
            self.part_iii(file)
        if self.full:
            self.part_iv()
        self.disclosure()
        self.procedures()
        self.change_log()
        self.recipient_lists()
        return self.p.finish()

    def cover(self) -> None:
        p, m = self.p, self.p.m
        p.new_page()
        stamp = self.doc.get("form_version")
        if stamp:
            s = f"[{stamp.replace(' ', '　')}]"
            p.text(p.x1 - p.measure.width(s, m.fs), p.y, s, m.fs)
        kind = "全項目評価書" if self.full else "重点項目評価書"
        title = f"特定個人情報保護評価書（{kind}）"
        p.text((p.width - p.measure.width(title, 16)) / 2, 80, title, 16)
        p.y = 135
        self._cover_pair(("評価書番号", "評価書名"), (self.doc.get("assessment_no") or "", self.doc.get("title") or ""))
        org = self.doc.get("organization") or ""
        affair = self.doc.get("affair_name") or "事務"
        declaration = (f"{org.removesuffix('長')}は、{affair}における特定個人情報ファイルの"
                       "取扱いにあたり、特定個人情報ファイルの取扱いが個人のプライバシー等の権利利益に影響を及ぼしかね"
                       "ないことを認識し、特定個人情報の漏えいその他の事態を発生させるリスクを軽減させるために適切な措置"
                       "を講じ、もって個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。")
        rows = [Row("gap", height=14), Row("flabel", "個人のプライバシー等の権利利益の保護の宣言"),
                Row("full", blocks=[*self.c.text(declaration, self.t.full_width()), Block(34)]),
                self.field("特記事項", self.f.short()), Row("gap", height=14),
                Row("flabel", "評価実施機関名"), self.full_text(org)]
        if self.full:
            rows += [Row("flabel", "個人情報保護委員会　承認日　【行政機関等のみ】"), self.full_text("")]
        rows += [Row("flabel", "公表日"), self.full_text(wareki(self.doc.get("published_on")))]
        self.t.place(rows)

    def _cover_pair(self, heads: tuple[str, str], values: tuple[str, str]) -> None:
        p, m = self.p, self.p.m
        split = self.t.lx
        for texts, shaded in ((heads, True), (values, False)):
            y0, y1 = p.y, p.y + m.lh + 2 * m.pad_y
            for (x0, x1), s in zip(((p.x0, split), (split, p.x1)), texts, strict=True):
                if shaded:
                    p.fill(x0, y0, x1, y1, HEAD_BG)
                p.cell(x0, y0, x1, y1)
                p.text((x0 + x1 - p.measure.width(s, m.fs)) / 2, y0 + m.pad_y, s, m.fs)
            p.y = y1

    def contents(self) -> None:
        self.section_page("項目一覧")
        if self.full:
            items = ["Ⅰ　基本情報", "　（別添１） 事務の内容", "Ⅱ　特定個人情報ファイルの概要",
                     "　（別添２） 特定個人情報ファイル記録項目",
                     "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
                     "Ⅳ　その他のリスク対策", "Ⅴ　開示請求、問合せ", "Ⅵ　評価実施手続", "　（別添３） 変更箇所"]
        else:
            items = ["Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "　（別添１） 特定個人情報ファイル記録項目",
                     "Ⅲ　リスク対策", "Ⅳ　開示請求、問合せ", "Ⅴ　評価実施手続", "　（別添２） 変更箇所"]
        for s in items:
            self.p.text(self.p.x0 + 10, self.p.y, s, self.p.m.fs * 1.05)
            self.p.y += self.p.m.lh * 1.8

    # --- Ⅰ ------------------------------------------------------------------
    def part_i(self) -> None:
        st, f = self.style, self.f
        self.section_page("Ⅰ　基本情報")
        rows = [self.heading(f"{st.item(1)}特定個人情報ファイルを取り扱う事務"),
                self.field("①事務の名称", self.doc.get("affair_name")),
                self.field("②事務の内容　※", f.numbered(f.rng.randint(3, 8))),
                self.choice("③対象人数", self.doc.get("target_population"), "POP5"),
                self.heading(f"{st.item(2)}特定個人情報ファイルを取り扱う事務において使用するシステム")]
        for system in self.data.get("systems") or []:
            rows += self.system_rows(system)
        rows += [self.heading(f"{st.item(3)}特定個人情報ファイル名"),
                 Row("full", blocks=self.c.lines([self.file_label(x) for x in self.data.get("files") or []],
                                                 self.t.full_width()))]
        n = 4
        if self.full:
            rows += [self.heading(f"{st.item(4)}特定個人情報ファイルを取り扱う理由"),
                     self.field("①事務実施上の必要性", f.measures(1, 3)),
                     self.field("②実現が期待されるメリット", f.measures(1, 2))]
            n = 5
        rows += [self.heading(f"{st.item(n)}個人番号の利用　※"),
                 self.field("法令上の根拠", "・行政手続における特定の個人を識別するための番号の利用等に関する法律"
                                         f"（番号法）第9条第1項 別表第一{f.rng.randint(1, 120)}の項\n・住民基本台帳法"),
                 self.heading(f"{st.item(n + 1)}情報提供ネットワークシステムによる情報連携　※"),
                 self.choice("①実施の有無", self.doc.get("info_network_linkage"), "LINK"),
                 self.field("②法令上の根拠", f"番号法第19条第8号 別表第二 {f.rng.randint(1, 40)}、"
                                          f"{f.rng.randint(41, 80)}、{f.rng.randint(81, 120)}の項"),
                 self.heading(f"{st.item(n + 2)}評価実施機関における担当部署"),
                 self.field("①部署", f.rng.choice(BUREAUS) + f.rng.choice(DEPTS)),
                 self.field("②所属長の役職名", f.rng.choice(DEPTS) + "長"),
                 self.heading(f"{st.item(n + 3)}他の評価実施機関"), self.full_text("")]
        self.t.place(rows)

    def system_rows(self, s: dict[str, Any]) -> Rows:
        checked = [label for label, col in CONN_COLUMNS.items() if s.get(col)]
        return [self.heading(f"システム{s.get('system_no')}"),
                self.field("①システムの名称", s.get("name")),
                self.field("②システムの機能", s.get("functions")),
                self.cbx("③他のシステムとの接続", CONN_ROWS, checked, {"その他": s.get("conn_other_text")})]

    def file_label(self, file: dict[str, Any]) -> str:
        no, name = file.get("file_no"), file.get("name") or ""
        if self.full:
            return f"{self.style.item(no)}{name}"
        return f"({no}){name}"

    # --- Ⅱ -----------------------------------------------------------------
    def part_ii(self, file: dict[str, Any]) -> None:
        st = self.style
        self.section_page("Ⅱ　特定個人情報ファイルの概要")
        rows = [self.heading(f"{st.item(1)}特定個人情報ファイル名"), self.full_text(self.file_label(file)),
                self.heading(f"{st.item(2)}基本情報"), *self.basic_rows(file),
                self.heading(f"{st.item(3)}特定個人情報の入手・使用"), *self.acquisition_rows(file),
                self.heading(f"{st.item(4)}特定個人情報ファイルの取扱いの委託"), *self.entrust_rows(file),
                self.heading(f"{st.item(5)}特定個人情報の提供・移転（委託に伴うものを除く。）"),
                *self.transfer_rows(file), self.heading(f"{st.item(6)}特定個人情報の保管・消去"),
                *self.storage_rows(file), self.heading(f"{st.item(7)}備考"), self.full_text(self.f.short())]
        self.t.place(rows)

    def basic_rows(self, file: dict[str, Any]) -> Rows:
        f = self.f
        items = file.get("main_items") or []
        blocks: list[Block] = []
        for head, rows in MAIN_ITEM_GROUPS:
            blocks += self.c.text(head, self.vw())
            blocks += self.c.checkboxes(rows, items, self.vw(), {"その他": file.get("main_items_other_text")}
                                        if head.endswith("業務関係情報") else None)
        return [self.choice("①ファイルの種類　※", file.get("file_type"), "FTYPE"),
                self.choice("②対象となる本人の数", file.get("subjects_band"), "PERS"),
                self.field("③対象となる本人の範囲　※", file.get("subjects_scope")),
                self.field("その必要性", f.measures(1, 2)),
                self.choice("④記録される項目", file.get("items_band"), "ITEMS"),
                self.field("主な記録項目　※", blocks),
                self.field("その妥当性", f.measures(1, 2)),
                self.field("全ての記録項目", "別添２を参照。" if self.full else "別添１を参照。"),
                self.field("⑤保有開始日", wareki(file.get("holding_start"))),
                self.field("⑥事務担当部署", file.get("department"))]

    def acquisition_rows(self, file: dict[str, Any]) -> Rows:
        f = self.f
        details = {}
        for d in file.get("sources_detail") or []:
            label, _, rest = d.partition("(")
            details[label] = rest[:-1] if rest.endswith(")") else rest
        slots: dict[str, str | None] = {s: details.get(s) for s in SOURCES_WITH_SLOT}
        acq = file.get("acquisition_methods") or []
        users = Group("⑦使用の主体" if self.full else "④使用の主体")
        usage = Group("")
        rows = [self.cbx("①入手元　※", SOURCE_ROWS, file.get("sources") or [], slots),
                self.cbx("②入手方法", ACQ_ROWS, acq, {"その他": file.get("acquisition_methods_other_text")})]
        if self.full:
            rows += [self.field("③入手の時期・頻度", f.measures(1, 2)),
                     self.field("④入手に係る妥当性", f.measures(1, 2)),
                     self.field("⑤本人への明示", f.measures(1, 1)), self.field("⑥使用目的　※", f.measures(1, 2)),
                     self.field("変更の妥当性", "－")]
        else:
            rows.append(self.field("③使用目的　※", f.measures(1, 2)))
        rows += [self.field("使用部署　※" if self.full else "使用部署", file.get("department"), users),
                 self.choice("使用者数", file.get("users_band"), "STAFF", users),
                 self.field("⑧使用方法　※" if self.full else "⑤使用方法", f.measures(1, 3)),
                 self.field("情報の突合　※" if self.full else "情報の突合", f.measures(1, 2), usage)]
        if self.full:
            rows += [self.field("情報の統計分析　※", f.maybe(), usage),
                     self.field("権利利益に影響を与え得る決定　※", f.rng.choice(("該当なし", "－")), usage)]
        rows.append(self.field("⑨使用開始日" if self.full else "⑥使用開始日", wareki(file.get("use_start"))))
        return rows

    def entrust_rows(self, file: dict[str, Any]) -> Rows:
        no = file.get("file_no")
        ents = [e for e in self.data.get("entrustments") or [] if e.get("file_no") == no]
        entrusted = file.get("entrusted")
        answer = None if entrusted is None else ("委託する" if entrusted else "委託しない")
        n = file.get("n_entrustments")
        rows = [self.choice("委託の有無　※", answer, "ITAKU", extra=f"（ {n} ）　件" if n else "（　）　件")]
        for e in ents:
            rows += self.entrustment_rows(e)
        if not ents and self.f.rng.random() < 0.5:
            rows += self.entrustment_rows({"entrustment_no": 1}, blank=True)
        return rows

    def entrustment_rows(self, e: dict[str, Any], blank: bool = False) -> Rows:
        f = self.f
        sub = e.get("subcontracting")
        sai = None if sub is None else ("再委託する" if sub else "再委託しない")
        resub = Group("再委託", vertical=self.style.vertical_group_labels)
        rows = [self.field(f"委託事項{e.get('entrustment_no')}", e.get("title")),
                self.field("①委託内容", e.get("description"))]
        if self.full:
            scope = Group("")
            methods = e.get("provision_methods") or []
            rows += [self.choice("②取扱いを委託する特定個人情報ファイルの範囲", e.get("file_scope"), "SCOPE"),
                     self.choice("対象となる本人の数", None if blank else nfkc(f.rng.choice(OPTION_SETS["PERS"])),
                                 "PERS", scope),
                     self.field("対象となる本人の範囲　※", None if blank else f.measures(1, 1), scope),
                     self.field("その妥当性", None if blank else f.measures(1, 1), scope),
                     self.choice("③委託先における取扱者数", e.get("handlers_band"), "STAFF"),
                     self.cbx("④委託先への特定個人情報ファイルの提供方法", ENT_ROWS, methods,
                              {"その他": e.get("provision_methods_other_text")}),
                     self.field("⑤委託先名の確認方法", None if blank else f.measures(1, 1)),
                     self.field("⑥委託先名", e.get("contractor"))]
            labels = ("⑦再委託の有無　※", "⑧再委託の許諾方法", "⑨再委託事項")
        else:
            rows += [self.choice("②委託先における取扱者数", e.get("handlers_band"), "STAFF"),
                     self.field("③委託先名", e.get("contractor"))]
            labels = ("④再委託の有無　※", "⑤再委託の許諾方法", "⑥再委託事項")
        permit = "委託先から書面による申請を受け、内容を審査した上で書面により承諾する。" if sub else None
        rows += [self.choice(labels[0], sai, "SAI", resub), self.field(labels[1], permit, resub),
                 self.field(labels[2], e.get("subcontract_items"), resub)]
        return rows

    def transfer_rows(self, file: dict[str, Any]) -> Rows:
        no = file.get("file_no")
        recs = [r for r in self.data.get("recipients") or []
                if r.get("file_no") == no and r.get("listed_in") in ("body", "reference")]
        provides, transfers = bool(file.get("provides")), bool(file.get("transfers"))
        np_, nt = file.get("n_provisions"), file.get("n_transfers")
        items = [f"提供を行っている （ {np_ or ''} ） 件", f"移転を行っている （ {nt or ''} ） 件"]
        on = [items[0]] * provides + [items[1]] * transfers
        if not (provides or transfers):
            on.append("行っていない")
        rows = [self.cbx("提供・移転の有無", ((items[0], items[1]), ("行っていない",)), on)]
        for kind in ("provision", "transfer"):
            of_kind = sorted((r for r in recs if r.get("kind") == kind), key=lambda r: r.get("recipient_no") or 0)
            for r in of_kind or [{"kind": kind, "recipient_no": 1}]:
                rows += self.recipient_rows(r)
        return rows

    def recipient_rows(self, r: dict[str, Any]) -> Rows:
        word = "提供" if r.get("kind") == "provision" else "移転"
        methods = PROV_ROWS if word == "提供" else TRANS_ROWS
        return [self.field(f"{word}先{r.get('recipient_no')}", r.get("recipient")),
                self.field("①法令上の根拠", r.get("legal_basis")),
                self.field(f"②{word}先における用途", r.get("purpose")),
                self.field(f"③{word}する情報", r.get("information")),
                self.choice(f"④{word}する情報の対象となる本人の数", r.get("subjects_band"), "PERS"),
                self.field(f"⑤{word}する情報の対象となる本人の範囲", r.get("subjects_scope")),
                self.cbx(f"⑥{word}方法", methods, r.get("methods") or [], {"その他": r.get("methods_other_text")}),
                self.field("⑦時期・頻度", r.get("timing"))]

    def storage_rows(self, file: dict[str, Any]) -> Rows:
        f = self.f
        if not self.full:
            return [self.field("保管場所　※", f.measures(1, 3))]
        period = Group("②保管期間")
        return [self.field("①保管場所　※", f.measures(1, 3)),
                self.choice("期間", file.get("retention_band"), "PERIOD", period),
                self.field("その妥当性", f.measures(1, 1), period),
                self.field("③消去方法", f.measures(1, 2))]

    # --- Ⅲ / Ⅳ -----------------------------------------------------------
    def part_iii(self, file: dict[str, Any]) -> None:
        st = self.style
        title = ("Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策　※（７．リスク１⑨を除く。）" if self.full
                 else "Ⅲ　リスク対策　※（７．②を除く。）")
        self.section_page(title)
        rows = [self.heading(f"{st.item(1)}特定個人情報ファイル名"), self.full_text(self.file_label(file))]
        for sec in FULL_III if self.full else FOCUSED_III:
            if sec.no == 9:
                rows += self.audit_rows(file)
            rows += self.section_rows(sec, file.get("file_no"), "III", file)
        if not self.full:
            rows += [self.heading(f"{st.item(10)}その他のリスク対策"), self.full_text(self.f.measures(1, 3))]
        self.t.place(rows)

    def audit_rows(self, file: dict[str, Any]) -> Rows:
        on = self.f.rng.sample(AUDIT_ROWS[0], self.f.rng.randint(0, 3))
        return [self.heading(f"{self.style.item(8)}監査"), self.cbx("実施の有無", AUDIT_ROWS, on)]

    def section_rows(self, sec: Section, file_no: int | None, part: str, file: dict[str, Any] | None) -> Rows:
        flags = self.section_flags(sec, file_no, part, file)
        right = "　　".join(f"{self.style.mark(on)} {label}" for label, on in flags)
        rows = [self.heading(f"{self.style.item(sec.no)}{sec.title}", right)]
        blank = bool(flags) and all(on for _, on in flags)
        for risk in sec.risks:
            if risk.titles:
                titles = [self.style.risk(risk.no) + risk.titles[0], *risk.titles[1:]]
                rows.append(self.heading("\n".join(titles)))
            for q in risk.rows:
                key = (file_no, part, sec.no, risk.no, q.question)
                if q.opts:
                    rows.append(self.choice(q.label, self.risks.get(key), q.opts))
                else:
                    rows.append(self.field(q.label, "" if blank else self.f.maybe(0.1)))
        closing = sec.closing_label()
        if closing:
            rows += [Row("flabel", closing), self.full_text(self.f.maybe(0.4))]
        return rows

    def section_flags(self, sec: Section, file_no: int | None, part: str,
                      file: dict[str, Any] | None) -> list[tuple[str, bool]]:
        if not sec.flags or file is None:
            return []
        if sec.no == 4:
            return [(sec.flags[0], file.get("entrusted") is False)]
        if sec.no == 5:
            return [(sec.flags[0], not (file.get("provides") or file.get("transfers")))]
        n_in = 4 if self.full else 1
        answers = [(risk.no or 0, self.risks.get((file_no, part, sec.no, risk.no, ENOUGH.question)))
                   for risk in sec.risks]
        no_in = all(a is None for n, a in answers if n <= n_in)
        no_out = all(a is None for n, a in answers if n > n_in)
        return [(sec.flags[0], no_in), (sec.flags[1], no_out)]

    def part_iv(self) -> None:
        self.section_page("Ⅳ　その他のリスク対策　※")
        rows: Rows = []
        for sec in FULL_IV:
            rows += self.section_rows(sec, None, "IV", None)
        rows += [self.heading(f"{self.style.item(3)}その他のリスク対策"), self.full_text(self.f.measures(1, 3))]
        self.t.place(rows)

    # --- Ⅴ / Ⅵ (重点: Ⅳ / Ⅴ) --------------------------------------------------
    def disclosure(self) -> None:
        st, f = self.style, self.f
        org = (self.doc.get("organization") or "").removesuffix("長")
        files = self.data.get("files") or []
        self.section_page("Ⅴ　開示請求、問合せ" if self.full else "Ⅳ　開示請求、問合せ")
        contact = f"{org}{f.rng.choice(BUREAUS)}{f.rng.choice(DEPTS)}　電話 0{f.rng.randint(11, 99)}-" \
                  f"{f.rng.randint(100, 999)}-{f.rng.randint(1000, 9999)}"
        rows = [self.heading(f"{st.item(1)}特定個人情報の開示・訂正・利用停止請求"),
                self.field("①請求先", f"{org}総務部行政課"),
                self.field("②請求方法", "指定様式による書面の提出により開示・訂正・利用停止請求を受け付ける。"),
                self.field("特記事項", "－")]
        if self.full:
            rows += [self.choice("③手数料等", nfkc(f.rng.choice(OPTION_SETS["FEE"])), "FEE",
                                 extra="（手数料額、納付方法：　写しの交付1枚につき10円　）"),
                     self.choice("④個人情報ファイル簿の公表", nfkc(f.rng.choice(OPTION_SETS["PUB"])), "PUB"),
                     self.field("個人情報ファイル名", "、".join(x.get("name") or "" for x in files)),
                     self.field("公表場所", f"{org}行政情報センター")]
        n = 5 if self.full else 3
        rows += [self.field(f"{'⑤' if n == 5 else '③'}法令による特別の手続", "－"),
                 self.field(f"{'⑥' if n == 5 else '④'}個人情報ファイル簿への不記載等", "－"),
                 self.heading(f"{st.item(2)}特定個人情報ファイルの取扱いに関する問合せ"),
                 self.field("①連絡先", contact),
                 self.field("②対応方法", "問合せの受付時に受付票を起票し、対応について記録を残す。")]
        self.t.place(rows)

    def procedures(self) -> None:
        st, f = self.style, self.f
        pub = self.doc.get("published_on")
        self.section_page("Ⅵ　評価実施手続" if self.full else "Ⅴ　評価実施手続")
        opt = "【任意】" if not self.full else ""
        rows = [self.heading(f"{st.item(1)}基礎項目評価"), self.field("①実施日", f.date(pub, 120)),
                self.choice("②しきい値判断結果", self.doc.get("threshold_result"), "TH4" if self.full else "TH3"),
                self.heading(f"{st.item(2)}国民・住民等からの意見の聴取{opt}"),
                self.field("①方法", "市ホームページ及び各窓口における閲覧により意見を募集した。"),
                self.field("②実施日・期間", f"{f.date(pub, 90)}から30日間")]
        if self.full:
            rows += [self.field("③期間を短縮する特段の理由", "－"), self.field("④主な意見の内容", "意見はなし"),
                     self.field("⑤評価書への反映", "－")]
        else:
            rows.append(self.field("③主な意見の内容", "意見はなし"))
        rows += [self.heading(f"{st.item(3)}第三者点検{opt}"), self.field("①実施日", f.date(pub, 30)),
                 self.field("②方法", "個人情報保護審議会に対する諮問"),
                 self.field("③結果", "本評価書については適当である。")]
        if self.full:
            rows += [self.heading(f"{st.item(4)}個人情報保護委員会の承認　【行政機関等のみ】"),
                     self.field("①提出日", ""), self.field("②個人情報保護委員会による審査", "")]
        self.t.place(rows)

    # --- annexes -------------------------------------------------------------
    def annex_text(self, title: str, text: str) -> None:
        self.section_page(title)
        p = self.p
        for line in wrap(text, p.x1 - p.x0, p.m.fs, p.measure):
            if p.y + p.m.lh > p.bottom:
                p.new_page()
            p.text(p.x0, p.y, line, p.m.fs)
            p.y += p.m.lh

    def annex_items(self, files: Sequence[dict[str, Any]]) -> None:
        pool = ("宛名番号", "世帯番号", "氏名", "氏名カナ", "生年月日", "性別", "続柄", "住所", "住所コード",
                "個人番号", "住民票コード", "異動事由", "異動年月日", "届出日", "前住所", "転出先住所", "本籍",
                "筆頭者", "国籍", "在留資格", "在留期間", "選挙人名簿登録区分", "国民健康保険資格", "介護保険資格")
        parts = []
        for file in files:
            n = self.f.rng.randint(8, len(pool))
            items = "、".join(f"{_fw(i) if self.style.fullwidth_digits else i}．{x}" for i, x in enumerate(pool[:n], 1))
            no, name = file.get("file_no"), file.get("name")
            head = f"（{no}）{name}" if self.full else f"({no}) {name}"
            parts += [head, items, ""]
        title = "（別添２） 特定個人情報ファイル記録項目" if self.full else "（別添１） 特定個人情報ファイル記録項目"
        self.annex_text(title, "\n".join(parts))

    def change_log(self) -> None:
        title = "（別添３） 変更箇所" if self.full else "（別添２） 変更箇所"
        self.section_page(title)
        heads = ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
        weights = [0.11, 0.21, 0.22, 0.22, 0.09, 0.15]
        pub = wareki(self.doc.get("published_on"))
        rows = []
        for _ in range(self.f.rng.randint(1, 3)):
            path = self.f.rng.choice(CHANGE_PATHS_FULL if self.full else CHANGE_PATHS_FOCUSED)
            rows.append([pub, path, self.f.rng.choice(("（新規作成）", "1件", self.f.measures(1, 1))),
                         self.f.measures(1, 1), self.f.rng.choice(("事前", "事後")),
                         self.f.rng.choice(("重要な変更にあたらない。", "重要な変更にあたる。", "－"))])
        _WideTable(self.p, heads, weights).place(rows, landscape=False)

    def recipient_lists(self) -> None:
        recs = self.data.get("recipients") or []
        files = {f.get("file_no"): f for f in self.data.get("files") or []}
        lists: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
        for r in recs:
            if r.get("listed_in") == "annex":
                lists[(r.get("file_no"), r.get("kind") or "provision")].append(r)
        labels = self._annex_labels(recs, lists)
        for (file_no, kind), rows in sorted(lists.items(), key=lambda kv: labels[kv[0]][1]):
            rows.sort(key=lambda r: r.get("recipient_no") or 0)
            self.recipient_list(files.get(file_no) or {"file_no": file_no}, kind, labels[(file_no, kind)][0], rows)

    def _annex_labels(self, recs: Sequence[dict[str, Any]],
                      lists: dict[tuple[Any, str], list[dict[str, Any]]]) -> dict[tuple[Any, str], tuple[str, int]]:
        """(file_no, kind) -> (annex label e.g. 別添4, number), from the body's pointer rows where present."""
        out: dict[tuple[Any, str], tuple[str, int]] = {}
        for r in recs:
            if r.get("listed_in") == "reference":
                m = re.search(r"(別添|別紙)\s*(\d+)", nfkc(r.get("recipient") or ""))
                if m:
                    out[(r.get("file_no"), r.get("kind") or "provision")] = (m.group(1) + m.group(2), int(m.group(2)))
        nxt = max([n for _, n in out.values()], default=3 if self.full else 0) + 1
        for key in sorted(lists, key=lambda k: (k[0] or 0, k[1] != "provision")):
            if key not in out:
                out[key] = (_annex_label(self.full, nxt), nxt)
                nxt += 1
        return out

    def recipient_list(self, file: dict[str, Any], kind: str, label: str, rows: Sequence[dict[str, Any]]) -> None:
        word = "提供" if kind == "provision" else "移転"
        shown = label if not self.style.fullwidth_digits else re.sub(r"\d+", lambda mt: _fw(mt.group()), label)
        bracket = f"［{shown}］" if self.full else f"（{shown}）"
        heading = (f"{bracket}　Ⅱ ファイルの概要（{self.file_label(file)}）－{self.style.item(5)}"
                   "特定個人情報の提供・移転（委託に伴うものを除く。）")
        heads = [f"{word}先", "①法令上の根拠", f"②{word}先における用途", f"③{word}する情報", "④対象となる本人の数",
                 "⑤対象となる本人の範囲", f"⑥{word}方法", "⑦時期・頻度"]
        weights = [0.12, 0.11, 0.19, 0.12, 0.085, 0.19, 0.085, 0.10]
        cells = [[r.get("recipient") or "", r.get("legal_basis") or "", r.get("purpose") or "",
                  r.get("information") or "", r.get("subjects_band") or "", r.get("subjects_scope") or "",
                  "、".join(r.get("methods") or []), r.get("timing") or ""] for r in rows]
        if self.style.annex_no_column:
            heads, weights = ["No.", *heads], [0.04, *(w * 0.96 for w in weights)]
            cells = [[str(i), *c] for i, c in enumerate(cells, 1)]
        note = ("※（番号法別表第二の第三欄（情報提供者）が「市町村長」の項のうち、"
                "第四欄に「住民票関係情報」が含まれる各項）" if kind == "provision" else "")
        table = _WideTable(self.p, heads, weights)
        table.preamble = (heading, f"{word}先一覧", note)
        table.place(cells, landscape=True)


class _WideTable:
    """A many-column table with a shaded header row that repeats on every page."""

    def __init__(self, pager: _Pager, heads: Sequence[str], weights: Sequence[float]) -> None:
        self.p = pager
        self.heads = list(heads)
        self.weights = list(weights)
        self.preamble: tuple[str, str, str] | None = None

    def columns(self) -> list[tuple[float, float]]:
        total = sum(self.weights)
        xs, x = [], self.p.x0
        for w in self.weights:
            step = (self.p.x1 - self.p.x0) * w / total
            xs.append((x, x + step))
            x += step
        return xs

    def _wrap_row(self, cells: Sequence[str], cols: Sequence[tuple[float, float]]) -> list[list[str]]:
        m = self.p.m
        return [wrap(c, x1 - x0 - 2 * m.pad_x, m.fs, self.p.measure) for c, (x0, x1) in zip(cells, cols, strict=True)]

    def _start_page(self, landscape: bool, first: bool) -> None:
        p, m = self.p, self.p.m
        if landscape:
            p.new_page(landscape=True)
        if self.preamble and landscape:
            heading, title, note = self.preamble
            if first:
                p.text(p.x0 - 3, p.y, heading, m.fs)
                p.text((p.width - p.measure.width(title, 12)) / 2, p.y + 17, title, 12)
                p.y += 38
                if note:
                    p.text(p.x0, p.y, note, m.fs * 0.9)
                    p.y += m.lh + 4
        self._header()

    def _header(self) -> None:
        p, m = self.p, self.p.m
        cols = self.columns()
        lines = self._wrap_row(self.heads, cols)
        h = max(len(x) for x in lines) * m.lh + 2 * m.pad_y + 6
        for (x0, x1), ls in zip(cols, lines, strict=True):
            p.fill(x0, p.y, x1, p.y + h, HEAD_BG)
            p.cell(x0, p.y, x1, p.y + h)
            top = p.y + (h - len(ls) * m.lh) / 2
            for j, line in enumerate(ls):
                p.text((x0 + x1 - p.measure.width(line, m.fs)) / 2, top + j * m.lh, line, m.fs)
        p.y += h

    def place(self, rows: Sequence[Sequence[str]], landscape: bool) -> None:
        p, m = self.p, self.p.m
        self._start_page(landscape, first=True)
        cols = self.columns()
        for cells in rows:
            lines = self._wrap_row(cells, cols)
            while lines:
                n = max(len(x) for x in lines)
                fit = int((p.bottom - p.y - 2 * m.pad_y - 4) // m.lh)
                small = n * m.lh < (p.bottom - MARGIN_TOP) * 0.6
                if n > fit and (small or fit < 2):
                    self._continue(landscape)
                    continue
                take = min(n, fit)
                self._draw_row([x[:take] for x in lines], cols, take)
                lines = [x[take:] for x in lines] if take < n else []
                if lines:
                    self._continue(landscape)

    def _continue(self, landscape: bool) -> None:
        if not landscape:
            self.p.new_page()
        self._start_page(landscape, first=False)

    def _draw_row(self, lines: Sequence[Sequence[str]], cols: Sequence[tuple[float, float]], n: int) -> None:
        p, m = self.p, self.p.m
        h = n * m.lh + 2 * m.pad_y + 4
        for (x0, x1), ls in zip(cols, lines, strict=True):
            p.cell(x0, p.y, x1, p.y + h)
            for j, line in enumerate(ls):
                p.text(x0 + m.pad_x, p.y + m.pad_y + 2 + j * m.lh, line, m.fs)
        p.y += h


# ---------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------

def render_pdf(data: dict[str, Any], path: str | os.PathLike[str], style: RenderStyle | None = None) -> None:
    """Render a truth-shaped dict (from random_assessment or a truth JSON) to a PDF at path."""
    if (data.get("documents") or {}).get("form_type") == "basic":
        from pia_fixtures.basic_pdf import render_basic

        doc = render_basic(data, style or RenderStyle())
    else:
        doc = _Form(data, style or RenderStyle()).render()
    doc.set_metadata({"producer": "pia-extract synth", "creator": "extractor/synth.py",
                      "title": (data.get("documents") or {}).get("title") or ""})
    doc.subset_fonts()
    doc.save(os.fspath(path), garbage=3, deflate=True, no_new_id=True)
    doc.close()
