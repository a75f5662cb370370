"""The question views and the named example queries, one SQL text for DuckDB and for SQLite.

Each view counts an assessment once however many inputs it was read from (a PDF, a dump,
a re-crawled copy: `coalesce(assessment_key, doc_id)`) and a document once however many
`documents` rows it has.  List columns differ between the engines (DuckDB lists, SQLite
JSON arrays), so the one fragment that unnests `recipients.methods` is filled per engine.
Pointer rows (「…別添4を参照」: `is_reference`, or `listed_in = 'reference'` where
`is_reference` is not filled) are not recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Engine = Literal["duckdb", "sqlite"]

# One row per document (the batch runner may list one document under several paths).
_DOCS = """docs AS (
    SELECT doc_id, min(organization_body) AS body, min(organization) AS organization, min(title) AS title,
           min(form_type) AS form_type, min(coalesce(assessment_key, doc_id)) AS assessment
    FROM documents GROUP BY doc_id)"""

_METHODS = {
    "duckdb": "(SELECT r.*, unnest(r.methods) AS method FROM recipients r)",
    "sqlite": "(SELECT r.*, m.value AS method FROM recipients r, json_each(r.methods) m)",
}


@dataclass(frozen=True)
class View:
    name: str
    title: str  # Japanese, for the explorer and --help
    description: str
    labels: dict[str, str]  # column -> Japanese label
    sql: str  # the SELECT; `{methods}` is the per-engine unnest of recipients.methods

    def create(self, engine: Engine) -> str:
        return f"CREATE VIEW {self.name} AS {self.sql.format(methods=_METHODS[engine])}"


def _joined(column: str, source: str, key: str) -> str:
    """A sorted, `、`-joined list of the distinct `column` values of `source` rows sharing `key` (both engines)."""
    return (f"(SELECT group_concat({column}, '、') FROM (SELECT DISTINCT s.{column} FROM {source} s "
            f"WHERE s.{key} = p.{key} AND s.{column} IS NOT NULL ORDER BY s.{column}))")


CONTRACTOR_BODIES = View(
    name="contractor_bodies",
    title="委託先と団体",
    description="委託先(正規化した名称)ごとに、委託している団体・評価書の数と団体名。",
    labels={"contractor": "委託先名(正規化)", "n_bodies": "団体数", "n_assessments": "評価書数",
            "bodies": "団体"},
    sql=f"""WITH {_DOCS},
pairs AS (SELECT DISTINCT e.contractor_normalized AS contractor, d.body, d.assessment
          FROM entrustments e JOIN docs d ON d.doc_id = e.doc_id WHERE e.contractor_normalized IS NOT NULL)
SELECT p.contractor, count(DISTINCT p.body) AS n_bodies, count(DISTINCT p.assessment) AS n_assessments,
       {_joined("body", "pairs", "contractor")} AS bodies
FROM pairs p GROUP BY p.contractor""",
)

RECIPIENTS_BY_METHOD = View(
    name="recipients_by_method",
    title="提供・移転の方法ごとの提供先・移転先",
    description="提供・移転の方法ごとに、提供先・移転先と、そこへ提供・移転する団体・評価書の数(別添への参照行は除く)。",
    labels={"method": "提供/移転方法", "recipient": "提供先/移転先", "n_bodies": "団体数",
            "n_assessments": "評価書数", "bodies": "団体"},
    sql=f"""WITH {_DOCS},
pairs AS (SELECT DISTINCT r.method, r.recipient, d.body, d.assessment, r.method || '\t' || r.recipient AS pair
          FROM {{methods}} r JOIN docs d ON d.doc_id = r.doc_id
          WHERE r.recipient IS NOT NULL AND NOT coalesce(r.is_reference, r.listed_in = 'reference'))
SELECT min(p.method) AS method, min(p.recipient) AS recipient, count(DISTINCT p.body) AS n_bodies,
       count(DISTINCT p.assessment) AS n_assessments, {_joined("body", "pairs", "pair")} AS bodies
FROM pairs p GROUP BY p.pair""",
)

RISK_ANSWERS = View(
    name="risk_answers",
    title="評価書ごとのリスク対策の回答",
    description="評価書ごと・回答ごとに、その回答を選んだ設問の数と設問。",
    labels={"assessment": "評価書キー", "organization": "評価実施機関名", "body": "評価実施機関(団体)",
            "title": "評価書名", "form_type": "評価書の種類", "answer": "回答", "n_questions": "設問数",
            "questions": "設問"},
    sql=f"""WITH {_DOCS},
rows AS (SELECT DISTINCT d.assessment, d.organization, d.body, d.title, d.form_type, r.answer,
                coalesce(r.section, '') || ' / ' || coalesce(r.risk || ' / ', '') || r.question AS question,
                d.assessment || '\t' || r.answer AS pair
         FROM risk_ratings r JOIN docs d ON d.doc_id = r.doc_id WHERE r.answer IS NOT NULL)
SELECT min(p.assessment) AS assessment, min(p.organization) AS organization, min(p.body) AS body,
       min(p.title) AS title, min(p.form_type) AS form_type, min(p.answer) AS answer,
       count(DISTINCT p.question) AS n_questions, {_joined("question", "rows", "pair")} AS questions
FROM rows p GROUP BY p.pair""",
)

VIEWS: tuple[View, ...] = (CONTRACTOR_BODIES, RECIPIENTS_BY_METHOD, RISK_ANSWERS)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    question: str
    sql: str


NAMED_QUERIES: dict[str, NamedQuery] = {q.name: q for q in (
    NamedQuery("contractors", "Which contractors hold resident data, in how many bodies (cities, towns …)?",
               "SELECT contractor, n_bodies, n_assessments, bodies FROM contractor_bodies "
               "ORDER BY n_bodies DESC, n_assessments DESC, contractor"),
    NamedQuery("network-recipients", "Who receives data by 情報提供ネットワークシステム?",
               "SELECT recipient, n_bodies, n_assessments, bodies FROM recipients_by_method "
               "WHERE method = '情報提供ネットワークシステム' ORDER BY n_bodies DESC, n_assessments DESC, recipient"),
    NamedQuery("risks-remaining", "Which assessments rate a risk 課題が残されている?",
               "SELECT assessment, body, title, n_questions, questions FROM risk_answers "
               "WHERE answer = '課題が残されている' ORDER BY n_questions DESC, assessment"),
)}
