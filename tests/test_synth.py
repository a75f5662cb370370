"""The fixture generator: valid random data, and PDFs that carry that data in a real text layer."""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from pia_fixtures.synth import (
    CONN_COLUMNS,
    OPTION_SETS,
    RenderStyle,
    choice_fields,
    random_assessment,
    render_pdf,
    wareki,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TRUTH = Path("/work/shared/corpus/truth")

COLUMNS = {
    "documents": {"form_type", "form_version", "assessment_no", "title", "organization", "published_on",
                  "affair_name", "target_population", "info_network_linkage", "threshold_result"},
    "systems": {"system_no", "name", "functions", *CONN_COLUMNS.values(), "conn_other_text"},
    "files": {"file_no", "name", "file_type", "subjects_band", "subjects_scope", "items_band", "main_items",
              "main_items_other_text", "holding_start", "department", "sources", "sources_detail",
              "acquisition_methods", "acquisition_methods_other_text", "users_band", "use_start", "entrusted",
              "n_entrustments", "provides", "n_provisions", "transfers", "n_transfers", "retention_band"},
    "entrustments": {"file_no", "entrustment_no", "title", "description", "file_scope", "handlers_band",
                     "provision_methods", "provision_methods_other_text", "contractor", "subcontracting",
                     "subcontract_items"},
    "recipients": {"file_no", "kind", "recipient_no", "recipient", "legal_basis", "purpose", "information",
                   "subjects_band", "subjects_scope", "methods", "methods_other_text", "timing", "listed_in"},
    "risk_ratings": {"file_no", "part", "section_no", "section", "risk_no", "risk", "question", "answer",
                     "answer_code"},
}
BANDS = [("documents", "target_population", "POP5"), ("documents", "info_network_linkage", "LINK"),
         ("files", "file_type", "FTYPE"), ("files", "subjects_band", "PERS"), ("files", "items_band", "ITEMS"),
         ("files", "users_band", "STAFF"), ("files", "retention_band", "PERIOD"),
         ("entrustments", "file_scope", "SCOPE"), ("entrustments", "handlers_band", "STAFF"),
         ("recipients", "subjects_band", "PERS")]
NOT_PRINTED = {"form_type", "kind", "listed_in", "published_on", "holding_start", "use_start", "part"}


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def options(opts: str) -> list[str]:
    return [nfkc(o) for o in OPTION_SETS[opts]]


def rows(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    value = data[table]
    return [value] if isinstance(value, dict) else value


def compact_text(path: Path) -> str:
    """The document's text, block by block, with all whitespace removed (wrapped lines joined)."""
    doc = pymupdf.open(path)
    parts = []
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            parts.append("".join(s["text"] for line in block.get("lines", []) for s in line["spans"]))
    return re.sub(r"\s+", "", "\n".join(parts))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path]]:
    out = {}
    for form in ("full", "focused"):
        data = random_assessment(3, form, n_files=2, n_annex_rows=20)
        path = tmp_path_factory.mktemp("synth") / f"{form}.pdf"
        render_pdf(data, path)
        out[form] = (data, path)
    return out


# --- data -------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["full", "focused"])
def test_data_is_deterministic_per_seed(form: str) -> None:
    assert random_assessment(5, form) == random_assessment(5, form)
    assert random_assessment(5, form) != random_assessment(6, form)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("form", ["full", "focused"])
def test_data_has_truth_shape(seed: int, form: str) -> None:
    data = random_assessment(seed, form)
    json.dumps(data)  # plain JSON types only
    for table, columns in COLUMNS.items():
        for row in rows(data, table):
            assert set(row) == columns, table
    assert data["documents"]["form_type"] == form
    assert 1 <= len(data["systems"]) <= 7
    assert 1 <= len(data["files"]) <= 3
    for f in data["files"]:
        n = sum(e["file_no"] == f["file_no"] for e in data["entrustments"])
        assert n <= 4
        assert f["entrusted"] == (n > 0) and f["n_entrustments"] == (n or None)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("form", ["full", "focused"])
def test_every_choice_answer_is_a_legend_option(seed: int, form: str) -> None:
    data = random_assessment(seed, form)
    opts_of = {(p, s, r, q): o for p, s, r, q, o in choice_fields(form)}
    for row in data["risk_ratings"]:
        key = (row["part"], row["section_no"], row["risk_no"], row["question"])
        legend = options(opts_of[key])
        if row["answer"] is None:
            assert row["answer_code"] is None
        else:
            assert row["answer"] in legend
            assert legend.index(row["answer"]) + 1 == row["answer_code"]
    for table, column, opts in BANDS:
        for row in rows(data, table):
            assert row[column] is None or row[column] in options(opts), (table, column)
    threshold = data["documents"]["threshold_result"]
    assert threshold is None or threshold in options("TH4" if form == "full" else "TH3")


