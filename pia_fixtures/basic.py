"""基礎項目評価書 (様式2): the form's Ⅳ questions and random truth-shaped data (forms.md §8).

`random_basic(seed)` returns the shape of shared/corpus/truth/basic_*.json: a documents row with the
様式2 columns, one systems row per name in Ⅰ1③, one files row per name in Ⅰ2, and a risk_ratings row
for every Ⅳ choice (answer null where the form's own checkbox — 委託しない, 接続しない … — leaves the
bracket empty, or where the bracket was left blank).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from pia_fixtures.synth import AFFAIRS, CITIES, OPTION_SETS, SYSTEM_NAMES, _rand_date, nfkc

# form stamps and the day each version came into use: a document carries one no newer than its 公表日
STAMPS = (("平成26年4月 様式2", date(2014, 4, 1)), ("平成29年5月 様式2", date(2017, 5, 30)),
          ("平成30年5月 様式2", date(2018, 5, 21)))
AUDITS = ("自己点検", "内部監査", "外部監査")
# the Ⅳ checkbox printed at a section heading -> the documents column it fills
FLAG_COLUMNS = {"委託しない": "no_entrustment", "提供・移転しない": "no_transfer",
                "接続しない（入手）": "no_network_acquire", "接続しない（提供）": "no_network_provide",
                "人手を介在させる作業はない": "no_manual_work",
                "全項目評価又は重点項目評価を実施する": "do_full_or_focused"}


@dataclass(frozen=True)
class BasicQ:
    """One Ⅳ choice: its printed question, option set, and the flag that blanks it when checked."""

    question: str
    opts: str
    blanked_by: str | None = None


@dataclass(frozen=True)
class BasicSection:
    no: int
    title: str
    questions: tuple[BasicQ, ...]
    flags: tuple[str, ...] = ()
    basis: bool = False  # a 判断の根拠 text row follows the choices


_ENOUGH = "リスクへの対策は十分か"

BASIC_IV: tuple[BasicSection, ...] = (
    BasicSection(1, "提出する特定個人情報保護評価書の種類", (BasicQ("提出する特定個人情報保護評価書の種類", "FORMS"),)),
    BasicSection(2, "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
                 (BasicQ(f"目的外の入手が行われる{_ENOUGH}", "ENOUGH"),)),
    BasicSection(3, "特定個人情報の使用", (
        BasicQ(f"目的を超えた紐付け、事務に必要のない情報との紐付けが行われる{_ENOUGH}", "ENOUGH"),
        BasicQ(f"権限のない者（元職員、アクセス権限のない職員等）によって不正に使用される{_ENOUGH}", "ENOUGH"))),
    BasicSection(4, "特定個人情報ファイルの取扱いの委託",
                 (BasicQ(f"委託先における不正な使用等の{_ENOUGH}", "ENOUGH", "委託しない"),), ("委託しない",)),
    BasicSection(5, "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
                 (BasicQ(f"不正な提供・移転が行われる{_ENOUGH}", "ENOUGH", "提供・移転しない"),),
                 ("提供・移転しない",)),
    BasicSection(6, "情報提供ネットワークシステムとの接続", (
        BasicQ(f"目的外の入手が行われる{_ENOUGH}", "ENOUGH", "接続しない（入手）"),
        BasicQ(f"不正な提供が行われる{_ENOUGH}", "ENOUGH", "接続しない（提供）")),
        ("接続しない（入手）", "接続しない（提供）")),
    BasicSection(7, "特定個人情報の保管・消去", (BasicQ(f"特定個人情報の漏えい・滅失・毀損{_ENOUGH}", "ENOUGH"),)),
    BasicSection(8, "人手を介在させる作業",
                 (BasicQ(f"人為的ミスが発生する{_ENOUGH}", "ENOUGH", "人手を介在させる作業はない"),),
                 ("人手を介在させる作業はない",), basis=True),
    BasicSection(9, "監査", ()),
    BasicSection(10, "従業者に対する教育・啓発", (BasicQ("従業者に対する教育・啓発", "GYO"),)),
    BasicSection(11, "最も優先度が高いと考えられる対策", (
        BasicQ("最も優先度が高いと考えられる対策", "PRIORITY"), BasicQ("当該対策は十分か【再掲】", "ENOUGH")),
        ("全項目評価又は重点項目評価を実施する",), basis=True),
)

BASIC_FILE_SUFFIXES = ("情報ファイル", "台帳ファイル", "管理ファイル", "支払情報ファイル", "履歴ファイル")


def basic_choice_fields() -> list[tuple[str, int, int | None, str, str]]:
    """Every 様式2 risk_ratings question: (part, section_no, risk_no, question, option-set id)."""
    return [("IV", s.no, None, nfkc(q.question), q.opts) for s in BASIC_IV for q in s.questions]


def _pick(rng: random.Random, opts: str, weights: tuple[float, ...] | None = None) -> str:
    return nfkc(rng.choices(OPTION_SETS[opts], weights=weights)[0])


def _flags(rng: random.Random) -> dict[str, bool]:
    return {col: rng.random() < p for col, p in (
        ("no_entrustment", 0.35), ("no_transfer", 0.3), ("no_network_acquire", 0.2), ("no_network_provide", 0.25),
        ("no_manual_work", 0.2), ("do_full_or_focused", 0.2))}


def _documents(rng: random.Random, affair: str, flags: dict[str, bool]) -> dict[str, Any]:
    published = _rand_date(rng, date(2015, 4, 1), date(2025, 12, 26))
    stamps = [s for s, since in STAMPS if since <= published]
    stamp = stamps[-1] if rng.random() < 0.6 else rng.choice(stamps)
    audits = [a for a in AUDITS if rng.random() < 0.55]
    return {
        "form_type": "basic", "form_version": stamp,
        "assessment_no": str(rng.randint(1, 80)), "title": f"{affair} 基礎項目評価書",
        "organization": f"{rng.choice(CITIES)}長", "published_on": published.isoformat(), "affair_name": affair,
        "target_population": _pick(rng, "POP5B"), "info_network_linkage": _pick(rng, "LINK", (0.8, 0.15, 0.05)),
        "threshold_result": _pick(rng, "TH2", (0.1, 0.25, 0.55, 0.1)),
        "handlers_band": _pick(rng, "HANDLERS", (0.3, 0.7)),
        "serious_incident": _pick(rng, "ACC", (0.3, 0.7)),
        "submitted_forms": _pick(rng, "FORMS"), **flags, "audits": audits,
    }


def _risk_rows(rng: random.Random, flags: dict[str, bool], submitted: str) -> list[dict[str, Any]]:
    out = []
    for sec in BASIC_IV:
        for q in sec.questions:
            if q.opts == "FORMS":
                answer: str | None = submitted
            elif q.blanked_by and flags[FLAG_COLUMNS[q.blanked_by]]:
                answer = None
            else:
                answer = None if rng.random() < 0.05 else _pick(rng, q.opts)
            options = [nfkc(o) for o in OPTION_SETS[q.opts]]
            out.append({"file_no": None, "part": "IV", "section_no": sec.no, "section": nfkc(sec.title),
                        "risk_no": None, "risk": None, "question": nfkc(q.question), "answer": answer,
                        "answer_code": None if answer is None else options.index(answer) + 1})
    return out


def random_basic(seed: int, n_files: int | None = None) -> dict[str, Any]:
    """A random 様式2 assessment in the shape of the truth JSONs (deterministic per seed and n_files)."""
    rng = random.Random(f"pia-synth:{seed}:basic:{n_files}")
    affair, file_names = rng.choice(AFFAIRS)
    flags = _flags(rng)
    documents = _documents(rng, affair, flags)
    names = rng.sample(SYSTEM_NAMES, rng.randint(1, 4))
    nf = n_files if n_files is not None else rng.randint(1, 3)
    stem = file_names[0].removesuffix("ファイル")
    files = [file_names[i] if i < len(file_names) else f"{stem}{rng.choice(BASIC_FILE_SUFFIXES)}{i + 1}"
             for i in range(nf)]
    return {
        "documents": documents,
        "systems": [{"system_no": i, "name": nfkc(n)} for i, n in enumerate(names, 1)],
        "files": [{"file_no": i, "name": n} for i, n in enumerate(files, 1)],
        "entrustments": [], "recipients": [],
        "risk_ratings": _risk_rows(rng, flags, documents["submitted_forms"]),
    }
