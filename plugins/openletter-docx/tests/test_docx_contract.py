"""openletter's contract for every exporter, applied to the docx format."""

from __future__ import annotations

import io

import docx

from openletter.testing import ExporterContract


class TestDocxContract(ExporterContract):
    format = "docx"

    def extract_text(self, output: bytes) -> str:
        """All paragraph texts of the document (and its table cells), one per line."""
        document = docx.Document(io.BytesIO(output))
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.extend(cell.text for cell in row.cells)
        return "\n".join(lines)
