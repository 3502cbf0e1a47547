"""Real document files made by the tests: PDFs by fpdf2, DOCX by python-docx, HTML by hand."""

from pathlib import Path


def write_pdf(path: Path, pages: list[str], header: str = "", footer: bool = False,
              title: str = "") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.set_font("Helvetica", size=11)
    for number, text in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, text)
        if footer:
            pdf.set_auto_page_break(False)
            pdf.set_y(-20)
            pdf.cell(0, 8, f"Seite {number} von {len(pages)}")
            pdf.set_auto_page_break(True, margin=25)
    pdf.output(str(path))
    return path


def write_encrypted_pdf(path: Path, text: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(path.with_suffix(".plain.pdf"), [text])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="geheim", owner_password="geheimer", algorithm="RC4-128")
    writer.write(path)
    plain.unlink()
    return path


def write_docx(path: Path, heading: str, paragraphs: list[str],
               table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def write_council_html(path: Path, title: str, body: str, encoding: str = "utf-8") -> Path:
    """A page shaped like a council information system: navigation around the real text."""
    html = f"""<!DOCTYPE html><html lang="de"><head><meta charset="{encoding}">
<title>{title} - Ratsinformationssystem</title><script>var tracking = 1;</script></head>
<body><header class="site-header">Stadt Musterstadt - Bürgerinfo</header>
<nav id="navigation"><ul><li>Startseite</li><li>Sitzungskalender</li><li>Gremien</li></ul></nav>
<div class="breadcrumb">Sie sind hier: Vorlagen</div>
<main><h1>{title}</h1><p>{body}</p></main>
<footer>Impressum · Datenschutz · Barrierefreiheit</footer></body></html>"""
    path.write_bytes(html.encode(encoding))
    return path
