"""Copy the tables of evals/reports/latest.md into the README, between the eval markers."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- eval:start -->", "<!-- eval:end -->"


def report_tables(report: str) -> str:
    """The per-set tables: from the first "### " heading up to the per-kind tables."""
    body = report.split("### ", 1)[1]
    body = "### " + body.split("\n| Art (", 1)[0]
    return body.strip()


def main() -> int:
    report = (ROOT / "evals" / "reports" / "latest.md").read_text(encoding="utf-8")
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        print("README.md hat keine Eval-Markierungen", file=sys.stderr)
        return 1
    block = f"{START}\n{report_tables(report)}\n{END}"
    readme = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)
    readme_path.write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