@pytest.mark.parametrize("form", ["full", "focused"])
def test_every_risk_question_of_the_form_is_present(form: str) -> None:
    data = random_assessment(8, form, n_files=3)
    expected = {(p, s, r, q) for p, s, r, q, _ in choice_fields(form)}
    for file_no in (1, 2, 3):
        got = {(r["part"], r["section_no"], r["risk_no"], r["question"])
               for r in data["risk_ratings"] if r["file_no"] == file_no}
        assert got == {k for k in expected if k[0] == "III"}
    part_iv = {(r["part"], r["section_no"], r["risk_no"], r["question"])
               for r in data["risk_ratings"] if r["file_no"] is None}
    assert part_iv == {k for k in expected if k[0] == "IV"}
    assert (form == "full") == bool(part_iv)


def test_form_texts_match_the_truth_files() -> None:
    if not TRUTH.exists():
        pytest.skip("shared corpus not available")
    for name, form in (("fujisawa_juki_full", "full"), ("hirosaki_juki_focused", "focused")):
        truth = json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))
        ours = {(r["part"], r["section_no"], r["section"], r["question"])
                for r in random_assessment(1, form)["risk_ratings"]}
        for r in truth["risk_ratings"]:
            if "必要なない" in (r["risk"] or ""):  # Hirosaki's own typo
                continue
            assert (r["part"], r["section_no"], r["section"], r["question"]) in ours


def test_annex_rows_and_counts() -> None:
    data = random_assessment(4, "full", n_files=2, n_annex_rows=30)
    annex = [r for r in data["recipients"] if r["listed_in"] == "annex"]
    assert sum(r["kind"] == "provision" for r in annex) == 30
    assert sum(r["kind"] == "transfer" for r in annex) == 15
    refs = [r for r in data["recipients"] if r["listed_in"] == "reference"]
    assert [r["recipient"] for r in refs] == [
        "「5.特定個人情報の提供・移転」における提供先については、別添4を参照",
        "「5.特定個人情報の提供・移転」における移転先については、別添5を参照"]
    first = data["files"][0]
    assert (first["n_provisions"], first["n_transfers"]) == (30, 15)
    no_annex = random_assessment(4, "full", n_annex_rows=0)
    assert not [r for r in no_annex["recipients"] if r["listed_in"] != "body"]


# --- rendering ----------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["full", "focused"])
def test_pdf_opens_with_a4_pages_and_landscape_annex(rendered: dict, form: str) -> None:
    _, path = rendered[form]
    doc = pymupdf.open(path)
    assert doc.page_count > 10
    sizes = {(round(p.rect.width), round(p.rect.height)) for p in doc}
    assert sizes == {(595, 842), (842, 595)}
    landscape = [p for p in doc if p.rect.width > p.rect.height]
    assert all("①法令上の根拠" in p.get_text() for p in landscape)  # header row on every annex page
    assert any(d["fill"] for d in doc[2].get_drawings())  # shaded label / heading cells
    assert sum(d["type"] == "s" for d in doc[2].get_drawings()) > 20  # ruling lines


@pytest.mark.parametrize("form", ["full", "focused"])
def test_text_layer_has_labels_and_values(rendered: dict, form: str) -> None:
    data, path = rendered[form]
    text = compact_text(path)
    kind = "全項目評価書" if form == "full" else "重点項目評価書"
    labels = [f"特定個人情報保護評価書（{kind}）", "評価書番号", "Ⅰ基本情報", "Ⅱ特定個人情報ファイルの概要",
              "＜選択肢＞", "リスクへの対策は十分か", "提供先一覧", "移転先一覧", "再委託の有無",
              "提供を行っている", "リスク１：", "１．特定個人情報ファイルを取り扱う事務"]
    labels.append("Ⅳその他のリスク対策※" if form == "full" else "Ⅲリスク対策※（７．②を除く。）")
    for label in labels:
        assert label in text, label
    folded = nfkc(text)
    missing = []
    for table in ("documents", "systems", "files", "entrustments", "recipients"):
        for row in rows(data, table):
            for column, value in row.items():
                if not isinstance(value, str) or column in NOT_PRINTED:
                    continue
                if re.sub(r"\s+", "", nfkc(value)) not in folded:
                    missing.append((table, column, value))
    assert not missing
    assert wareki(data["documents"]["published_on"]) in text
    for row in data["risk_ratings"]:
        if row["answer"]:
            assert f"[{row['answer']}]" in folded


