"""Names made comparable: the body behind 評価実施機関名, contractor names, and the assessment key.

Pure functions; the rules are stated here and in the package's SCHEMA.md, and tested in
tests/test_names.py.  Precision first: when a rule cannot tell, the value is left whole
(a branch not split off) or null (no body, no key) rather than guessed.

`squeeze`: NFKC, whitespace removed, except one space between two ASCII letters/digits
(`NTT DATA`), so `日本電気株式会社 青森支店` and `日本電気株式会社青森支店` compare equal.

`organization_body` / `organization_kind` (評価実施機関名 → the body, and what kind of body):
- a local body is the longest head of the name that is one of the 47 prefectures or ends in
  市/区/町/村, and is followed only by an office: 知事, or up to 20 characters ending in
  長/委員会/委員/管理者/議会 (長, 教育委員会, 選挙管理委員会, 水道事業管理者, 上下水道局長, …):
  `藤沢市長` → `藤沢市` (city), `山口県知事` → `山口県` (prefecture), `十日町市長` → `十日町市`,
  `世田谷区教育委員会` → `世田谷区` (ward); a remainder that names an
  organisation of its own (広域連合, 組合, 機構, 法人, 協議会, 会社, センター, 公社) is not an office;
- a national body: `X大臣` → its ministry (`X省`; 内閣総理大臣 → 内閣府, デジタル大臣 → デジタル庁,
  復興大臣 → 復興庁), `X長官` → `X`, names ending in 省/庁/府/委員会 as written (national);
- a name that, without a trailing 長/管理者/理事長, ends in an organisation word (広域連合, 連合会,
  組合, 機構, 法人, 協議会, 会社, センター, 公社, 病院, 大学, 協会, 基金, 団) is that body (other);
- anything else (`藤沢市長 鈴木一郎`: not a form these rules know) gives null, never a guess.

`split_contractor` (委託先名 → contractor_normalized, contractor_branch):
- squeeze; legal-form abbreviations spelled out: `(株)`/`㈱`/`（株）` → 株式会社, `(有)` → 有限会社,
  `(同)` → 合同会社, `(名)` 合名会社, `(資)` 合資会社, `(一社)` 一般社団法人, `(一財)` 一般財団法人,
  `(公社)` 公益社団法人, `(公財)` 公益財団法人, `(社福)`/`(福)` 社会福祉法人, `(特非)` 特定非営利活動法人,
  `(独)` 独立行政法人, `(医)` 医療法人, `(学)` 学校法人, `(社)` 社団法人, `(財)` 財団法人;
- a branch is split off only when the name holds exactly one legal form and
  (a) the legal form ends the company name (`日本電気株式会社青森支店`): whatever follows it,
      if that ends in a branch unit (支店, 支社, 営業所, 事業所, 出張所, 事務所, 本社, 支部, 分室,
      センター, オフィス, 部, 課, 室); or
  (b) the legal form starts it (`株式会社アカツキ行政システムズ 東北支社`): the words after a space,
      from the first word with a Japanese character, if they end in a branch unit; without a
      space, only a region or prefecture (or 政令指定都市) name directly followed by a branch unit
      (支店, 支社, 営業所, 営業部, 本部, 事業部 …) at the end, or a public-sector business unit
      (自治体/公共/官公庁/行政/文教, optionally + 営業/ソリューション/システム/ビジネス, + 営業部/本部/
      事業部/事業本部/統括部/営業所: `自治体営業部`, `公共事業本部`) at the end;
- a cell naming several contractors (`、`) is normalised as a whole, never split;
- placeholders (－, なし, 該当なし, 未定) give null.

`assessment_key`: `form_type|organization|assessment_no|subject|published_on`, each squeezed;
subject is 評価書名 without its trailing form name (全項目評価書 …), else 事務の名称;
assessment_no without leading zeros. Null unless form_type, organization and subject are known
and at least one of assessment_no / published_on is (two 概要 of different years with neither
must not merge).
"""

from __future__ import annotations

import re
import unicodedata

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
_PREFECTURE_SET = frozenset(PREFECTURES)
_KIND_BY_UNIT = {"市": "city", "区": "ward", "町": "town", "村": "village"}
_OFFICE = re.compile(r"(?:知事|.{0,20}(?:長|委員会|委員|管理者|議会))")
_OWN_ORGANISATION = re.compile(r"広域連合|組合|機構|法人|協議会|会社|センター|公社")
_MINISTRY_EXCEPTIONS = {"内閣総理大臣": "内閣府", "デジタル大臣": "デジタル庁", "復興大臣": "復興庁"}
_NATIONAL_END = re.compile(r"(?:省|庁|府|委員会)$")
_OTHER_OFFICE = re.compile(r"(?:理事長|管理者|長)$")
_OTHER_BODY_END = re.compile(r"(?:広域連合|連合会?|組合|機構|法人|協議会|会社|センター|公社|病院|大学|協会|基金|団)$")

