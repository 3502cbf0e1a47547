"""What earlier `kim fetch` runs brought in, kept beside the files (``.kim-abruf.json``).

It lets the next run ask only for what changed (OParl ``modified_since``, ETags) and lets an
interrupted run resume: it is saved after every paper, and the point from which to ask for
changes moves forward only when a run completes.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.fetch.http import Validators
from assistant.files import write_whole

STATE_FILE = ".kim-abruf.json"  # hidden: the corpus scan never takes it for a document


@dataclass
class PaperState:
    modified: str  # the paper's "modified" when it was fetched
    files: list[str] = field(default_factory=list)  # written, relative to the target folder
    reference: str = ""
    doc_type: str = ""
    related: list[str] = field(default_factory=list)  # OParl ids of related papers


@dataclass
class FetchState:
    path: Path
    # per paper list URL: the server time from which the next run asks for changes
    since: dict[str, str] = field(default_factory=dict)
    papers: dict[str, PaperState] = field(default_factory=dict)  # by OParl id
    validators: dict[str, Validators] = field(default_factory=dict)  # by file URL
    # Papers with a file that could not be fetched: asked for again by id on the next run,
    # whatever ``since`` says (paper id → its list URL).
    pending: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> "FetchState":
        path = folder / STATE_FILE
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError):
            return cls(path)  # damaged: fetch everything again, overwriting nothing half-done
        return cls(path, dict(data.get("since", {})),
                   {k: PaperState(**v) for k, v in data.get("papers", {}).items()},
                   {k: Validators(**v) for k, v in data.get("validators", {}).items()},
                   dict(data.get("pending", {})))

    def save(self) -> None:
        data = {"since": self.since, "papers": {k: asdict(v) for k, v in self.papers.items()},
                "validators": {k: asdict(v) for k, v in self.validators.items()},
                "pending": self.pending}
        write_whole(self.path, json.dumps(data, ensure_ascii=False, indent=1))
