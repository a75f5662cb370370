"""What a form prints, in order, independent of how it is printed.

`outline(data)` turns a truth-shaped dict (全項目 / 重点項目 / 基礎項目) into a list of items — part
titles, shaded headings, label | value fields, choices with their ＜選択肢＞ legend, checkbox groups,
wide annex tables — that a printer lays out: `xlprint` as a spreadsheet, `basic_pdf` as an HTML-style
PDF.  Prose the tables do not hold comes from a generator seeded by the data, so one dict always gives
the same outline.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pia_fixtures.basic import AUDITS, BASIC_IV, FLAG_COLUMNS
from pia_fixtures.synth import (
    ACQ_ROWS,
    AUDIT_ROWS,
    BUREAUS,
    CONN_COLUMNS,
    CONN_ROWS,
    DEPTS,
    ENOUGH,
    ENT_ROWS,
    FOCUSED_III,
    FULL_III,
    FULL_IV,
    MAIN_ITEM_GROUPS,
    PROV_ROWS,
    SOURCE_ROWS,
    SOURCES_WITH_SLOT,
    TRANS_ROWS,
    Section,
    _data_seed,
    _Filler,
    item_number,
    nfkc,
    risk_number,
    wareki,
)

CheckRows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Title:
    """A part title printed above its table on a new page (Ⅰ　基本情報 …)."""

    text: str
    new_page: bool = True


@dataclass(frozen=True)
class Heading:
    """A shaded full-width row; `flags` are checkboxes printed at its right (委託しない …)."""

    text: str
    flags: tuple[tuple[str, bool], ...] = ()
    shade: str = "head"  # "head" (darker, bold) or "label"


@dataclass(frozen=True)
class Field:
    label: str
    value: str | None
    group: str | None = None  # a merged left cell shared by consecutive items (再委託, ⑦使用の主体)


@dataclass(frozen=True)
class Choice:
    label: str
    answer: str | None
    opts: str
    group: str | None = None
    extra: str = ""  # printed after the bracket, e.g. （ 3 ）件
    numbered: bool = False  # the bracket repeats the option number: [ 8） … ]


@dataclass(frozen=True)
class Checks:
    """A checkbox group: sub-groups (an optional sub-heading and printed rows of options)."""

    label: str
    groups: tuple[tuple[str | None, CheckRows], ...]
    checked: frozenset[str]
    slots: Mapping[str, str | None] = field(default_factory=dict)
    group: str | None = None


@dataclass(frozen=True)
class Full:
    """A value over the full table width (no label cell)."""

    value: str | None


@dataclass(frozen=True)
class Pair:
    """The cover's two-column 評価書番号 | 評価書名 table."""

    heads: tuple[str, str]
    values: tuple[str, str]