_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def squeeze(text: str) -> str:
    """NFKC, and no whitespace except a single space between two ASCII letters or digits."""
    parts: list[str] = []
    for part in _SPACE.split(unicodedata.normalize("NFKC", text)):
        if part and parts and unicodedata.combining(part[0]):
            # NFKC spells `¯` as a space and a combining macron: the mark joins the letter before it
            parts[-1] = unicodedata.normalize("NFKC", parts[-1] + part)
        elif part:
            parts.append(part)
    out = parts[:1]
    for part in parts[1:]:
        keep = bool(_ASCII_WORD.fullmatch(out[-1][-1]) and _ASCII_WORD.fullmatch(part[0]))
        out.append((" " if keep else "") + part)
    return unicodedata.normalize("NFKC", "".join(out))


# ---------------------------------------------------------------------------- 評価実施機関


def _is_local_head(head: str) -> bool:
    last = head[-1]
    if last in "都道府県":
        return head in _PREFECTURE_SET
    return last in _KIND_BY_UNIT and len(head) >= 2


def _local_body(name: str) -> str | None:
    """The longest head of `name` that is a local body followed only by an office (or nothing)."""
    for end in range(len(name), 1, -1):
        head, rest = name[:end], name[end:]
        if not _is_local_head(head):
            continue
        if not rest or (_OFFICE.fullmatch(rest) and not _OWN_ORGANISATION.search(rest)):
            return head
    return None


def _national_body(name: str) -> str | None:
    if name in _MINISTRY_EXCEPTIONS:
        return _MINISTRY_EXCEPTIONS[name]
    if name.endswith("大臣") and len(name) > 2:
        return name[:-2] + "省"
    if name.endswith("長官") and _NATIONAL_END.search(name[:-2]):
        return name[:-2]
    if name.endswith("委員長") and name[:-3].endswith("委員会"):
        return name[:-3]
    return name if _NATIONAL_END.search(name) and name not in _PREFECTURE_SET else None


def organization_body(organization: str | None) -> str | None:
    """The body that runs the assessment: `藤沢市長` → `藤沢市`, `山口県知事` → `山口県` (rules: module doc)."""
    if organization is None:
        return None
    name = squeeze(organization)
    if not name:
        return None
    body = _local_body(name) or _national_body(name)
    if body is not None:
        return body
    stripped = _OTHER_OFFICE.sub("", name)
    return stripped if _OTHER_BODY_END.search(stripped) else None


def organization_kind(body: str | None) -> str | None:
    """prefecture / city / ward / town / village / national / other, for a body from `organization_body`."""
    if not body:
        return None
    if _local_body(body) == body:
        return "prefecture" if body[-1] in "都道府県" else _KIND_BY_UNIT[body[-1]]
    if _national_body(body) == body and not _OWN_ORGANISATION.search(body):
        return "national"
    return "other"


# ---------------------------------------------------------------------------- 委託先名

