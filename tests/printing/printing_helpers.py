"""Shared by the printing tests: the two days that pick the form sets, and PDF text."""

import io

from pypdf import PdfReader

TT03_DAY = "2026-03-02"  # Monday; TT 03/2025 forms
TT01_DAY = "2025-08-04"  # Monday, before 15/09/2025; TT 01/2018 forms


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (PDF text has no paragraphs)."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
