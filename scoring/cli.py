"""Command line: ``python -m scoring INPUT --output OUTPUT`` (``make score INPUT=... OUTPUT=...``)."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from pathlib import Path

from tqdm.auto import tqdm

from scoring.model_archive import ModelError, extract
from scoring.output_files import OutputError, check_outputs
from scoring.pipeline import StrictStop, Summary, score_records
from scoring.readers import FORMATS, InputError, detect_format, progress_total, read_records
from scoring.writers import ErrorsWriter, JsonLinesWriter, default_errors_path

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "artifacts" / "model.tar.gz"  # what `make train` writes

EXAMPLES = """\
input formats:
  JSON Lines  one object a line: {"id": "r1", "review": "A moving film."}  (id optional: the line number)
  CSV         a header with a "review" column and optionally an "id" column
  folder      every .txt file below it, one review each; its id is the path without .txt

output: JSON Lines in input order, {"id": ..., "label": "positive", "score": 0.97}, score = P(positive).
Records that cannot be scored (invalid JSON, no review, empty review, over the API's length limits, no
word the model knows, ...) go to the errors file with their line (or file) and reason, and the run goes
on; --strict stops at the first.
Both files are written under a temporary name and renamed when the run completes: a failed run leaves
earlier files as they were. An existing file is replaced only with --overwrite, and an input never.

exit status:
  0  every record scored, or the ones that could not be are in the errors file
  1  nothing written (a bad path or option, a model or input that cannot be read, --strict stopped at a
     record), or no record could be scored (the output is empty; the errors file says why)
  2  the command line is not understood

examples:
  make score INPUT=reviews.jsonl OUTPUT=scores.jsonl
  python -m scoring reviews.csv -o scores.jsonl --explain
  python -m scoring .cache/data/aclImdb/test -o test-scores.jsonl --workers 2
  python -m scoring reviews.jsonl -o scores.jsonl --strict --model other/model.tar.gz
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring",
        description="Score many movie reviews on this machine with the model of `make train`: the same "
        "tokeniser and the same inference.py as the endpoint, on every core, streaming (memory stays flat).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, help="a JSON Lines file, a CSV file, or a folder of .txt files")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write the scores (JSON Lines)")
    parser.add_argument(
        "--model", type=Path, default=DEFAULT_MODEL, help="model.tar.gz (or its extracted folder); default: %(default)s"
    )
    parser.add_argument("--format", choices=FORMATS, help="input format; default: from the name (.jsonl, .csv, folder)")
    parser.add_argument("--explain", action="store_true", help="add the terms that pushed each score each way")
    parser.add_argument("--strict", action="store_true", help="stop at the first malformed record (exit status 1)")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace OUTPUT and the errors file if they exist (never an input)"
    )
    parser.add_argument(
        "--errors",
        type=Path,
        help="errors file (JSON Lines); default: OUTPUT with .errors.jsonl, e.g. scores.errors.jsonl",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="worker processes; default: every core (%(default)s)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--remote",
        action="store_true",
        help="run as a SageMaker Batch Transform job instead; see python -m scoring --remote --help",
    )
    return parser


def _check_paths(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """(output, errors file or None with --strict), resolved and checked before anything is opened."""
    if args.workers < 1:
        raise SystemExit(f"error: --workers must be at least 1, got {args.workers}")
    if not args.input.exists():
        raise SystemExit(f"error: input not found: {args.input}")
    outputs = {"--output": args.output}
    if not args.strict:
        outputs["--errors" if args.errors else "the errors file"] = args.errors or default_errors_path(args.output)
    inputs = [args.input, args.model] if args.model.exists() else [args.input]
    try:
        checked = list(check_outputs(inputs, outputs, args.overwrite).values())
    except OutputError as exc:
        raise SystemExit(f"error: {exc}") from None
    return checked[0], checked[1] if len(checked) > 1 else None


def _report(summary: Summary, args: argparse.Namespace, errors_path: Path | None) -> None:
    malformed = f"{summary.malformed:,} malformed record(s)"
    if errors_path is not None:
        malformed += f" in {errors_path}"
    print(
        f"scored {summary.scored:,} reviews in {summary.seconds:.1f} s ({summary.reviews_per_second:,.0f} reviews/s, "
        f"{args.workers} worker(s), model {summary.model_version}); {malformed}; output {args.output}",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--remote" in argv:  # its own options (model name, S3 prefixes, instances): see scoring/remote.py
        from scoring import remote

        return remote.main(argv)
    args = build_parser().parse_args(argv)
    output, errors_path = _check_paths(args)
    with tempfile.TemporaryDirectory(prefix="score-model-") as unpacked:
        try:
            model_dir = extract(args.model, Path(unpacked))
            input_format = args.format or detect_format(args.input)
            records = read_records(args.input, input_format)
            first = next(records, None)  # input-level errors (a CSV without a review column) before any output
            total = progress_total(args.input, input_format)
        except (ModelError, InputError) as exc:
            raise SystemExit(f"error: {exc}") from exc
        unit = ("file", False) if input_format == "txt" else ("B", True)
        bar = tqdm(total=total, unit=unit[0], unit_scale=unit[1], desc="scoring", disable=True if args.quiet else None)
        with (
            JsonLinesWriter(output, args.overwrite) as scores,
            ErrorsWriter(errors_path, args.overwrite) if errors_path else nullcontext() as errors,
            bar,
        ):
            try:
                records = itertools.chain([] if first is None else [first], records)
                summary = score_records(records, model_dir, scores, errors, args.workers, args.explain, bar)
            except StrictStop as stop:
                print(f"error: {stop} (--strict: stopped; no output written)", file=sys.stderr)
                return 1
            except BrokenProcessPool as exc:
                raise SystemExit(f"error: a worker process died ({exc}); was it killed for memory?") from exc
            try:
                if errors is not None:
                    errors.commit()
                scores.commit()
            except OutputError as exc:
                raise SystemExit(f"error: {exc}") from None
    _report(summary, args, errors_path)
    if summary.scored == 0:
        print("error: no record could be scored", file=sys.stderr)
        return 1
    return 0