_ABBREVIATIONS = {
    "株": "株式会社", "有": "有限会社", "同": "合同会社", "名": "合名会社", "資": "合資会社",
    "一社": "一般社団法人", "一財": "一般財団法人", "公社": "公益社団法人", "公財": "公益財団法人",
    "社福": "社会福祉法人", "福": "社会福祉法人", "特非": "特定非営利活動法人", "独": "独立行政法人",
    "医": "医療法人", "学": "学校法人", "社": "社団法人", "財": "財団法人",
}
_ABBREVIATION = re.compile(r"\(\s*(" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\s*\)")
_LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "一般社団法人", "一般財団法人", "公益社団法人",
    "公益財団法人", "社会福祉法人", "特定非営利活動法人", "地方独立行政法人", "独立行政法人", "医療法人",
    "学校法人", "社団法人", "財団法人",
)
_LEGAL_FORM = re.compile("|".join(_LEGAL_FORMS))
_BRANCH_UNIT = "(?:支店|支社|営業所|事業所|出張所|事務所|本社|支部|分室|センター|オフィス|部|課|室)"
_ENDS_IN_UNIT = re.compile(_BRANCH_UNIT + "$")
_REGIONS = (
    "北海道", "東北", "関東", "首都圏", "甲信越", "信越", "北陸", "東海", "中部", "近畿", "関西", "中国", "四国",
    "九州", "沖縄", "東日本", "西日本", "北日本", "札幌", "仙台", "さいたま", "千葉", "横浜", "川崎", "相模原",
    "新潟", "静岡", "浜松", "名古屋", "京都", "大阪", "堺", "神戸", "岡山", "広島", "北九州", "福岡", "熊本",
)
_PLACES = sorted({*_REGIONS, *PREFECTURES, *(p[:-1] for p in PREFECTURES if p != "北海道")}, key=len, reverse=True)
_PLACE_UNIT = "(?:支店|支社|営業所|事業所|出張所|事務所|支部|分室|オフィス|本部|営業部|営業本部|事業部|事業本部|営業課)"
_PLACE_BRANCH = re.compile("(?:" + "|".join(_PLACES) + ")" + _PLACE_UNIT + "$")
# The public-sector business units vendors name their departments after (自治体営業部, 公共事業本部).
_SECTOR_UNIT = re.compile(
    r"(?:自治体|公共|官公庁|行政|文教)(?:営業|ソリューション|システム|ビジネス)?"
    r"(?:営業部|営業本部|事業部|事業本部|本部|統括部|営業所)$"
)
_PLACEHOLDERS = frozenset({"", "-", "‐", "―", "—", "ー", "なし", "該当なし", "未定"})


def expand_legal_forms(name: str) -> str:
    """NFKC (㈱ → (株)) and the bracketed abbreviations spelled out: `(株)` → `株式会社`."""
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], unicodedata.normalize("NFKC", name))


def _branch_after_suffix_form(name: str, form_end: int) -> str | None:
    rest = squeeze(name[form_end:])
    return rest if rest and _ENDS_IN_UNIT.search(rest) else None


def _branch_after_prefix_form(name: str, form_end: int) -> str | None:
    words = name[form_end:].split()
    for k in range(1, len(words)):
        if not words[k].isascii():
            tail = squeeze(" ".join(words[k:]))
            return tail if _ENDS_IN_UNIT.search(tail) else None
    rest = squeeze(name[form_end:])
    for pattern in (_PLACE_BRANCH, _SECTOR_UNIT):
        m = pattern.search(rest)
        if m and m.start() > 0:
            return m.group(0)
    return None


def _branch(name: str) -> str | None:
    """The branch/office part of a contractor name with exactly one legal form (rules: module doc)."""
    forms = list(_LEGAL_FORM.finditer(name))
    if len(forms) != 1:
        return None
    form = forms[0]
    if name[: form.start()].strip():
        return _branch_after_suffix_form(name, form.end())
    return _branch_after_prefix_form(name, form.end())


def split_contractor(contractor: str | None) -> tuple[str | None, str | None]:
    """委託先名 → (normalised company name, branch or None); see the module doc for the rules."""
    if contractor is None:
        return None, None
    name = _SPACE.sub(" ", expand_legal_forms(contractor)).strip()
    if squeeze(name) in _PLACEHOLDERS:
        return None, None
    if "、" in name:
        return squeeze(name), None
    branch = _branch(name)
    whole = squeeze(name)
    if branch is None:
        return whole, None
    return whole[: len(whole) - len(branch)], branch


# ---------------------------------------------------------------------------- assessment key

_FORM_NAME_TAIL = re.compile(
    r"(?:特定個人情報保護評価書)?[(（]?(?:全項目評価書|重点項目評価書|基礎項目評価書)[)）]?(?:[(（]案[)）])?$"
)


def _subject(title: str | None, affair_name: str | None) -> str | None:
    if title and squeeze(title):
        subject = _FORM_NAME_TAIL.sub("", squeeze(title))
        if subject:
            return subject
    if affair_name and squeeze(affair_name):
        return squeeze(affair_name)
    return None


def _number(assessment_no: str | None) -> str:
    text = squeeze(assessment_no or "")
    return text.lstrip("0") or text if text.isdigit() else text


def assessment_key(form_type: str | None, organization: str | None, assessment_no: str | None,
                   title: str | None, affair_name: str | None, published_on: str | None) -> str | None:
    """One key for one assessment, whichever input it was read from (rules: module doc)."""
    org = squeeze(organization or "")
    subject = _subject(title, affair_name)
    number, date = _number(assessment_no), squeeze(published_on or "")
    if not form_type or not org or not subject or not (number or date):
        return None
    return "|".join(part.replace("|", "｜") for part in (form_type, org, number, subject, date))
