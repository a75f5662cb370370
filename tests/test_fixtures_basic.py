"""様式2 (基礎項目評価書) fixture data and its HTML-style print."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from pia_fixtures.basic import BASIC_IV, FLAG_COLUMNS
from pia_fixtures.synth import OPTION_SETS, RenderStyle, choice_fields, random_assessment, render_pdf
from tests.conftest import SHARED
from tests.printed import compact, missing_values

TRUTH = SHARED / "corpus" / "truth"
DOC_COLUMNS = {"form_type", "form_version", "assessment_no", "title", "organization", "published_on", "affair_name",
               "target_population", "info_network_linkage", "threshold_result", "handlers_band", "serious_incident",
               "submitted_forms", "no_entrustment", "no_transfer", "no_network_acquire", "no_network_provide",
               "no_manual_work", "audits", "do_full_or_focused"}


@pytest.mark.parametrize("seed", range(10))
def test_basic_data_has_the_truth_shape(seed: int) -> None:
    data = random_assessment(seed, "basic")
    json.dumps(data)
    assert set(data["documents"]) == DOC_COLUMNS
    assert all(set(s) == {"system_no", "name"} for s in data["systems"])
    assert all(set(f) == {"file_no", "name"} for f in data["files"])
    assert data["entrustments"] == data["recipients"] == []
    assert len(data["risk_ratings"]) == sum(len(s.questions) for s in BASIC_IV) == 13


def test_basic_questions_match_the_corpus_truth() -> None:
    truth_files = sorted(TRUTH.glob("basic_*.json")) if TRUTH.is_dir() else []
    if not truth_files:
        pytest.skip("../shared/corpus is not present on this machine")
    truth = json.loads(truth_files[0].read_text(encoding="utf-8"))
    ours = random_assessment(1, "basic")
    assert set(truth["documents"]) == set(ours["documents"])
    key = ("part", "section_no", "section", "risk_no", "question")
    assert [tuple(r[k] for k in key) for r in truth["risk_ratings"]] == [tuple(r[k] for k in key)
                                                                       for r in ours["risk_ratings"]]


@pytest.mark.parametrize("seed", range(20))
def test_basic_answers_are_legend_options_and_flags_blank_them(seed: int) -> None:
    data = random_assessment(seed, "basic")
    opts = {(s, q): o for _, s, _, q, o in choice_fields("basic")}
    blanked = {(s.no, q.question): q.blanked_by for s in BASIC_IV for q in s.questions}
    doc = data["documents"]
    for row in data["risk_ratings"]:
        options = [unicodedata.normalize("NFKC", o) for o in OPTION_SETS[opts[(row["section_no"], row["question"])]]]
        if row["answer"] is not None:
            assert options.index(row["answer"]) + 1 == row["answer_code"]
        flag = next((f for (s, q), f in blanked.items() if s == row["section_no"]
                     and unicodedata.normalize("NFKC", q) == row["question"]), None)
        if flag and doc[FLAG_COLUMNS[flag]]:
            assert row["answer"] is None
    assert doc["submitted_forms"] == data["risk_ratings"][0]["answer"]


def test_basic_data_varies_what_real_documents_vary() -> None:
    docs = [random_assessment(s, "basic")["documents"] for s in range(60)]
    assert {d["form_version"] for d in docs} == {"平成26年4月 様式2", "平成29年5月 様式2", "平成30年5月 様式2"}
    assert {d["serious_incident"] for d in docs} == {"発生あり", "発生なし"}
    assert {len(d["audits"]) for d in docs} == {0, 1, 2, 3}
    for col in FLAG_COLUMNS.values():
        assert {d[col] for d in docs} == {True, False}
    answers = [r["answer"] for s in range(60) for r in random_assessment(s, "basic")["risk_ratings"]]
    assert None in answers


def test_basic_data_is_deterministic() -> None:
    assert random_assessment(7, "basic") == random_assessment(7, "basic")
    assert random_assessment(7, "basic") != random_assessment(8, "basic")


STYLES = {"default": RenderStyle(), "comma_names": RenderStyle(name_list="、", checkbox="☑/☐", legend="below",
                                                                fullwidth_digits=False)}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_basic_print_holds_every_value(tmp_path: Path, name: str) -> None:
    data = random_assessment(23, "basic")
    pdf = tmp_path / "basic.pdf"
    start = time.perf_counter()
    render_pdf(data, pdf, STYLES[name])
    assert time.perf_counter() - start < 5
    assert not missing_values(pdf, data)
    text = compact("".join(p.get_text() for p in pymupdf.open(pdf)))
    stamp = data["documents"]["form_version"].replace(" ", "")
    assert f"[{stamp}]" in text.replace("　", "")
    names = [s["name"] for s in data["systems"]]
    if STYLES[name].name_list == "、" and len(names) > 1:
        assert compact("、".join(names)) in text


def test_priority_bracket_repeats_the_option_number(tmp_path: Path) -> None:
    data = random_assessment(23, "basic")
    row = next(r for r in data["risk_ratings"] if r["question"] == "最も優先度が高いと考えられる対策")
    assert row["answer"] is not None
    pdf = tmp_path / "basic.pdf"
    render_pdf(data, pdf)
    text = compact("".join(p.get_text() for p in pymupdf.open(pdf)))
    assert compact(f"[ {row['answer_code']}) {row['answer']}") in text
