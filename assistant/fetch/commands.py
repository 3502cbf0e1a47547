"""`kim fetch`: bring documents in from a council system (OParl) or from the source list."""

import argparse
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import KimError
from assistant.fetch.http import PoliteClient
from assistant.fetch.oparl import OparlReport, fetch_oparl
from assistant.fetch.scope import DEFAULT_TOPICS, Scope
from assistant.fetch.sources import fetch_sources
from assistant.german.dates import parse_date


def add_fetch_command(sub: Any) -> None:
    p = sub.add_parser("fetch", help="Dokumente abrufen: aus dem Ratsinformationssystem (OParl) "
                       "oder aus der Quellenliste")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--oparl", metavar="URL",
                      help="Adresse der OParl-Schnittstelle (System oder Körperschaft), z. B. "
                      "https://ratsinfo.example.de/oparl/v1/system")
    what.add_argument("--quellen", nargs="?", const="corpus/sources.toml", metavar="DATEI",
                      help="die Adressen einer Quellenliste abrufen (Vorgabe: corpus/sources.toml)")
    p.add_argument("--into", metavar="ORDNER",
                   help="Zielordner (Vorgabe: oparl/ bzw. abgerufen/ im ersten Korpusordner)")
    p.add_argument("--thema", action="append", metavar="WORT",
                   help="nur Drucksachen, deren Name oder Text dieses Wort enthält (mehrfach "
                   f"möglich; Vorgabe: {', '.join(DEFAULT_TOPICS[:4])} …); „alle“: ohne Themenfilter")
    p.add_argument("--von", metavar="DATUM", help="nur Drucksachen ab diesem Datum (TT.MM.JJJJ)")
    p.add_argument("--bis", metavar="DATUM", help="nur Drucksachen bis zu diesem Datum")
    p.add_argument("--art", action="append", metavar="ART",
                   help="nur diese Drucksachenart, z. B. Anfrage, Mitteilungsvorlage (mehrfach)")
    p.add_argument("--pause", type=float, default=1.0, metavar="SEKUNDEN",
                   help="Pause zwischen zwei Abrufen (Vorgabe: 1; den Server nicht belasten)")
    p.add_argument("--max-mb", type=float, metavar="MB",
                   help="größere Dateien werden nicht geladen (Vorgabe: KIM_MAX_FILE_MB)")
    p.set_defaults(handler=cmd_fetch)


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    first = settings.corpus_dirs[0]
    into = first
    limit = int((args.max_mb or settings.max_file_mb) * 1024 * 1024)
    client = PoliteClient(pause_s=max(args.pause, 0.0), max_bytes=limit)
    try:
        if args.quellen:
            into = Path(args.into) if args.into else first / "abgerufen"
            report = fetch_sources(Path(args.quellen), into, client)
            print(f"{_count(report.listed, 'Quelle', 'Quellen')}: {report.files} geladen, "
                  f"{report.not_modified} unverändert (nicht erneut übertragen) → {into}")
            _problems(report.problems)
        else:
            into = Path(args.into) if args.into else first / "oparl"
            _summary(fetch_oparl(args.oparl, into, _scope(args), client), into)
    finally:
        client.close()
    print("Nächster Schritt: `kim ingest` nimmt die neuen und geänderten Dateien in den Index auf "
          "(inkrementell).")
    if not any(_inside(into, folder) for folder in settings.corpus_dirs):
        print(f"Achtung: {into} liegt in keinem Korpusordner – aufnehmen mit "
              f"`kim ingest --corpus {settings.corpus_dirs[0]} --corpus {into}`.")
    return 0


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _scope(args: argparse.Namespace) -> Scope:
    topics = tuple(args.thema) if args.thema else DEFAULT_TOPICS
    if [t.lower() for t in topics] == ["alle"]:
        topics = ()
    return Scope(topics=topics, date_from=_date(args.von, "--von"),
                 date_to=_date(args.bis, "--bis"), paper_types=tuple(args.art or ()))


def _date(value: str | None, option: str) -> str:
    if not value:
        return ""
    parsed = parse_date(value)
    if not parsed:
        raise KimError(f"{option} „{value}“ ist kein Datum – bitte als TT.MM.JJJJ angeben, "
                       "z. B. 01.01.2023.")
    return parsed


def _summary(report: OparlReport, into: Path) -> None:
    print(f"{', '.join(report.bodies) or 'Keine Körperschaft'}: "
          f"{_count(report.listed, 'Drucksache', 'Drucksachen')} abgerufen, "
          f"{report.in_scope} zum Thema, davon {report.fetched} neu oder geändert "
          f"({report.unchanged} unverändert); {_count(report.files, 'Datei', 'Dateien')} "
          f"geladen, {report.not_modified} unverändert → {into}")
    if report.deleted:
        print(f"{_count(report.deleted, 'Drucksache', 'Drucksachen')} im Ratsinformationssystem "
              f"gelöscht; ihre Dateien liegen jetzt in {into / '.entfernt'}.")
    if report.pairs:
        print(f"{_count(len(report.pairs), 'Anfrage–Antwort-Paar', 'Anfrage–Antwort-Paare')}: " +
              "; ".join(f"{asked} → {answer}" for asked, answer in report.pairs))
    _problems(report.problems)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _problems(problems: list[str]) -> None:
    if problems:
        print(f"{_count(len(problems), 'Problem', 'Probleme')} (die übrigen Dateien sind "
              "geladen):")
        for problem in problems:
            print(f"  – {problem}")
