"""Render the realistic evaluation corpus as users get it: `python evals/realistic/build.py`.

Reads ``src/NNN_slug.txt`` with its ``.toml`` and writes ``docs/NNN_slug.<format>``:
- pdf: A4 pages as Word exports them, with a running header (the issuing body), a footer
  "Seite n von N", hard line breaks inside sentences and hyphenation at line ends;
- docx: one paragraph per paragraph, the first line as a heading, the header block as a table;
- html: a council-information-system page (SessionNet-like) with navigation, breadcrumb, cookie
  notice and footer around the content;
- txt: as written (the OCR damage is part of the source text).
The output is committed; run this again only when a source changes (needs the dev extra: fpdf2).
"""

import html
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC, DOCS = HERE / "src", HERE / "docs"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_FIELD = re.compile(r"^(Betreff|Vorlage(?:-Nr\.)?|Drucksache|Aktenzeichen|Art|Datum|Federführung|"
                    r"Status|Beratungsfolge|Produkt|Verfasser|Dezernat)\s*:", re.IGNORECASE)


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for meta_path in sorted(SRC.glob("*.toml")):
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        text = meta_path.with_suffix(".txt").read_text(encoding="utf-8")
        target = DOCS / f"{meta_path.stem}.{meta['format']}"
        RENDERERS[meta["format"]](text, meta, target)
        print(f"{target.name}: {meta['genre']}, {meta['municipality']}")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def render_pdf(text: str, meta: dict, target: Path) -> None:
    from fpdf import FPDF

    class Page(FPDF):
        def header(self) -> None:
            self.set_font("doc", size=8)
            self.cell(0, 5, f"{meta['municipality']} – {meta['genre']}", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("doc", size=8)
            self.cell(0, 5, f"Seite {self.page_no()} von {{nb}}", align="C")

    pdf = Page(format="A4")
    pdf.add_font("doc", fname=str(FONT))
    pdf.set_title(meta["title"])
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_page()
    pdf.set_font("doc", size=10.5)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for paragraph in paragraphs(text):
        for source_line in paragraph.splitlines():
            for line in wrap(source_line.strip(), width, pdf.get_string_width):
                pdf.cell(0, 5.2, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.6)
    pdf.output(str(target))


def wrap(line: str, width: float, size: Callable[[str], float]) -> list[str]:
    """Greedy line filling as a word processor does, hyphenating long words at the line end."""
    lines: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}".strip()
        if size(candidate) <= width:
            current = candidate
            continue
        head, tail = hyphenate(word, width - size(current + " "), size)
        if head:
            lines.append(f"{current} {head}-".strip())
            current = tail
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def hyphenate(word: str, room: float, size: Callable[[str], float]) -> tuple[str, str]:
    """Split a long word at a syllable-like cut (see ``syllable_cuts``) so the head fits."""
    if len(word) < 8 or not word.isalpha():
        return "", word
    fitting = [c for c in syllable_cuts(word) if size(word[:c] + "-") <= room]
    return (word[:fitting[-1]], word[fitting[-1]:]) if fitting else ("", word)


def syllable_cuts(word: str) -> list[int]:
    """German's rough rule: cut before the last consonant of a run between two vowels
    ("zusam-men", "Ver-wal-tung", "Stel-len"); never within the first or last two letters."""
    vowels = set("aeiouäöüy")
    cuts = []
    for i in range(2, len(word) - 2):
        before, here, after = word[i - 1].lower(), word[i].lower(), word[i + 1].lower()
        digraph = (before == "c" and here in "hk") or (before == "s" and here == "c")
        if (here not in vowels and after in vowels and not digraph
                and any(c in vowels for c in word[:i].lower())):
            cuts.append(i)
    return cuts


def render_docx(text: str, meta: dict, target: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = meta["title"]
    first, _, rest = text.strip().partition("\n")
    document.add_heading(first.strip(), level=1)
    fields: list[tuple[str, str]] = []
    for part in paragraphs(rest):
        lines = part.splitlines()
        if all(_FIELD.match(line) for line in lines):
            for line in lines:
                key, _, value = line.partition(":")
                fields.append((key.strip(), value.strip()))
            continue
        _flush_fields(document, fields)
        document.add_paragraph(" ".join(line.strip() for line in lines))
    _flush_fields(document, fields)
    document.save(str(target))


def _flush_fields(document: Any, fields: list[tuple[str, str]]) -> None:
    """Vorlagen carry their header block as a table."""
    if not fields:
        return
    table = document.add_table(rows=len(fields), cols=2)
    for row, (key, value) in zip(table.rows, fields, strict=True):
        row.cells[0].text, row.cells[1].text = key, value
    fields.clear()


PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{title} - Bürgerinfo {town}</title>
<script src="/js/jquery.min.js"></script><link rel="stylesheet" href="/css/sessionnet.css"></head>
<body><div id="cookie-hinweis" class="cookie-banner">Diese Website verwendet Cookies. Mit der Nutzung
stimmen Sie der Verwendung zu. <a href="/datenschutz">Datenschutz</a> <button>Verstanden</button></div>
<div class="site-header"><a href="/">{town} – Ratsinformationssystem</a></div>
<ul id="navigation" class="nav"><li><a href="si0040.asp">Sitzungskalender</a></li><li><a href="gr0040.asp">
Gremien</a></li><li><a href="vo0040.asp">Vorlagen</a></li><li><a href="recherche.asp">Recherche</a></li></ul>
<div class="breadcrumb">Sie sind hier: Startseite &gt; Vorlagen &gt; {genre}</div>
<div id="smccontent"><h1>{genre}: {title}</h1>
<table class="smctablevorgang"><tr><th>Datum:</th><td>{date}</td></tr>
<tr><th>Art:</th><td>{genre}</td></tr></table>
<div class="smc-text">
{body}
</div></div>
<div class="sidebar"><h2>Weitere Informationen</h2><p>Sitzungen des Integrationsrates</p></div>
<div class="footer">Impressum · Datenschutz · Barrierefreiheit · Kontakt</div></body></html>
"""


def render_html(text: str, meta: dict, target: Path) -> None:
    body = "\n".join(f"<p>{'<br>'.join(html.escape(line) for line in part.splitlines())}</p>"
                     for part in paragraphs(text))
    target.write_text(PAGE.format(title=html.escape(meta["title"]), town=html.escape(meta["municipality"]),
                                  genre=meta["genre"], date=meta["date"], body=body), encoding="utf-8")


def render_txt(text: str, meta: dict, target: Path) -> None:
    target.write_text(text, encoding="utf-8")


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "html": render_html, "txt": render_txt}

if __name__ == "__main__":
    main()
