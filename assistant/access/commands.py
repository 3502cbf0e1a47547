"""`kim user …` and `kim audit`: managing who may sign in, and reading what they did."""

import argparse
import getpass
import json
import os
import sys
from typing import Any

from assistant.access.audit import AuditLog, audit_line, read_audit
from assistant.access.roles import ROLE_NAMES, ROLES
from assistant.access.users import MIN_PASSWORD, UserError, UserStore
from assistant.config import Settings

_ROLE_HELP = ", ".join(f"{r} ({ROLE_NAMES[r]})" for r in ROLES)


def add_access_commands(sub: Any) -> None:
    p = sub.add_parser("user", help="Benutzer für die Anmeldung verwalten")
    actions = p.add_subparsers(dest="action", required=True, metavar="AKTION")
    a = actions.add_parser("add", help="Benutzer anlegen oder Passwort neu setzen")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=list(ROLES), help=f"Rolle: {_ROLE_HELP}")
    a.add_argument("--password-stdin", action="store_true",
                   help="Passwort aus der Standardeingabe lesen (für Skripte)")
    a = actions.add_parser("role", help="die Rolle eines Benutzers ändern")
    a.add_argument("name", metavar="NAME")
    a.add_argument("role", choices=list(ROLES), metavar="ROLLE", help=_ROLE_HELP)
    a = actions.add_parser("remove", help="Benutzer entfernen (seine Sitzungen enden sofort)")
    a.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="alle Benutzer mit Rolle")
    p.set_defaults(handler=cmd_user)

    p = sub.add_parser("audit", help="das Protokoll: Fragen, Uploads, Anmeldungen")
    p.add_argument("--letzte", type=int, default=50, metavar="N", help="die letzten N Einträge")
    p.add_argument("--benutzer", metavar="NAME", help="nur dieser Benutzer")
    p.add_argument("--ereignis", metavar="ART",
                   help="nur diese Art, z. B. frage, hochladen, anmeldung_fehlgeschlagen")
    p.add_argument("--json", action="store_true", help="als JSON-Zeilen")
    p.set_defaults(handler=cmd_audit)


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    store = UserStore(settings.users_file)
    audit = AuditLog(settings.audit_file)
    actor = f"kommandozeile:{getpass.getuser()}"
    if args.action == "list":
        users = store.users()
        if not users:
            print(f"Keine Benutzer in „{settings.users_file}“ – anlegen mit "
                  "`kim user add NAME --role rat`.")
        for user in users.values():
            print(f"{user.name:<24} {user.role:<12} {ROLE_NAMES[user.role]}")
        return 0
    if args.action == "add":
        user = store.add(args.name, args.role, _password(args.password_stdin))
        audit.record("benutzer", actor, aktion="angelegt", name=user.name, neue_rolle=user.role)
        print(f"Benutzer „{user.name}“ mit Rolle {user.role} gespeichert in „{settings.users_file}“.")
    elif args.action == "role":
        user = store.set_role(args.name, args.role)
        audit.record("benutzer", actor, aktion="rolle", name=user.name, neue_rolle=user.role)
        print(f"„{user.name}“ hat jetzt die Rolle {user.role}.")
    else:
        store.remove(args.name)
        audit.record("benutzer", actor, aktion="entfernt", name=args.name.strip().lower())
        print(f"Benutzer „{args.name}“ entfernt.")
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Passwort (mindestens {MIN_PASSWORD} Zeichen): ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise UserError("Die Passwörter stimmen nicht überein – bitte noch einmal.")
    return first


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    entries = [e for e in read_audit(settings.audit_file)
               if (not args.benutzer or e.get("benutzer") == args.benutzer)
               and (not args.ereignis or e.get("ereignis") == args.ereignis)]
    if not entries and not os.path.exists(settings.audit_file):
        print(f"Noch kein Protokoll in „{settings.audit_file}“ – es entsteht, sobald der Chat "
              "benutzt wird.")
        return 0
    for entry in entries[-args.letzte:] if args.letzte > 0 else entries:
        print(json.dumps(entry, ensure_ascii=False) if args.json else audit_line(entry))
    return 0
