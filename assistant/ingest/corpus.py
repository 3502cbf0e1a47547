"""Which folders an ingest reads: the index remembers its corpus, so nothing is dropped by accident.

A chat started from another working folder, or a `kim ingest` without `--corpus`, re-indexes the
folders recorded in the manifest (plus the upload folder). Asking for other folders that would
leave a recorded one out is refused with both lists and the fix, unless ``replace`` says so.
"""

from pathlib import Path

from assistant.config import Settings
from assistant.errors import CorpusMismatch


def corpus_folders(settings: Settings, recorded: list[str], replace: bool = False) -> list[Path]:
    uploads = [settings.upload_dir.resolve()] if settings.upload_dir.is_dir() else []
    asked = "corpus_dirs" in settings.model_fields_set  # given by --corpus or KIM_CORPUS_DIRS
    if not recorded or replace:
        return _unique([*settings.corpus_dirs, *uploads])
    folders = _unique([Path(p) for p in recorded])
    if not asked:
        _check_present(folders, settings)
        return _unique([*folders, *uploads])
    wanted = _unique([*settings.corpus_dirs, *uploads])
    dropped = [f for f in folders if f not in wanted]
    if dropped:
        raise CorpusMismatch(
            f"Der Index „{settings.index_dir}“ wurde aus {_names(folders)} aufgebaut, angegeben "
            f"ist jetzt {_names(settings.corpus_dirs)}. Damit fielen die Dokumente aus "
            f"{_names(dropped)} weg – es wurde nichts geändert. Entweder ohne --corpus aufrufen "
            "(dann gelten die verzeichneten Ordner), alle Ordner angeben (--corpus mehrfach), "
            "oder den Index bewusst nur aus den neuen Ordnern aufbauen: "
            f"`kim ingest {_options(settings.corpus_dirs)} --replace`.")
    return wanted


def _check_present(folders: list[Path], settings: Settings) -> None:
    missing = [f for f in folders if not f.is_dir()]
    if missing:
        raise CorpusMismatch(
            f"Der Korpusordner {_names(missing)}, aus dem der Index „{settings.index_dir}“ gebaut "
            "wurde, fehlt – es wurde nichts entfernt. Den Ordner wiederherstellen, oder den Index "
            "ohne ihn neu aufbauen: `kim ingest --corpus ORDNER --replace`.")


def _unique(folders: list[Path]) -> list[Path]:
    return list(dict.fromkeys(f.resolve() for f in folders))


def _names(folders: list[Path]) -> str:
    return ", ".join(f"„{f}“" for f in folders)


def _options(folders: list[Path]) -> str:
    return " ".join(f"--corpus {f}" for f in folders)
