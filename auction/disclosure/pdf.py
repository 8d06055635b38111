"""Printable documents as one-page PDFs: a centred heading and lines of text. Chinese is set in
reportlab's built-in CID font, so no font ships. Slow enough to run in a thread (the routes do)."""

from __future__ import annotations

import io
from collections.abc import Sequence

LINE_CHARS = 42  # a line of 11-point CJK text across A4 between the margins


def _wrapped(line: str) -> list[str]:
    return [line[i : i + LINE_CHARS] for i in range(0, max(len(line), 1), LINE_CHARS)]


def text_pdf(title: str, heading: str, lines: Sequence[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont("STSong-Light", 20)
    pdf.drawCentredString(width / 2, height - 80, heading)
    pdf.setFont("STSong-Light", 11)
    y = height - 130
    for line in lines:
        for part in _wrapped(line):
            if y < 60:  # a long document goes on to a new page
                pdf.showPage()
                pdf.setFont("STSong-Light", 11)
                y = height - 60
            pdf.drawString(60, y, part)
            y -= 20
        y -= 4
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
