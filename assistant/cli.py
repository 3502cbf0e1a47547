"""`kim` — the command line. German for people, JSON for machines; exit 0 ok, 1 failure, 2 usage."""

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from assistant import cli_german
from assistant.access.commands import add_access_commands
from assistant.access.roles import ROLES
from assistant.answer.models import ANSWER_MODES
from assistant.config import Settings
from assistant.errors import InvalidFilter, InvalidQuestion, KimError
from assistant.feedback import add_feedback_command
from assistant.fetch.commands import add_fetch_command

log = logging.getLogger("assistant")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
INDEX_HELP = "Indexordner (Vorgabe: index/ bzw. KIM_INDEX_DIR)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure(args.verbose)
    settings = _settings(args)
    try:
        code = int(args.handler(args, settings))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except (InvalidQuestion, InvalidFilter) as err:
        print(f"Fehler: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KimError as err:
        print(f"Fehler: {err}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return EXIT_FAIL
    except BrokenPipeError:
        # The reader stopped reading (`kim ask … | head`): no traceback, and none at exit either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _configure(verbose: bool) -> None:
    # Question time never goes online; only `kim model download` lifts this for itself.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    for name in ("host", "port"):
        if getattr(args, name, None):
            overrides[name] = getattr(args, name)
    if getattr(args, "corpus", None) and args.command != "eval":
        overrides["corpus_dirs"] = [Path(c) for c in args.corpus]
    return Settings(**overrides)


def top_k(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"„{value}“ ist keine ganze Zahl") from None
    if not 1 <= number <= 50:
        raise argparse.ArgumentTypeError(f"{number} liegt nicht zwischen 1 und 50")
    return number


def build_parser() -> argparse.ArgumentParser:
    cli_german.install()
    parser = cli_german.GermanParser(
        prog="kim", description="KIM-Assistent: Fragen zum Kommunalen Integrationsmanagement "
        "beantworten – aus den eigenen Dokumenten, mit Quellen.")
    parser.add_argument("-v", "--verbose", action="store_true", help="mehr Ausgaben (Protokoll)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    p = sub.add_parser("ingest", help="Dokumente einlesen bzw. den Index aktualisieren")
    p.add_argument("--corpus", action="append", metavar="ORDNER",
                   help="Dokumentordner (mehrfach möglich; Vorgabe: corpus/)")
    p.add_argument("--index", metavar="ORDNER", help="Indexordner (Vorgabe: index/)")
    p.add_argument("--json", action="store_true", help="Zusammenfassung als JSON")
    p.add_argument("--replace", action="store_true",
                   help="den Index nur aus den angegebenen --corpus-Ordnern aufbauen; Dokumente "
                   "aus den bisher verzeichneten Ordnern werden entfernt")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("ask", help="eine Frage stellen")
    p.add_argument("question", nargs="?", metavar="FRAGE",
                   help="die Frage in Anführungszeichen, z. B. \"Wer sitzt in der Lenkungsgruppe?\"")
    p.add_argument("--questions", metavar="DATEI.jsonl",
                   help="viele Fragen, eine JSON-Zeile je Frage mit „question“ (und „id“)")
    p.add_argument("--json", action="store_true", help="Antwort als JSON")
    p.add_argument("--top-k", type=top_k, metavar="N",
                   help="Anzahl der Passagen, 1 bis 50 (Vorgabe: 5)")
    p.add_argument("--filter", action="append", default=[], metavar="SCHLÜSSEL=WERT",
                   help="z. B. doc_type=Anfrage, body=Kreis Kleve, year=2023")
    p.add_argument("--index", metavar="ORDNER", help=INDEX_HELP)
    p.add_argument("--role", choices=list(ROLES), metavar="ROLLE",
                   help="antworten, wie es diese Rolle sieht: " + ", ".join(ROLES) +
                   " (Vorgabe: alle Dokumente, wie die lokale Administration)")
    p.add_argument("--mode", choices=ANSWER_MODES, metavar="MODUS",
                   help="extractive (wörtliche Zitate) oder llm (Sprachmodell, jeder Satz geprüft); "
                   "Vorgabe: llm, wenn KIM_LLM_PROVIDER gesetzt ist")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("draft", help="eine Anfrage Frage für Frage beantworten (Entwurf mit Quellen)")
    p.add_argument("inquiry", metavar="ANFRAGE", help="die Anfrage als PDF, DOCX, TXT, MD oder HTML")
    p.add_argument("--json", action="store_true", help="den Entwurf als JSON")
    p.add_argument("--docx", type=Path, metavar="DATEI.docx", help="als Word-Dokument speichern")
    p.add_argument("--md", type=Path, metavar="DATEI.md", help="als Markdown speichern")
    p.add_argument("--index", metavar="ORDNER", help=INDEX_HELP)
    p.add_argument("--kommune", metavar="NAME",
                   help="für welche Kommune geantwortet wird (Vorgabe: KIM_KOMMUNE, sonst die "
                   "Kommune der Anfrage)")
    p.set_defaults(handler=cmd_draft)

    p = sub.add_parser("eval", help="Goldfragen auswerten (Qualitäts-Gate)")
    p.add_argument("--set", action="append", type=Path, metavar="DATEI.jsonl",
                   help="Goldfragen (Vorgabe: alle Sets aus evals/sets.toml)")
    p.add_argument("--corpus", action="append", metavar="ORDNER", help="Dokumente zu --set")
    p.add_argument("--index", metavar="ORDNER", help="Indexordner behalten (Vorgabe: temporär)")
    p.add_argument("--modes", default="lexical,dense,hybrid",
                   help="eigene Suchmodi (Vorgabe: lexical,dense,hybrid)")
    p.add_argument("--baselines", default="bm25,vector",
                   help="LlamaIndex-Vergleiche: bm25, vector oder none")
    p.add_argument("--model", help="Einbettungsmodell für dense/hybrid (Name oder Ordner)")
    p.add_argument("--mode", choices=ANSWER_MODES, default="extractive", metavar="MODUS",
                   help="Antworten: extractive (Vorgabe) oder llm (mit dem eingerichteten "
                   "Sprachmodell; misst zusätzlich behaltene Sätze und Rückfälle)")
    p.add_argument("--thresholds", type=Path, default=Path("evals/thresholds.toml"))
    p.add_argument("--json-out", type=Path, metavar="DATEI", help="alle Ergebnisse als JSON")
    p.add_argument("--report", type=Path, metavar="ORDNER",
                   help="Markdown-Bericht und Diagramm schreiben (z. B. evals/reports)")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser("serve", help="den Chat im Browser starten (wie `python app.py`)")
    p.add_argument("--host", help="Adresse (Vorgabe: 127.0.0.1, nur dieser Rechner)")
    p.add_argument("--port", type=int, help="Port (Vorgabe: 7860)")
    p.add_argument("--corpus", action="append", metavar="ORDNER",
                   help="Dokumentordner (Vorgabe: die im Index verzeichneten, für einen neuen "
                   "Index corpus/); Ordner weglassen, aus denen der Index gebaut ist, geht nur "
                   "mit `kim ingest --replace`")
    p.add_argument("--index", metavar="ORDNER", help="Indexordner (Vorgabe: index/)")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("status", help="Zustand des Index anzeigen")
    p.add_argument("--index", metavar="ORDNER", help=INDEX_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("model", help="Einbettungsmodell prüfen oder herunterladen")
    p.add_argument("action", choices=["status", "download"])
    p.add_argument("name", nargs="?", help="Modellname (Vorgabe: KIM_EMBED_MODEL)")
    p.set_defaults(handler=cmd_model)
    add_access_commands(sub)
    add_feedback_command(sub)
    add_fetch_command(sub)
    return parser


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ingest.pipeline import ingest

    report = ingest(settings, progress=not args.json, replace=args.replace)
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False, indent=1))
    else:
        _print_ingest(report, settings)
    nothing = report.passages == 0 and bool(report.failed or report.quarantined)
    if nothing:
        print("Fehler: Keine einzige Datei konnte indexiert werden – Gründe siehe oben.",
              file=sys.stderr)
    return EXIT_FAIL if nothing else EXIT_OK


def _print_ingest(report: Any, settings: Settings) -> None:
    mode = "Stichwörter + Bedeutung" if report.retrieval == "hybrid" else "nur Stichwörter"
    print(f"Index „{settings.index_dir}“ – Suche: {mode}")
    print(f"  neu: {len(report.added)}, aktualisiert: {len(report.updated)}, "
          f"entfernt: {len(report.removed)}, unverändert: {len(report.unchanged)}, "
          f"fehlgeschlagen: {len(report.failed) + len(report.quarantined)}, "
          f"übersprungen: {len(report.skipped)}")
    for source, reason in sorted(report.failed.items()):
        print(f"  ✗ {source}: {reason}")
    for source, reason in sorted(report.quarantined.items()):
        print(f"  ✗ {source}: {reason} → verschoben nach {settings.quarantine_dir}")
    for source, reason in sorted(report.skipped.items()):
        print(f"  – {source}: {reason}")
    print(f"  {report.documents} Dokumente, {report.passages} Passagen ({report.seconds:.1f} s)")
    if report.rebuilt:
        print(f"Hinweis: {report.rebuilt}")
    if report.model_note:
        print(f"Hinweis: {report.model_note}")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.ui.server import serve

    serve(settings)
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engine import Assistant, parse_filters

    if bool(args.question) == bool(args.questions):
        print("Fehler: Bitte entweder eine FRAGE oder --questions DATEI angeben.", file=sys.stderr)
        return EXIT_USAGE
    filters = parse_filters(args.filter)
    ask = _answering(Assistant.open(settings), settings, args.mode)
    if args.questions:
        return _ask_batch(ask, Path(args.questions), args, filters)
    answer = ask(args.question, top_k=args.top_k, filters=filters, role=args.role)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print_answer(answer, sys.stdout)
    return EXIT_OK


def _answering(assistant: Any, settings: Settings, mode: str | None) -> Any:
    """``assistant.ask``, or the LLM's answer when the mode is llm."""
    from assistant.llm.answer import answer_mode, open_answerer

    if answer_mode(settings, mode) == "extractive":
        return assistant.ask
    answerer = open_answerer(settings)
    return lambda question, **options: answerer.ask(assistant, question, **options)


def _ask_batch(ask: Any, path: Path, args: argparse.Namespace,
               filters: dict[str, Any]) -> int:
    failures = 0
    for line_no, item in _read_jsonl(path):
        qid = item.get("id") if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise InvalidQuestion(f"Zeile {line_no}: kein Objekt mit „question“.")
            answer = ask(item["question"], top_k=args.top_k, filters=filters,
                         qid=None if qid is None else str(qid), role=args.role)
        except (InvalidQuestion, InvalidFilter) as err:
            failures += 1
            error = {"id": qid, "question": item.get("question") if isinstance(item, dict) else None,
                     "error": str(err)}
            print(json.dumps(error, ensure_ascii=False) if args.json else f"Fehler: {err}")
            continue
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print_answer(answer, sys.stdout)
            print()
    return EXIT_FAIL if failures else EXIT_OK


def _read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    if not path.is_file():
        raise KimError(f"Die Fragendatei „{path}“ existiert nicht – Pfad prüfen.")
    with open(path, encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line)
            except json.JSONDecodeError:
                yield line_no, None


def print_answer(answer: Any, out: TextIO) -> None:
    print(answer.answer, file=out)
    shown = answer.passages if answer.abstained else answer.citations
    if shown:
        print("\nNächstliegende Passagen:" if answer.abstained else "\nQuellen:", file=out)
    for p in shown:
        facts = ", ".join(x for x in (p.body, p.date, p.doc_type) if x)
        print(f"[{p.n}] {p.title} – {facts} ({p.source}, S. {p.page})", file=out)
        excerpt = " ".join((p.quotes[0] if p.quotes else p.text).split())
        print(f"    „{excerpt[:300]}{'…' if len(excerpt) > 300 else ''}“", file=out)
    for removed in answer.unsupported:
        print(f"\nEntfernt (nicht belegt: {removed['reason']}): „{removed['sentence']}“", file=out)
    if answer.fallback:
        print(f"\nHinweis: {answer.fallback}", file=out)
    if answer.notice:
        print(f"\nHinweis: {answer.notice}", file=out)


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.drafting.draft import STATUS_LABELS, draft_answer
    from assistant.drafting.export import source_line, write_exports
    from assistant.drafting.inquiry import read_inquiry
    from assistant.engine import Assistant

    inquiry = read_inquiry(Path(args.inquiry))
    if not inquiry.questions:
        print(f"Fehler: In „{args.inquiry}“ habe ich keine Fragen gefunden – ist es eine Anfrage?",
              file=sys.stderr)
        return EXIT_FAIL
    assistant = Assistant.open(settings)

    def progress(done: int, total: int, _question: str) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\rFrage {done + 1} von {total} …", end="", file=sys.stderr, flush=True)

    draft = draft_answer(assistant, inquiry, args.kommune or "", progress)
    write_exports(draft, args.docx, args.md)
    if args.json:
        print(json.dumps(draft.to_json(), ensure_ascii=False))
        return EXIT_OK
    print(f"\r{draft.inquiry.reference_line}\n")
    for item in draft.items:
        print(f"Zu Frage {item.n} ({STATUS_LABELS[item.status]}): {item.text}")
        print(f"  {item.answer}\n")
    for source in draft.sources:
        print(f"[{source.n}] {source_line(source)}")
    for path in filter(None, (args.docx, args.md)):
        print(f"Gespeichert: {path}")
    return EXIT_OK


def _names(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip() and n.strip() != "none"]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise InvalidFilter(f"{option}: unbekannt {', '.join(unknown)} – möglich: {', '.join(allowed)}.")
    return names


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.evaluation import report, runner

    # The baselines' readers warn about optional packages a newcomer would not install either.
    logging.getLogger("llama_index").setLevel(logging.ERROR)
    modes = _names(args.modes, runner.KIM_MODES, "--modes")
    baselines = _names(args.baselines, runner.BASELINES, "--baselines")
    if args.model:
        settings = settings.model_copy(update={"embed_model": args.model})
    corpus = [Path(c) for c in args.corpus] if args.corpus else None
    specs = runner.load_sets(Path("evals/sets.toml"), args.set, corpus)
    answerer = None
    if args.mode == "llm":
        from assistant.llm.answer import open_answerer

        answerer = open_answerer(settings)
    results = runner.evaluate(specs, settings, modes, baselines,
                              Path(args.index) if args.index else None, answerer=answerer)
    print(report.markdown_tables(results))
    # The lines and the report's per-question parts show what a user gets: the default mode.
    measured = results[0].summary if results else {}
    suffix = "-llm" if answerer else ""
    primary = next((f"kim-{m}{suffix}" for m in (settings.retrieval_mode, "hybrid", "lexical")
                    if f"kim-{m}{suffix}" in measured), next(iter(measured), ""))
    print("\n".join(report.set_lines(results, primary)))
    if args.json_out:
        report.write_json(results, args.json_out)
    if args.report:
        print(f"Bericht: {report.write_report(results, args.report, primary)}")
    violations = runner.check_gate(results, args.thresholds)
    if not args.set:  # the drafting set goes with the sets of evals/sets.toml
        violations += _eval_drafting(settings, args, modes)
    for line in violations:
        print(f"Gate verfehlt: {line}", file=sys.stderr)
    if not violations:
        print(f"Gate bestanden ({args.thresholds}).")
    return EXIT_FAIL if violations else EXIT_OK


def _eval_drafting(settings: Settings, args: argparse.Namespace, modes: list[str]) -> list[str]:
    """`kim draft` on the drafting gold set: hybrid (the default) when measured, else lexical."""
    from assistant.evaluation import drafting

    if "hybrid" not in modes:  # no vectors needed: the ingest skips the model
        settings = settings.model_copy(update={"retrieval_mode": "lexical", "embed_model": "none"})

    index = Path(args.index) / "drafting" if args.index else None
    result = drafting.evaluate_drafting(Path("evals/sets.toml"), settings, index)
    if result is None:
        return []
    print("\nAnfragen beantworten (kim draft):\n" + drafting.markdown_table(result))
    if args.json_out:  # beside the other results: latest.json → latest-drafting.json
        out = args.json_out.with_name(f"{args.json_out.stem}-drafting.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"summary": result.summary, "details": result.details},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
    return drafting.check_drafting_gate(result, args.thresholds)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engine import Assistant

    status = Assistant.open(settings).status()
    if args.json:
        print(json.dumps({**status.__dict__, "search": status.search}, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(f"Index: {settings.index_dir} (Stand {status.built_at})")
    print(f"Suche: {status.search}" + (f" – {status.reason}" if status.reason else ""))
    print(f"Dokumente: {status.documents}, Passagen: {status.passages}, "
          f"nicht lesbar: {len(status.failed)}")
    for source, reason in sorted(status.failed.items()):
        print(f"  ✗ {source}: {reason}")
    if status.skipped:
        print(f"Übersprungen (keine Dokumente): {len(status.skipped)}")
    for source, reason in sorted(status.skipped.items()):
        print(f"  – {source}: {reason}")
    return EXIT_OK


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.retrieval.dense import download_model
    from assistant.retrieval.embedders import ModelUnavailable, check_model, is_bundled, model_label

    name = args.name or settings.embed_model
    if args.action == "status" or is_bundled(name):
        try:
            version = check_model(name)
        except ModelUnavailable as err:
            print(str(err))
            return EXIT_FAIL
        print(f"Modell „{model_label(name)}“ ist einsatzbereit ({version})"
              + (" – nichts herunterzuladen." if is_bundled(name) else "."))
        return EXIT_OK
    os.environ["HF_HUB_OFFLINE"] = "0"
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "10")
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", "30")
    try:
        path = download_model(name)
    except Exception as err:  # network and hub errors of every kind
        print(f"Fehler: Das Modell „{name}“ konnte nicht heruntergeladen werden ({type(err).__name__})"
              " – Netzverbindung prüfen oder den Modellordner von Hand kopieren und "
              "KIM_EMBED_MODEL darauf setzen.", file=sys.stderr)
        return EXIT_FAIL
    print(f"Modell gespeichert: {path}. Jetzt `kim ingest` ausführen, um Vektoren zu berechnen.")
    return EXIT_OK
