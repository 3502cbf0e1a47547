"""Malformed files as an office file share delivers them, made from valid files the tests write.

``generate(folder, count, seed)`` writes ``count`` hostile files (mutated, truncated and spliced
PDF, DOCX, HTML and text; zip bombs; long words; lone surrogates; wrong encodings; odd names;
links out of the folder; pipes) plus good "canary" documents, each naming its own marker word,
which an ingest must index whatever happens around them. Deterministic for a given seed.
"""

import io
import json
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.files import write_council_html, write_docx, write_pdf, write_raw_pdf

TEXT = ("Anfrage der Fraktion im Integrationsrat zum Kommunalen Integrationsmanagement (KIM). "
        "1. Wie viele Stellen im Case-Management sind besetzt? 2. Welche Fördermittel des "
        "Landes wurden 2023 abgerufen? Die Verwaltung antwortet: Es sind 4,5 Stellen besetzt; "
        "für KIM standen 1,2 Mio. Euro bereit. Auslanderbehorde und Jobcenter arbeiten mit. ")


@dataclass
class FuzzSet:
    hostile: list[Path] = field(default_factory=list)
    canaries: dict[str, Path] = field(default_factory=dict)  # marker word → its good document


def generate(folder: Path, count: int, seed: int = 11, canary_every: int = 25) -> FuzzSet:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    bases = _bases(folder / "_vorlagen")
    makers = _makers(bases)
    result = FuzzSet()
    for n in range(count):
        if n % canary_every == 0:
            marker = f"Kanarienvogel{n:05d}"
            result.canaries[marker] = _canary(folder, marker, n)
        maker = makers[n % len(makers)]
        made = maker(folder, f"f{n:05d}", rng)
        if made is not None:
            result.hostile.append(made)
    return result


def indexed_text(index: Path) -> str:
    """All passage text of an index's current generation, read straight from disk (so that a
    checkout of another version can be checked the same way); "" when there is none."""
    try:
        manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
        return (index / "generations" / manifest["generation"] / "chunks.jsonl").read_text(
            encoding="utf-8")
    except (OSError, ValueError, KeyError):
        return ""