def test_choice_and_checkbox_rendering(tmp_path: Path) -> None:
    data = random_assessment(2, "full", n_files=1, n_annex_rows=0)
    system = data["systems"][0]
    system.update(dict.fromkeys(CONN_COLUMNS.values(), False), conn_tax=True, conn_other=True,
                  conn_other_text="戸籍システム")
    render_pdf(data, tmp_path / "x.pdf")
    page_text = "".join(p.get_text() for p in pymupdf.open(tmp_path / "x.pdf"))
    assert "[ ○ ] 税務システム" in page_text
    assert "[ 　 ] 宛名システム等" in page_text
    assert "[ ○ ] その他 （ 戸籍システム ）" in page_text
    assert "1） 特に力を入れている" in page_text


STYLES = [
    (RenderStyle(checkbox="☑/☐", legend="below", fullwidth_digits=False, legend_number="1)"),
     ["☑", "☐", "1. 特定個人情報ファイルを取り扱う事務", "リスク1: ", "1) "]),
    (RenderStyle(checkbox="■/□", legend="plain", label_ratio=0.4, font_size=10), ["■", "□", "１．", "1） "]),
    (RenderStyle(checkbox="[○]", choice_brackets="tight", vertical_group_labels=False, annex_no_column=True),
     ["[○]", "No.", "再委託"]),
]


@pytest.mark.parametrize(("style", "expected"), STYLES)
def test_style_variants(tmp_path: Path, style: RenderStyle, expected: list[str]) -> None:
    data = random_assessment(7, "full", n_files=1, n_annex_rows=5)
    render_pdf(data, tmp_path / "s.pdf", style)
    text = "".join(p.get_text() for p in pymupdf.open(tmp_path / "s.pdf"))
    for s in expected:
        assert s in text, s
    assert compact_text(tmp_path / "s.pdf").count("＜選択肢＞") > 30


def test_style_rejects_unknown_values() -> None:
    with pytest.raises(ValueError):
        RenderStyle(checkbox="(x)")
    with pytest.raises(ValueError):
        RenderStyle(legend="left")
    with pytest.raises(ValueError):
        RenderStyle(label_ratio=0.9)


def test_render_is_byte_deterministic(tmp_path: Path) -> None:
    data = random_assessment(21, "focused")
    render_pdf(data, tmp_path / "a.pdf")
    render_pdf(random_assessment(21, "focused"), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_long_cell_continues_on_next_page(tmp_path: Path) -> None:
    data = random_assessment(1, "full", n_files=1, n_annex_rows=0)
    lines = [f"試験行{i:03d}を提供する。" for i in range(150)]
    data["systems"][0]["functions"] = "\n".join(lines)
    render_pdf(data, tmp_path / "long.pdf")
    doc = pymupdf.open(tmp_path / "long.pdf")
    pages = [i for i, p in enumerate(doc) if "試験行" in p.get_text()]
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1))
    text = "".join(doc[i].get_text() for i in pages)
    assert [int(m) for m in re.findall(r"試験行(\d{3})", text)] == list(range(150))
    continued = doc[pages[1]]
    first = min((w for w in continued.get_text("words")), key=lambda w: (round(w[1]), w[0]))
    assert first[4].startswith("試験行") and first[0] > continued.rect.width * 0.25  # label cell left empty


def test_renders_corpus_truth_files(tmp_path: Path) -> None:
    if not TRUTH.exists():
        pytest.skip("shared corpus not available")
    for name in ("fujisawa_juki_full", "hirosaki_juki_focused"):
        data = json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))
        render_pdf(data, tmp_path / f"{name}.pdf")
        assert data["documents"]["organization"] in compact_text(tmp_path / f"{name}.pdf")


def test_big_document_is_fast(tmp_path: Path) -> None:
    data = random_assessment(9, "full", n_files=3, n_annex_rows=1200)
    start = time.perf_counter()
    render_pdf(data, tmp_path / "big.pdf")
    assert pymupdf.open(tmp_path / "big.pdf").page_count > 200
    assert time.perf_counter() - start < 20


# --- committed samples ----------------------------------------------------------------------------

def test_samples_match_their_generator() -> None:
    sys.path.insert(0, str(SAMPLES))
    try:
        from make_samples import SAMPLES as SPECS
    finally:
        sys.path.remove(str(SAMPLES))
    for spec in SPECS:
        pdf, expected = SAMPLES / f"{spec.name}.pdf", SAMPLES / f"{spec.name}.expected.json"
        assert pdf.stat().st_size < 300_000
        data = random_assessment(spec.seed, spec.form_type, spec.n_files, spec.n_annex_rows)
        assert json.loads(expected.read_text(encoding="utf-8")) == data, "run python samples/make_samples.py"
        assert re.sub(r"\s+", "", data["documents"]["title"]) in compact_text(pdf)