@dataclass(frozen=True)
class Plain:
    """Lines outside any table (項目一覧, 別添 記録項目, a note)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Cover:
    title: str
    stamp: str | None


@dataclass(frozen=True)
class Wide:
    """A many-column table whose header repeats on every page (変更箇所, 提供先一覧 / 移転先一覧)."""

    heads: tuple[str, ...]
    weights: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    heading: str = ""
    title: str = ""
    note: str = ""
    landscape: bool = False


Item = Title | Heading | Field | Choice | Checks | Full | Pair | Plain | Cover | Wide


@dataclass(frozen=True)
class Numbering:
    """How item and risk numbers print (the printer's choice, not the data's)."""

    fullwidth: bool = True

    def item(self, n: int) -> str:
        return item_number(n, self.fullwidth)

    def risk(self, n: int | None) -> str:
        return risk_number(n, self.fullwidth)


def outline(data: dict[str, Any], numbering: Numbering | None = None, name_list: str = "lines") -> list[Item]:
    """Everything the form prints for `data`, in reading order."""
    form_type = (data.get("documents") or {}).get("form_type") or "full"
    if form_type == "basic":
        return _BasicOutline(data, numbering or Numbering(), name_list).items()
    return _FormOutline(data, numbering or Numbering()).items()


class _Base:
    def __init__(self, data: dict[str, Any], num: Numbering) -> None:
        self.data = data
        self.doc = data.get("documents") or {}
        self.num = num
        self.f = _Filler(random.Random(_data_seed(data)), self.doc.get("organization") or "当市")

    def cover(self, kind: str, approval_row: bool) -> list[Item]:
        org = self.doc.get("organization") or ""
        affair = self.doc.get("affair_name") or "事務"
        declaration = (f"{org.removesuffix('長')}は、{affair}における特定個人情報ファイルの取扱いにあたり、特定個人情報"
                       "ファイルの取扱いが個人のプライバシー等の権利利益に影響を及ぼしかねないことを認識し、特定個人情報の"
                       "漏えいその他の事態を発生させるリスクを軽減させるために適切な措置を講じ、もって個人のプライバシー"
                       "等の権利利益の保護に取り組んでいることを宣言する。")
        stamp = self.doc.get("form_version")
        items: list[Item] = [
            Cover(f"特定個人情報保護評価書（{kind}）", f"[{stamp.replace(' ', '　')}]" if stamp else None),
            Pair(("評価書番号", "評価書名"), (self.doc.get("assessment_no") or "", self.doc.get("title") or "")),
            Heading("個人のプライバシー等の権利利益の保護の宣言", shade="label"), Full(declaration),
            Field("特記事項", self.f.short()), Heading("評価実施機関名", shade="label"), Full(org)]
        if approval_row:
            items += [Heading("個人情報保護委員会　承認日　【行政機関等のみ】", shade="label"), Full(None)]
        return [*items, Heading("公表日", shade="label"), Full(wareki(self.doc.get("published_on")))]

    def change_log(self, title: str, paths: Sequence[str]) -> list[Item]:
        pub = wareki(self.doc.get("published_on"))
        rows = []
        for _ in range(self.f.rng.randint(1, 3)):
            rows.append((pub, self.f.rng.choice(tuple(paths)), self.f.rng.choice(("（新規作成）", "1件")),
                         self.f.measures(1, 1), self.f.rng.choice(("事前", "事後")),
                         self.f.rng.choice(("重要な変更にあたらない。", "重要な変更にあたる。", "－"))))
        heads = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
        return [Title(title), Wide(heads, (0.11, 0.21, 0.22, 0.22, 0.09, 0.15), tuple(rows))]


# ---------------------------------------------------------------------------
# 様式2 (基礎項目評価書)
# ---------------------------------------------------------------------------

class _BasicOutline(_Base):
    def __init__(self, data: dict[str, Any], num: Numbering, name_list: str) -> None:
        super().__init__(data, num)
        self.name_list = name_list
        self.answers = {(r.get("section_no"), nfkc(r.get("question") or "")): r.get("answer")
                        for r in data.get("risk_ratings") or []}

    def names(self, table: str) -> str:
        names = [r.get("name") or "" for r in self.data.get(table) or []]
        return "、".join(names) if self.name_list == "、" else "\n".join(names)

    def items(self) -> list[Item]:
        return [*self.cover("基礎項目評価書", approval_row=False), *self.part_i(), *self.part_ii_iii(),
                *self.part_iv(), *self.change_log("（別添）変更箇所", ("Ⅱ　しきい値判断項目　１．対象人数",
                                                                     "Ⅰ　関連情報　１．③システムの名称"))]

    def part_i(self) -> list[Item]:
        n, f, affair = self.num, self.f, self.doc.get("affair_name")
        return [Title("Ⅰ　関連情報"), Heading(f"{n.item(1)}特定個人情報ファイルを取り扱う事務"),
                Field("①事務の名称", affair), Field("②事務の概要", f.measures(2, 4)),
                Field("③システムの名称", self.names("systems")),
                Heading(f"{n.item(2)}特定個人情報ファイル名"), Full(self.names("files")),
                Heading(f"{n.item(3)}個人番号の利用"),
                Field("法令上の根拠", "行政手続における特定の個人を識別するための番号の利用等に関する法律（番号法）"
                                f"第9条第1項 別表第一の{f.rng.randint(1, 120)}の項"),
                Heading(f"{n.item(4)}情報提供ネットワークシステムによる情報連携"),
                Choice("①実施の有無", self.doc.get("info_network_linkage"), "LINK"),
                Field("②法令上の根拠", f"番号法第19条第8号及び別表第二（{affair}に係る各項）"),
                Heading(f"{n.item(5)}評価実施機関における担当部署"),
                Field("①部署", f.rng.choice(DEPTS)), Field("②所属長の役職名", f.rng.choice(DEPTS) + "長"),
                Heading(f"{n.item(6)}他の評価実施機関"), Full(None)]

    def part_ii_iii(self) -> list[Item]:
        n, d = self.num, self.doc
        when = self.f.date(d.get("published_on"), 150) + "　時点"
        return [Title("Ⅱ　しきい値判断項目"), Heading(f"{n.item(1)}対象人数"),
                Choice("評価対象の事務の対象人数は何人か", d.get("target_population"), "POP5B"),
                Field("いつ時点の計数か", when), Heading(f"{n.item(2)}取扱者数"),
                Choice("特定個人情報ファイル取扱者数は500人以上か", d.get("handlers_band"), "HANDLERS"),
                Field("いつ時点の計数か", when), Heading(f"{n.item(3)}重大事故"),
                Choice("過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか",
                       d.get("serious_incident"), "ACC"),
                Title("Ⅲ　しきい値判断結果", new_page=False), Heading("しきい値判断結果"),
                Choice("", d.get("threshold_result"), "TH2")]

    def part_iv(self) -> list[Item]:
        items: list[Item] = [Title("Ⅳ　リスク対策")]
        for sec in BASIC_IV:
            flags = tuple((flag, bool(self.doc.get(FLAG_COLUMNS[flag]))) for flag in sec.flags)
            items.append(Heading(f"{self.num.item(sec.no)}{sec.title}", flags))
            if sec.no == 9:
                items.append(Checks("実施の有無", ((None, (AUDITS,)),), frozenset(self.doc.get("audits") or ())))
            for q in sec.questions:
                label = "" if q.opts == "FORMS" else q.question
                answer = self.answers.get((sec.no, nfkc(q.question)))
                items.append(Choice(label, answer, q.opts, numbered=q.opts == "PRIORITY"))
            if sec.no == 1:
                items.append(Full("2)又は3)を選択した評価実施機関については、それぞれ重点項目評価書又は全項目評価書に"
                                  "おいて、リスク対策の詳細が記載されている。"))
            if sec.basis:
                items.append(Field("判断の根拠", self.f.measures(1, 3)))
        return items


# ---------------------------------------------------------------------------
# 様式4 (全項目評価書) and 様式3 (重点項目評価書)
# ---------------------------------------------------------------------------

class _FormOutline(_Base):
    def __init__(self, data: dict[str, Any], num: Numbering) -> None:
        super().__init__(data, num)
        self.full = self.doc.get("form_type") != "focused"
        self.risks = {(r.get("file_no"), r.get("part"), r.get("section_no"), r.get("risk_no"), r.get("question")):
                      r.get("answer") for r in data.get("risk_ratings") or []}

    def items(self) -> list[Item]:
        files = self.data.get("files") or []
        kind = "全項目評価書" if self.full else "重点項目評価書"
        out = [*self.cover(kind, approval_row=self.full), *self.contents(), *self.part_i()]
        for file in files:
            out += self.part_ii(file)
        if self.full:
            out += [Title("（別添１） 事務の内容"), Plain(tuple(self.f.numbered(6).split("\n")))]
        out += self.annex_items(files)
        for file in files:
            out += self.part_iii(file)
        if self.full:
            out += self.part_iv()
        out += self.disclosure() + self.procedures()
        paths = ("Ⅰ　基本情報　２．システム1　②システムの機能", "Ⅵ　評価実施手続　１．基礎項目評価　①実施日")
        out += self.change_log("（別添３） 変更箇所" if self.full else "（別添２） 変更箇所", paths)
        return out + self.recipient_lists()

    def contents(self) -> list[Item]:
        if self.full:
            lines = ("Ⅰ　基本情報", "　（別添１） 事務の内容", "Ⅱ　特定個人情報ファイルの概要",
                     "　（別添２） 特定個人情報ファイル記録項目",
                     "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
                     "Ⅳ　その他のリスク対策", "Ⅴ　開示請求、問合せ", "Ⅵ　評価実施手続", "　（別添３） 変更箇所")
        else:
            lines = ("Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "　（別添１） 特定個人情報ファイル記録項目",
                     "Ⅲ　リスク対策", "Ⅳ　開示請求、問合せ", "Ⅴ　評価実施手続", "　（別添２） 変更箇所")
        return [Title("項目一覧"), Plain(lines)]

    def file_label(self, file: dict[str, Any]) -> str:
        no, name = file.get("file_no") or 0, file.get("name") or ""
        return f"{self.num.item(no)}{name}" if self.full else f"({no}){name}"

    def part_i(self) -> list[Item]:
        n, f = self.num, self.f
        out: list[Item] = [Title("Ⅰ　基本情報"), Heading(f"{n.item(1)}特定個人情報ファイルを取り扱う事務"),
                           Field("①事務の名称", self.doc.get("affair_name")),
                           Field("②事務の内容　※", f.numbered(f.rng.randint(3, 6))),
                           Choice("③対象人数", self.doc.get("target_population"), "POP5"),
                           Heading(f"{n.item(2)}特定個人情報ファイルを取り扱う事務において使用するシステム")]
        for s in self.data.get("systems") or []:
            checked = frozenset(label for label, col in CONN_COLUMNS.items() if s.get(col))
            out += [Heading(f"システム{s.get('system_no')}", shade="label"), Field("①システムの名称", s.get("name")),
                    Field("②システムの機能", s.get("functions")),
                    Checks("③他のシステムとの接続", ((None, CONN_ROWS),), checked,
                           {"その他": s.get("conn_other_text")})]
        out += [Heading(f"{n.item(3)}特定個人情報ファイル名"),
                Full("\n".join(self.file_label(x) for x in self.data.get("files") or []))]
        k = 4
        if self.full:
            out += [Heading(f"{n.item(4)}特定個人情報ファイルを取り扱う理由"),
                    Field("①事務実施上の必要性", f.measures(1, 2)),
                    Field("②実現が期待されるメリット", f.measures(1, 2))]
            k = 5
        return [
            *out, Heading(f"{n.item(k)}個人番号の利用　※"),
            Field("法令上の根拠", f"番号法第9条第1項 別表第一{f.rng.randint(1, 120)}の項\n住民基本台帳法"),
            Heading(f"{n.item(k + 1)}情報提供ネットワークシステムによる情報連携　※"),
            Choice("①実施の有無", self.doc.get("info_network_linkage"), "LINK"),
            Field("②法令上の根拠", f"番号法第19条第8号 別表第二 {f.rng.randint(1, 40)}の項"),
            Heading(f"{n.item(k + 2)}評価実施機関における担当部署"),
            Field("①部署", f.rng.choice(BUREAUS) + f.rng.choice(DEPTS)),
            Field("②所属長の役職名", f.rng.choice(DEPTS) + "長"),
            Heading(f"{n.item(k + 3)}他の評価実施機関"), Full(None)]

    # --- Ⅱ ------------------------------------------------------------------
    def part_ii(self, file: dict[str, Any]) -> list[Item]:
        n = self.num
        return [Title("Ⅱ　特定個人情報ファイルの概要"), Heading(f"{n.item(1)}特定個人情報ファイル名"),
                Full(self.file_label(file)), Heading(f"{n.item(2)}基本情報"), *self.basic_rows(file),
                Heading(f"{n.item(3)}特定個人情報の入手・使用"), *self.acquisition_rows(file),
                Heading(f"{n.item(4)}特定個人情報ファイルの取扱いの委託"), *self.entrust_rows(file),
                Heading(f"{n.item(5)}特定個人情報の提供・移転（委託に伴うものを除く。）"), *self.transfer_rows(file),
                Heading(f"{n.item(6)}特定個人情報の保管・消去"), *self.storage_rows(file),
                Heading(f"{n.item(7)}備考"), Full(self.f.short())]

    def basic_rows(self, file: dict[str, Any]) -> list[Item]:
        groups = tuple((head, rows) for head, rows in MAIN_ITEM_GROUPS)
        return [Choice("①ファイルの種類　※", file.get("file_type"), "FTYPE"),
                Choice("②対象となる本人の数", file.get("subjects_band"), "PERS"),
                Field("③対象となる本人の範囲　※", file.get("subjects_scope")),
                Field("その必要性", self.f.measures(1, 1)),
                Choice("④記録される項目", file.get("items_band"), "ITEMS"),
                Checks("主な記録項目　※", groups, frozenset(file.get("main_items") or ()),
                       {"その他": file.get("main_items_other_text")}),
                Field("その妥当性", self.f.measures(1, 1)),
                Field("全ての記録項目", "別添２を参照。" if self.full else "別添１を参照。"),
                Field("⑤保有開始日", wareki(file.get("holding_start"))), Field("⑥事務担当部署", file.get("department"))]

    def acquisition_rows(self, file: dict[str, Any]) -> list[Item]:
        f, full = self.f, self.full
        details = {}
        for d in file.get("sources_detail") or []:
            label, _, rest = d.partition("(")
            details[label] = rest.removesuffix(")")
        slots = {s: details.get(s) for s in SOURCES_WITH_SLOT}
        users = "⑦使用の主体" if full else "④使用の主体"
        out: list[Item] = [
            Checks("①入手元　※", ((None, SOURCE_ROWS),), frozenset(file.get("sources") or ()), slots),
            Checks("②入手方法", ((None, ACQ_ROWS),), frozenset(file.get("acquisition_methods") or ()),
                   {"その他": file.get("acquisition_methods_other_text")})]
        if full:
            out += [Field("③入手の時期・頻度", f.measures(1, 1)), Field("④入手に係る妥当性", f.measures(1, 1)),
                    Field("⑤本人への明示", f.measures(1, 1)), Field("⑥使用目的　※", f.measures(1, 1)),
                    Field("変更の妥当性", "－")]
        else:
            out.append(Field("③使用目的　※", f.measures(1, 1)))
        out += [Field("使用部署　※" if full else "使用部署", file.get("department"), users),
                Choice("使用者数", file.get("users_band"), "STAFF", users),
                Field("⑧使用方法　※" if full else "⑤使用方法", f.measures(1, 2)),
                Field("情報の突合　※" if full else "情報の突合", f.measures(1, 1), "")]
        if full:
            out += [Field("情報の統計分析　※", f.maybe(), ""), Field("権利利益に影響を与え得る決定　※", "該当なし", "")]
        return [*out, Field("⑨使用開始日" if full else "⑥使用開始日", wareki(file.get("use_start")))]

    def entrust_rows(self, file: dict[str, Any]) -> list[Item]:
        ents = [e for e in self.data.get("entrustments") or [] if e.get("file_no") == file.get("file_no")]
        entrusted = file.get("entrusted")
        answer = None if entrusted is None else ("委託する" if entrusted else "委託しない")
        n = file.get("n_entrustments")
        out: list[Item] = [Choice("委託の有無　※", answer, "ITAKU", extra=f"（ {n} ）　件" if n else "（　）　件")]
        for e in ents:
            out += self.entrustment_rows(e)
        return out

    def entrustment_rows(self, e: dict[str, Any]) -> list[Item]:
        sub = e.get("subcontracting")
        sai = None if sub is None else ("再委託する" if sub else "再委託しない")
        out: list[Item] = [Field(f"委託事項{e.get('entrustment_no')}", e.get("title")),
                           Field("①委託内容", e.get("description"))]
        if self.full:
            out += [Choice("②取扱いを委託する特定個人情報ファイルの範囲", e.get("file_scope"), "SCOPE"),
                    Choice("対象となる本人の数", self.f.rng.choice(("1万人未満", "1万人以上10万人未満")), "PERS", ""),
                    Field("対象となる本人の範囲　※", self.f.measures(1, 1), ""),
                    Field("その妥当性", self.f.measures(1, 1), ""),
                    Choice("③委託先における取扱者数", e.get("handlers_band"), "STAFF"),
                    Checks("④委託先への特定個人情報ファイルの提供方法", ((None, ENT_ROWS),),
                           frozenset(e.get("provision_methods") or ()),
                           {"その他": e.get("provision_methods_other_text")}),
                    Field("⑤委託先名の確認方法", self.f.measures(1, 1)), Field("⑥委託先名", e.get("contractor"))]
            labels = ("⑦再委託の有無　※", "⑧再委託の許諾方法", "⑨再委託事項")
        else:
            out += [Choice("②委託先における取扱者数", e.get("handlers_band"), "STAFF"),
                    Field("③委託先名", e.get("contractor"))]
            labels = ("④再委託の有無　※", "⑤再委託の許諾方法", "⑥再委託事項")
        permit = "委託先から書面による申請を受け、内容を審査した上で書面により承諾する。" if sub else None
        return [*out, Choice(labels[0], sai, "SAI", "再委託"), Field(labels[1], permit, "再委託"),
                Field(labels[2], e.get("subcontract_items"), "再委託")]

    def transfer_rows(self, file: dict[str, Any]) -> list[Item]:
        recs = [r for r in self.data.get("recipients") or []
                if r.get("file_no") == file.get("file_no") and r.get("listed_in") in ("body", "reference")]
        provides, transfers = bool(file.get("provides")), bool(file.get("transfers"))
        np_, nt = file.get("n_provisions"), file.get("n_transfers")
        opts = (f"提供を行っている （ {np_ or ''} ） 件", f"移転を行っている （ {nt or ''} ） 件")
        on = {opts[0]} if provides else set()
        on |= {opts[1]} if transfers else set()
        if not on:
            on.add("行っていない")
        out: list[Item] = [Checks("提供・移転の有無", ((None, (opts, ("行っていない",))),), frozenset(on))]
        for kind in ("provision", "transfer"):
            of_kind = sorted((r for r in recs if r.get("kind") == kind), key=lambda r: r.get("recipient_no") or 0)
            for r in of_kind or [{"kind": kind, "recipient_no": 1}]:
                out += self.recipient_rows(r)
        return out

    def recipient_rows(self, r: dict[str, Any]) -> list[Item]:
        word = "提供" if r.get("kind") == "provision" else "移転"
        methods = PROV_ROWS if word == "提供" else TRANS_ROWS
        return [Field(f"{word}先{r.get('recipient_no')}", r.get("recipient")),
                Field("①法令上の根拠", r.get("legal_basis")), Field(f"②{word}先における用途", r.get("purpose")),
                Field(f"③{word}する情報", r.get("information")),
                Choice(f"④{word}する情報の対象となる本人の数", r.get("subjects_band"), "PERS"),
                Field(f"⑤{word}する情報の対象となる本人の範囲", r.get("subjects_scope")),
                Checks(f"⑥{word}方法", ((None, methods),), frozenset(r.get("methods") or ()),
                       {"その他": r.get("methods_other_text")}),
                Field("⑦時期・頻度", r.get("timing"))]

    def storage_rows(self, file: dict[str, Any]) -> list[Item]:
        f = self.f
        if not self.full:
            return [Field("保管場所　※", f.measures(1, 2))]
        return [Field("①保管場所　※", f.measures(1, 2)),
                Choice("期間", file.get("retention_band"), "PERIOD", "②保管期間"),
                Field("その妥当性", f.measures(1, 1), "②保管期間"), Field("③消去方法", f.measures(1, 1))]

    # --- Ⅲ / Ⅳ ---------------------------------------------------------------
    def part_iii(self, file: dict[str, Any]) -> list[Item]:
        title = ("Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策　※（７．リスク１⑨を除く。）" if self.full
                 else "Ⅲ　リスク対策　※（７．②を除く。）")
        out: list[Item] = [Title(title), Heading(f"{self.num.item(1)}特定個人情報ファイル名"),
                           Full(self.file_label(file))]
        for sec in FULL_III if self.full else FOCUSED_III:
            if sec.no == 9:
                audits = frozenset(self.f.rng.sample(AUDIT_ROWS[0], self.f.rng.randint(0, 3)))
                out += [Heading(f"{self.num.item(8)}監査"), Checks("実施の有無", ((None, AUDIT_ROWS),), audits)]
            out += self.section_rows(sec, file.get("file_no"), "III", file)
        if not self.full:
            out += [Heading(f"{self.num.item(10)}その他のリスク対策"), Full(self.f.measures(1, 2))]
        return out

    def part_iv(self) -> list[Item]:
        out: list[Item] = [Title("Ⅳ　その他のリスク対策　※")]
        for sec in FULL_IV:
            out += self.section_rows(sec, None, "IV", None)
        return [*out, Heading(f"{self.num.item(3)}その他のリスク対策"), Full(self.f.measures(1, 2))]

    def section_rows(self, sec: Section, file_no: int | None, part: str, file: dict[str, Any] | None) -> list[Item]:
        flags = self.section_flags(sec, file_no, part, file)
        out: list[Item] = [Heading(f"{self.num.item(sec.no)}{sec.title}", flags)]
        blank = bool(flags) and all(on for _, on in flags)
        for risk in sec.risks:
            if risk.titles:
                titles = [self.num.risk(risk.no) + risk.titles[0], *risk.titles[1:]]
                out.append(Heading("\n".join(titles), shade="label"))
            for q in risk.rows:
                if q.opts:
                    out.append(Choice(q.label, self.risks.get((file_no, part, sec.no, risk.no, q.question)), q.opts))
                else:
                    out.append(Field(q.label, None if blank else self.f.maybe(0.1)))
        closing = sec.closing_label()
        if closing:
            out += [Heading(closing, shade="label"), Full(self.f.maybe(0.4))]
        return out

    def section_flags(self, sec: Section, file_no: int | None, part: str,
                      file: dict[str, Any] | None) -> tuple[tuple[str, bool], ...]:
        if not sec.flags or file is None:
            return ()
        if sec.no == 4:
            return ((sec.flags[0], file.get("entrusted") is False),)
        if sec.no == 5:
            return ((sec.flags[0], not (file.get("provides") or file.get("transfers"))),)
        n_in = 4 if self.full else 1
        answers = [(risk.no or 0, self.risks.get((file_no, part, sec.no, risk.no, ENOUGH.question)))
                   for risk in sec.risks]
        no_in = all(a is None for k, a in answers if k <= n_in)
        no_out = all(a is None for k, a in answers if k > n_in)
        return ((sec.flags[0], no_in), (sec.flags[1], no_out))

    # --- Ⅴ / Ⅵ and annexes -----------------------------------------------------
    def disclosure(self) -> list[Item]:
        org = (self.doc.get("organization") or "").removesuffix("長")
        n = self.num
        return [Title("Ⅴ　開示請求、問合せ" if self.full else "Ⅳ　開示請求、問合せ"),
                Heading(f"{n.item(1)}特定個人情報の開示・訂正・利用停止請求"), Field("①請求先", f"{org}総務部行政課"),
                Field("②請求方法", "指定様式による書面の提出により開示・訂正・利用停止請求を受け付ける。"),
                Heading(f"{n.item(2)}特定個人情報ファイルの取扱いに関する問合せ"),
                Field("①連絡先", f"{org}{self.f.rng.choice(DEPTS)}"),
                Field("②対応方法", "問合せの受付時に受付票を起票し、対応について記録を残す。")]

    def procedures(self) -> list[Item]:
        pub = self.doc.get("published_on")
        return [Title("Ⅵ　評価実施手続" if self.full else "Ⅴ　評価実施手続"),
                Heading(f"{self.num.item(1)}基礎項目評価"), Field("①実施日", self.f.date(pub, 120)),
                Choice("②しきい値判断結果", self.doc.get("threshold_result"), "TH4" if self.full else "TH3"),
                Heading(f"{self.num.item(2)}国民・住民等からの意見の聴取"),
                Field("①方法", "市ホームページ及び各窓口における閲覧により意見を募集した。"),
                Heading(f"{self.num.item(3)}第三者点検"), Field("②方法", "個人情報保護審議会に対する諮問")]

    def annex_items(self, files: Sequence[dict[str, Any]]) -> list[Item]:
        pool = ("宛名番号", "世帯番号", "氏名", "氏名カナ", "生年月日", "性別", "続柄", "住所", "個人番号",
                "住民票コード")
        lines: list[str] = []
        for file in files:
            items = "、".join(f"{i}．{x}" for i, x in enumerate(pool, 1))
            lines += [f"（{file.get('file_no')}）{file.get('name')}", items]
        title = "（別添２） 特定個人情報ファイル記録項目" if self.full else "（別添１） 特定個人情報ファイル記録項目"
        return [Title(title), Plain(tuple(lines))]

    def recipient_lists(self) -> list[Item]:
        recs = self.data.get("recipients") or []
        files = {f.get("file_no"): f for f in self.data.get("files") or []}
        lists: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
        for r in recs:
            if r.get("listed_in") == "annex":
                lists[(r.get("file_no"), r.get("kind") or "provision")].append(r)
        labels = _annex_labels(recs, lists, self.full)
        out: list[Item] = []
        for key, rows in sorted(lists.items(), key=lambda kv: labels[kv[0]][1]):
            rows.sort(key=lambda r: r.get("recipient_no") or 0)
            out.append(self.recipient_list(files.get(key[0]) or {"file_no": key[0]}, key[1], labels[key][0], rows))
        return out

    def recipient_list(self, file: dict[str, Any], kind: str, label: str, rows: Sequence[dict[str, Any]]) -> Wide:
        word = "提供" if kind == "provision" else "移転"
        bracket = f"［{label}］" if self.full else f"（{label}）"
        heading = (f"{bracket}　Ⅱ ファイルの概要（{self.file_label(file)}）－{self.num.item(5)}"
                   "特定個人情報の提供・移転（委託に伴うものを除く。）")
        heads = (f"{word}先", "①法令上の根拠", f"②{word}先における用途", f"③{word}する情報", "④対象となる本人の数",
                 "⑤対象となる本人の範囲", f"⑥{word}方法", "⑦時期・頻度")
        cells = tuple((r.get("recipient") or "", r.get("legal_basis") or "", r.get("purpose") or "",
                       r.get("information") or "", r.get("subjects_band") or "", r.get("subjects_scope") or "",
                       "、".join(r.get("methods") or []), r.get("timing") or "") for r in rows)
        note = ("※（番号法別表第二の第三欄（情報提供者）が「市町村長」の項のうち、"
                "第四欄に「住民票関係情報」が含まれる各項）" if kind == "provision" else "")
        return Wide(heads, (0.12, 0.11, 0.19, 0.12, 0.085, 0.19, 0.085, 0.10), cells, heading, f"{word}先一覧", note,
                    landscape=True)


def _annex_labels(recs: Sequence[dict[str, Any]], lists: Mapping[tuple[Any, str], Any],
                  full: bool) -> dict[tuple[Any, str], tuple[str, int]]:
    """(file_no, kind) -> (annex label e.g. 別添4, number), from the body's pointer rows where present."""
    out: dict[tuple[Any, str], tuple[str, int]] = {}
    for r in recs:
        if r.get("listed_in") != "reference":
            continue
        m = re.search(r"(別添|別紙)\s*(\d+)", nfkc(r.get("recipient") or ""))
        if m:
            out[(r.get("file_no"), r.get("kind") or "provision")] = (m.group(1) + m.group(2), int(m.group(2)))
    nxt = max([n for _, n in out.values()], default=3 if full else 0) + 1
    for key in sorted(lists, key=lambda k: (k[0] or 0, k[1] != "provision")):
        if key not in out:
            out[key] = (f"別添{nxt}" if full else f"別紙{nxt}", nxt)
            nxt += 1
    return out
