"""Round trip: render random known data as a form PDF -> extract -> every cell equal."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract_document
from pia_fixtures.synth import RenderStyle, random_assessment, render_pdf
from tests.roundtrip import differences

STYLES = {
    "default": RenderStyle(),
    "tight_glyph_boxes": RenderStyle(checkbox="☑/☐", choice_brackets="tight", legend="below"),
    "squares_plain_legend": RenderStyle(checkbox="■/□", legend="plain", fullwidth_digits=False, label_ratio=0.4),
    "halfwidth_small": RenderStyle(checkbox="[○]", legend_number="1)", font_size=8, vertical_group_labels=False,
                                   annex_no_column=True, label_ratio=0.22),
}


@pytest.mark.parametrize("form_type", ["full", "focused"])
@pytest.mark.parametrize("style_name", sorted(STYLES))
@pytest.mark.parametrize("seed", [3, 11])
def test_render_extract_equal(tmp_path: Path, form_type: str, style_name: str, seed: int) -> None:
    data = random_assessment(seed, form_type)
    path = tmp_path / f"{form_type}-{seed}.pdf"
    render_pdf(data, path, STYLES[style_name])
    result = extract_document(path)
    assert result.document.status in ("ok", "partial"), result.document.warnings
    diffs = differences(data, result)
    assert not diffs, "\n".join(diffs[:30])
