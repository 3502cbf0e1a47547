"""Run gold sets through our modes and the baselines in one process, and check the gate."""

import logging
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import KimError
from assistant.evaluation import systems
from assistant.evaluation.gold import GoldQuestion, load_gold
from assistant.evaluation.metrics import CEILINGS, Outcome, summarize
from assistant.ingest.pipeline import ingest
from assistant.llm.answer import LlmAnswerer

log = logging.getLogger(__name__)
KIM_MODES = ("lexical", "dense", "hybrid")
BASELINES = ("bm25", "vector")


@dataclass
class SetSpec:
    name: str
    gold: Path
    corpus_dirs: list[Path]
    role: str = "dev"  # "tuned", "dev" or "test" (see evals/sets.toml)


@dataclass
class SetResult:
    name: str
    summary: dict[str, dict[str, float | None]] = field(default_factory=dict)  # system → metrics
    by_kind: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    questions: list[GoldQuestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    role: str = "dev"


def load_sets(sets_file: Path, gold_files: list[Path] | None = None,
              corpus_dirs: list[Path] | None = None) -> list[SetSpec]:
    """Sets from evals/sets.toml (paths relative to the repository), or as given on the command line."""
    if gold_files:
        if not corpus_dirs:
            raise KimError("Zu --set bitte auch --corpus angeben (die Dokumente der Fragen).")
        return [SetSpec(g.stem, g, corpus_dirs) for g in gold_files]
    if not sets_file.is_file():
        raise KimError(f"„{sets_file}“ fehlt – --set und --corpus angeben.")
    root = sets_file.parent.parent
    table = tomllib.loads(sets_file.read_text(encoding="utf-8"))
    return [SetSpec(name, root / spec["gold"], [root / c for c in spec["corpus"]],
                    spec.get("role", "dev")) for name, spec in table.items()
            if name != "drafting"]  # its own format (evaluation/drafting.py)


def evaluate(specs: list[SetSpec], settings: Settings, modes: list[str], baselines: list[str],
             index_root: Path | None = None, progress: bool = True,
             answerer: LlmAnswerer | None = None) -> list[SetResult]:
    """``answerer``: our systems answer with the LLM (`kim eval --mode llm`)."""
    results = []
    for spec in specs:
        with tempfile.TemporaryDirectory(prefix="kim-eval-") as tmp:
            index_dir = (index_root / spec.name) if index_root else Path(tmp) / "index"
            results.append(_evaluate_set(spec, settings.model_copy(update={
                "index_dir": index_dir, "corpus_dirs": spec.corpus_dirs}), modes, baselines,
                progress, answerer))
    return results


def _evaluate_set(spec: SetSpec, settings: Settings, modes: list[str], baselines: list[str],
                  progress: bool, answerer: LlmAnswerer | None = None) -> SetResult:
    result = SetResult(spec.name, questions=load_gold(spec.gold), role=spec.role)
    report = ingest(settings, progress=False)
    if report.failed:
        result.notes.append(f"nicht lesbar: {', '.join(sorted(report.failed))}")
    for system in _systems(settings, report.retrieval, modes, baselines, result.notes, answerer):
        outcomes = [system.run(q) for q in tqdm(result.questions, desc=f"{spec.name}/{system.name}",
                                                 unit="Frage", disable=not progress)]
        result.outcomes[system.name] = outcomes
        result.summary[system.name] = summarize(outcomes)
        kinds = sorted({o.kind for o in outcomes})
        result.by_kind[system.name] = {k: summarize([o for o in outcomes if o.kind == k])
                                       for k in kinds}
    return result


def _systems(settings: Settings, built: str, modes: list[str], baselines: list[str],
             notes: list[str], answerer: LlmAnswerer | None = None) -> list[Any]:
    chosen: list[Any] = []
    for mode in modes:
        if mode != "lexical" and built != "hybrid":
            notes.append(f"kim-{mode} nicht gemessen: kein Einbettungsmodell ({settings.embed_model})")
            continue
        chosen.append(systems.KimSystem(Assistant.open(settings.model_copy(
            update={"retrieval_mode": mode})), answerer))
    if baselines:
        nodes = systems.llamaindex_nodes(settings.corpus_dirs)
        if "bm25" in baselines:
            chosen.append(systems.llamaindex_bm25(nodes))
        if "vector" in baselines:
            if built == "hybrid":
                chosen.append(systems.llamaindex_vector(nodes, settings.embed_model))
            else:
                notes.append("llamaindex-vector nicht gemessen: kein Einbettungsmodell")
    return chosen


def check_gate(results: list[SetResult], thresholds_file: Path) -> list[str]:
    """Every metric below its floor (or above its ceiling), named; systems not run are skipped."""
    if not thresholds_file.is_file():
        return []
    floors = tomllib.loads(thresholds_file.read_text(encoding="utf-8"))
    failures = []
    for result in results:
        for system, limits in floors.get(result.name, {}).items():
            if system == "ratios":
                failures.extend(_ratio_violations(result, limits))
                continue
            measured = result.summary.get(system)
            if measured is None:
                continue
            for metric, limit in limits.items():
                failures.extend(_violations(result.name, system, metric, measured.get(metric),
                                            float(limit)))
    return failures


def _ratio_violations(result: SetResult, ratios: list[dict[str, Any]]) -> list[str]:
    """Ours against a baseline from the same run: ``{system, baseline, metric, min}``."""
    found = []
    for rule in ratios:
        ours = result.summary.get(rule["system"], {}).get(rule["metric"])
        base = result.summary.get(rule["baseline"], {}).get(rule["metric"])
        if ours is None or not base:
            continue  # one side was not run
        ratio = ours / base
        if ratio < float(rule["min"]):
            found.append(f"{result.name}/{rule['system']}÷{rule['baseline']}/{rule['metric']} = "
                         f"{ratio:.3f} unter dem Mindestverhältnis {rule['min']}")
    return found


def _violations(set_name: str, system: str, metric: str, value: float | None,
                limit: float) -> list[str]:
    where = f"{set_name}/{system}/{metric}"
    if value is None:
        return [f"{where}: nicht messbar (Grenze {limit:g})"]
    if metric in CEILINGS:
        return [f"{where} = {value:.3f} über der Obergrenze {limit:g}"] if value > limit else []
    return [f"{where} = {value:.3f} unter der Untergrenze {limit:g}"] if value < limit else []
