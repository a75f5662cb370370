"""The derived, query-ready columns of a document result (the last step of the pipeline).

documents: organization_body, organization_kind, assessment_key; entrustments:
contractor_normalized, contractor_branch.  The rules live in `extractor.normalise.names`.
"""

from __future__ import annotations

import dataclasses

from extractor.model import DocumentResult, DocumentRow, EntrustmentRow
from extractor.normalise.names import assessment_key, organization_body, organization_kind, split_contractor


def enrich_document(doc: DocumentRow) -> DocumentRow:
    body = organization_body(doc.organization)
    key = assessment_key(doc.form_type, doc.organization, doc.assessment_no, doc.title, doc.affair_name,
                         doc.published_on)
    return dataclasses.replace(doc, organization_body=body, organization_kind=organization_kind(body),
                               assessment_key=key)


def enrich_entrustment(row: EntrustmentRow) -> EntrustmentRow:
    name, branch = split_contractor(row.contractor)
    return dataclasses.replace(row, contractor_normalized=name, contractor_branch=branch)


def enrich(result: DocumentResult) -> DocumentResult:
    """A copy of `result` with the derived columns filled; the extracted values are untouched."""
    return dataclasses.replace(
        result,
        document=enrich_document(result.document),
        entrustments=[enrich_entrustment(e) for e in result.entrustments],
    )
