"""Feedback on answers: "hilfreich / nicht hilfreich", with an optional comment, kept locally as
JSON lines for the maintainers (KIM_FEEDBACK_FILE, mode 0600, rotated like the audit log) and
exported with `kim feedback`."""

import argparse
import json
from typing import Any

from assistant.access.audit import AuditLog, audit_line, read_audit
from assistant.answer.models import Answer
from assistant.config import Settings

EVENT = "rueckmeldung"


def record_feedback(log: AuditLog, user: str, role: str, answer: Answer, helpful: bool | None,
                    comment: str = "") -> None:
    """``helpful``: 👍 True, 👎 False, None for a comment without a rating."""
    log.record(EVENT, user, rolle=role, hilfreich=helpful, frage=answer.question,
               antwort=answer.answer, modus=answer.mode,
               quellen=sorted({c.source for c in answer.citations}),
               kommentar=" ".join(comment.split())[:2000])


def add_feedback_command(sub: Any) -> None:
    p = sub.add_parser("feedback", help="Rückmeldungen aus dem Chat zeigen oder exportieren")
    p.add_argument("--json", action="store_true", help="als JSON-Zeilen (zum Weiterverarbeiten)")
    p.set_defaults(handler=cmd_feedback)


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    entries = [e for e in read_audit(settings.feedback_file) if e.get("ereignis") == EVENT]
    if args.json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if not entries:
        print(f"Noch keine Rückmeldungen in „{settings.feedback_file}“.")
        return 0
    helpful = sum(1 for e in entries if e.get("hilfreich") is True)
    print(f"{len(entries)} Rückmeldungen, davon {helpful} „hilfreich“ "
          f"({settings.feedback_file}):")
    for entry in entries:
        print(audit_line(entry))
    return 0
