"""Stage 2 — layout: a page's words and ruling segments become cells and rows in reading order.

- `cells`: Line, Cell, Row (what the later stages see) and the word -> line grouping;
- `grid`: the cell grid from the ruling segments (union-find over grid squares);
- `rows`: words placed in cells, cells grouped into rows;
- `stream`: a document's rows page by page: page breaks joined, running lines dropped;
- `aligned`: pages without rules split into label and value columns by alignment;
- `debug`: a PNG of what the layout saw on a page.
"""

from __future__ import annotations

from extractor.layout.cells import Cell, Line, Row, words_to_lines
from extractor.layout.rows import page_to_rows
from extractor.layout.stream import RowStream, document_rows

__all__ = ["Cell", "Line", "Row", "RowStream", "document_rows", "page_to_rows", "words_to_lines"]