def _canary(folder: Path, marker: str, n: int) -> Path:
    text = f"Bericht der Verwaltung. Das Stichwort lautet {marker}. {TEXT}"
    kind = n // 25 % 4
    if kind == 0:
        return write_pdf(folder / f"canary{n:05d}.pdf", [text, TEXT])
    if kind == 1:
        return write_docx(folder / f"canary{n:05d}.docx", "Bericht", [text])
    if kind == 2:
        return write_council_html(folder / f"canary{n:05d}.html", "Bericht", text)
    path = folder / f"canary{n:05d}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _bases(folder: Path) -> dict[str, bytes]:
    """Valid files to mutate (made once; the folder is one the scan ignores)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "pdf": write_pdf(folder / "b.pdf", [TEXT * 3, TEXT * 2, TEXT], header="Stadt Musterstadt",
                         footer=True, title="Vorlage"),
        "docx": write_docx(folder / "b.docx", "Vorlage", [TEXT, TEXT], table=[["A", "B"], ["1", "2"]]),
        "html": write_council_html(folder / "b.html", "Vorlage", TEXT),
    }
    data = {kind: path.read_bytes() for kind, path in files.items()}
    data["txt"] = (TEXT * 5).encode("cp1252")
    return data


Maker = Callable[[Path, str, random.Random], Path | None]


def _makers(bases: dict[str, bytes]) -> list[Maker]:
    mutations: list[Maker] = []
    for kind, suffix in (("pdf", ".pdf"), ("docx", ".docx"), ("html", ".html"), ("txt", ".txt")):
        for mutate in (_flip_bytes, _truncate, _splice, _zero_run, _duplicate_run):
            mutations.append(_mutated(bases[kind], suffix, mutate))
    specials: list[Maker] = [
        _docx_with_member("word/document.xml", b"<w:document><w:body><w:p>kaputt"),
        _docx_with_member("word/document.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "
                          b"'aaaa'>]><x>&a;&a;&a;</x>"),
        _docx_with_member("[Content_Types].xml", b"\x00\x01 keine xml"),
        _docx_deep_nesting, _docx_without_document, _html_cdata, _html_deep, _html_nul,
        _html_utf16, _html_scripts_only, _pdf_surrogate_space, _pdf_page_loop, _pdf_huge_count,
        _text_long_word, _text_utf16, _text_cp500, _text_surrogates, _text_controls, _random_bytes,
        _empty_file, _whitespace_only, _wrong_suffix, _no_suffix, _odd_name, _undecodable_name,
        _long_name, _link_outside, _link_dangling, _link_loop, _link_inside, _fifo,
    ]
    makers = mutations * 3 + specials
    # A few expensive ones, each about 1 % of the set.
    return [*makers, _docx_zip_bomb]


def _mutated(base: bytes, suffix: str, mutate: Callable[[bytes, random.Random], bytes]) -> Maker:
    def make(folder: Path, stem: str, rng: random.Random) -> Path:
        path = folder / f"{stem}{suffix}"
        path.write_bytes(mutate(base, rng))
        return path
    return make


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 16, 64, 256])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _splice(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.choice([1, 10, 1000])) + data[at:]


def _zero_run(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    length = rng.choice([8, 64, 512])
    return data[:at] + b"\x00" * length + data[at + length:]


def _duplicate_run(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    piece = data[at: at + rng.choice([16, 256, 4096])]
    return data[:at] + piece * rng.choice([2, 50]) + data[at:]


def _docx_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


_DOCX_FRAME = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
}


def _docx_with_member(name: str, content: bytes) -> Maker:
    def make(folder: Path, stem: str, rng: random.Random) -> Path:
        path = folder / f"{stem}.docx"
        path.write_bytes(_docx_bytes({**_DOCX_FRAME, "word/document.xml": b"<x/>", name: content}))
        return path
    return make


def _docx_deep_nesting(folder: Path, stem: str, rng: random.Random) -> Path:
    body = b"<w:p>" * 200_000 + b"</w:p>" * 200_000
    path = folder / f"{stem}.docx"
    path.write_bytes(_docx_bytes({**_DOCX_FRAME, "word/document.xml": body}))
    return path


def _docx_without_document(folder: Path, stem: str, rng: random.Random) -> Path:
    path = folder / f"{stem}.docx"
    path.write_bytes(_docx_bytes({**_DOCX_FRAME, "word/styles.xml": b"<x/>"}))
    return path


def _docx_zip_bomb(folder: Path, stem: str, rng: random.Random) -> Path:
    """About 300 MB of XML packed into well under 1 MB, like the probe's bomb."""
    path = folder / f"{stem}.docx"
    block = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_FRAME["[Content_Types].xml"])
        with archive.open("word/document.xml", "w") as member:
            for _ in range(300 * 1024 * 1024 // len(block)):
                member.write(block)
    return path


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _html_cdata(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.html", b"<html><body><p>x</p><![foo bar")


def _html_deep(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.html", b"<html><body>" + b"<div>" * 100_000 + b"tief")


def _html_nul(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.html", b"<html><body><p>Null\x00Byte " + TEXT.encode() + b"</p>")


def _html_utf16(folder: Path, stem: str, rng: random.Random) -> Path:
    page = f"<html><head><meta charset='utf-8'></head><body><p>{TEXT}</p></body></html>"
    return _write(folder, f"{stem}.html", page.encode("utf-16"))


def _html_scripts_only(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.html", b"<html><script>" + b"var a=1;" * 10_000 + b"</script>")


def _pdf_surrogate_space(folder: Path, stem: str, rng: random.Random) -> Path:
    return write_raw_pdf(folder / f"{stem}.pdf", ["Die Stadt plant vier Stellen.", TEXT[:80]],
                         space_maps_to="DC20")


def _pdf_page_loop(folder: Path, stem: str, rng: random.Random) -> Path:
    path = write_raw_pdf(folder / f"{stem}.pdf", ["Schleife"])
    data = path.read_bytes().replace(b"/Parent 2 0 R", b"/Parent 3 0 R /Kids [3 0 R]", 1)
    path.write_bytes(data)
    return path


def _pdf_huge_count(folder: Path, stem: str, rng: random.Random) -> Path:
    path = write_raw_pdf(folder / f"{stem}.pdf", ["Viele Seiten"])
    path.write_bytes(path.read_bytes().replace(b"/Count 1", b"/Count 999999999", 1))
    return path


def _text_long_word(folder: Path, stem: str, rng: random.Random) -> Path:
    word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöü") for _ in range(100_000))
    return _write(folder, f"{stem}.txt", f"Anfrage {word} Ende".encode())


def _text_utf16(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.txt", TEXT.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"])))


def _text_cp500(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.txt", TEXT.encode("cp500"))


def _text_surrogates(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.txt", TEXT.encode() + b"\xed\xb0\xa0 \xed\xa0\x80 Ende")


def _text_controls(folder: Path, stem: str, rng: random.Random) -> Path:
    noise = bytes(rng.choice([0x1B, 0x07, 0x0B, 0x7F, 0x0C]) for _ in range(40))
    return _write(folder, f"{stem}.txt", noise + TEXT.encode())


def _random_bytes(folder: Path, stem: str, rng: random.Random) -> Path:
    suffix = rng.choice([".pdf", ".docx", ".html", ".txt", ".md"])
    return _write(folder, f"{stem}{suffix}", rng.randbytes(rng.choice([1, 100, 100_000])))


def _empty_file(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}{rng.choice(['.pdf', '.docx', '.html', '.txt'])}", b"")


def _whitespace_only(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.txt", b" \n\t\r\n" * 1000)


def _wrong_suffix(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}.pdf", _docx_bytes({**_DOCX_FRAME, "word/document.xml": b"<x/>"}))


def _no_suffix(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, stem, TEXT.encode())


def _odd_name(folder: Path, stem: str, rng: random.Random) -> Path:
    name = rng.choice([f"-{stem} .txt", f"{stem}\nzeile.txt", f"{stem} ǘ NFD.txt", f"{stem}$(x).txt"])
    return _write(folder, name, TEXT.encode())


def _undecodable_name(folder: Path, stem: str, rng: random.Random) -> Path:
    name = os.fsdecode(f"Anfrage_M{stem}".encode() + b"\xfcller.txt")  # Latin-1 bytes
    return _write(folder, name, TEXT.encode("cp1252"))


def _long_name(folder: Path, stem: str, rng: random.Random) -> Path:
    return _write(folder, f"{stem}{'ä' * 120}.txt", TEXT.encode())  # 245 bytes, near the limit


def _link_outside(folder: Path, stem: str, rng: random.Random) -> Path:
    path = folder / f"{stem}.txt"
    path.symlink_to(rng.choice(["/etc/passwd", "/etc/hostname", "/proc/self/environ"]))
    return path


def _link_dangling(folder: Path, stem: str, rng: random.Random) -> Path:
    path = folder / f"{stem}.pdf"
    path.symlink_to(folder / "gibt-es-nicht.pdf")
    return path


def _link_loop(folder: Path, stem: str, rng: random.Random) -> Path:
    path = folder / f"{stem}.txt"
    path.symlink_to(path)
    return path


def _link_inside(folder: Path, stem: str, rng: random.Random) -> Path | None:
    targets = sorted(folder.glob("canary*"))
    if not targets:
        return None
    path = folder / f"{stem}-verweis{targets[-1].suffix}"
    path.symlink_to(targets[-1].name)
    return path


def _fifo(folder: Path, stem: str, rng: random.Random) -> Path:
    path = folder / f"{stem}.txt"
    os.mkfifo(path)  # opening it for reading would wait forever
    return path
