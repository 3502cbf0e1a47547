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


def write_raw_pdf(path: Path, pages: list[str], space_maps_to: str = "0020") -> Path:
    """A hand-made PDF (Helvetica, one text line per page) whose ToUnicode map sends the space
    glyph to ``space_maps_to``: "DC20", a lone surrogate, is what broken PDFs in the wild do."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    font, cmap = 3 + 2 * len(pages), 4 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for i, text in enumerate(pages):
        literal = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = b"BT /F1 12 Tf 72 770 Td (" + literal.encode("cp1252") + b") Tj ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding "
                   f"/WinAnsiEncoding /ToUnicode {cmap} 0 R >>".encode())
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry "
        "(Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def "
        "/CMapType 2 def 1 begincodespacerange <00> <FF> endcodespacerange "
        f"1 beginbfchar <20> <{space_maps_to}> endbfchar "
        "2 beginbfrange <21> <7E> <0021> <A0> <FF> <00A0> endbfrange "
        "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(to_unicode) + to_unicode + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
