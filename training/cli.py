"""Command line: ``python -m training`` (``make train``), also the entry point of a SageMaker training job.

``--data`` takes CSV, JSON Lines, Parquet, a folder of ``.txt`` files per label or the IMDB archive layout (the
default); the data is read and checked before any training, and bad data exits with status 2 and a message
(see training/datasets/).

Inside a SageMaker training container the defaults come from its environment: ``SM_CHANNEL_TRAIN`` and
``SM_CHANNEL_TEST`` (the data), ``SM_MODEL_DIR`` (model files, unpacked: SageMaker tars them into
model.tar.gz), ``SM_OUTPUT_DATA_DIR`` (metrics, report, plots) and ``SM_HPS`` (hyperparameters as JSON,
e.g. ``{"quick": true, "max-terms": 50000}``). Flags given on the command line still win.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from lambda_src.tokenizer import TokenizerSettings
from training import data
from training.datasets.options import DataOptions
from training.model import TrainingConfig

DEFAULT_OUTPUT = data.PROJECT_ROOT / "artifacts"
QUICK_LIMIT = 1000
# Flags a SageMaker job may set as hyperparameters (SM_HPS); the paths come from its channels instead.
HYPERPARAMETERS = (
    "max_terms",
    "min_df",
    "ngram_max",
    "seed",
    "quick",
    "verbose",
    "text_column",
    "label_column",
    "positive_label",
    "test_fraction",
    "min_rows_per_class",
)
DATA_FILES = (".csv", ".jsonl", ".ndjson", ".parquet", ".pq")


class Refused(SystemExit):
    """Bad options or data: exit status 2 (as argparse's own usage errors) after printing ``error: <message>``.

    ``str()`` is the message, so callers in the same process (tests, the SageMaker entry) can read it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message
        print(f"error: {message}", file=sys.stderr)

    def __str__(self) -> str:
        return self.message


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown, and the examples kept one per line."""


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _boolean(value: str | bool) -> bool:
    """``--quick`` alone, or ``--quick true`` as SageMaker's script drivers pass hyperparameters."""
    if isinstance(value, bool):
        return value
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description="Train the sentiment model and write model.tar.gz (SageMaker scikit-learn layout), "
        "vocabulary.json, metrics.json, report.md and plots. Trains on IMDB by default, or on your own labelled "
        "texts: CSV (header row), JSON Lines, Parquet, or a folder of .txt files per label (folder name = label). "
        "Metrics are computed once, on the test set only: IMDB's official test split, --test, or else a seeded "
        "stratified split. The data is checked before training; bad data exits with status 2 and says why.",
        epilog="examples:\n"
        "  python -m training --quick\n"
        "  python -m training --data reviews.csv --text-column review --label-column sentiment --positive-label good\n"
        "  python -m training --data tickets.parquet --test holdout.parquet --label-column is_urgent\n"
        "  python -m training --data reviews/   # reviews/pos/*.txt, reviews/neg/*.txt",
        formatter_class=_HelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        "--train",
        dest="data",
        type=Path,
        default=_env_path("SM_CHANNEL_TRAIN"),
        help="training data: a .csv, .jsonl or .parquet file, a folder of .txt files per label, the IMDB archive "
        f"(.tar.gz) or its extracted folder; default $SM_CHANNEL_TRAIN, else $IMDB_DATA or {data.DEFAULT_ARCHIVE}",
    )
    source.add_argument("--download", action="store_true", help="fetch the original archive from Stanford (84 MB)")
    parser.add_argument(
        "--test",
        type=Path,
        default=_env_path("SM_CHANNEL_TEST"),
        help="test data in a format --data takes (IMDB: an archive or folder holding the test split); without it, "
        "a stratified --test-fraction of your data is held out (IMDB keeps its official test split); "
        "default $SM_CHANNEL_TEST",
    )
    parser.add_argument("--text-column", default="text", help="column (CSV, Parquet) or key (JSON Lines) of the text")
    parser.add_argument("--label-column", default="label", help="column or key of the label: exactly two values")
    parser.add_argument(
        "--positive-label",
        help="the label value of the positive class; default: the one of 1, true, yes, pos, positive found "
        "(case-insensitive)",
    )
    parser.add_argument(
        "--test-fraction", type=float, default=0.2, help="share of each class held out as the test set without --test"
    )
    parser.add_argument(
        "--min-rows-per-class",
        type=int,
        default=10,
        help="refuse data with fewer usable rows of a class (in the data, and in the training set after the split)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=_env_path("SM_OUTPUT_DATA_DIR") or DEFAULT_OUTPUT,
        help="folder for the artifacts; default $SM_OUTPUT_DATA_DIR, else artifacts/",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=_env_path("SM_MODEL_DIR"),
        help="write the model files unpacked here instead of model.tar.gz in --output; default $SM_MODEL_DIR",
    )
    parser.add_argument("--cache-dir", type=Path, default=data.DEFAULT_CACHE, help="where archives are extracted")
    parser.add_argument("--max-terms", type=int, default=100_000, help="vocabulary size limit")
    parser.add_argument("--min-df", type=int, default=3, help="a candidate n-gram must occur in this many reviews")
    parser.add_argument("--ngram-max", type=int, default=3, help="longest word n-gram")
    parser.add_argument("--seed", type=int, default=0, help="seed of the validation split and the solver")
    parser.add_argument(
        "--quick",
        nargs="?",
        const=True,
        default=False,
        type=_boolean,
        metavar="BOOL",
        help=f"small smoke run: {QUICK_LIMIT} reviews per class and split, 20,000 terms (not for deployment)",
    )
    parser.add_argument(
        "-v", "--verbose", nargs="?", const=True, default=False, type=_boolean, metavar="BOOL", help="log each step"
    )
    return parser


def _hyperparameter_args() -> list[str]:
    """SM_HPS as flags placed before the command line's own, so those win; unknown names are an error."""
    raw = os.environ.get("SM_HPS")
    if not raw:
        return []
    try:
        hps = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Refused(f"SM_HPS is not JSON: {exc}") from exc
    if not isinstance(hps, dict):
        raise Refused("SM_HPS must be a JSON object of hyperparameters")
    args = []
    for name, value in hps.items():
        dest = name.replace("-", "_")
        if dest.startswith("sagemaker_"):  # set by SageMaker's own tooling, not ours
            continue
        if dest not in HYPERPARAMETERS:
            raise Refused(f"unknown hyperparameter {name!r} in SM_HPS; known: {', '.join(HYPERPARAMETERS)}")
        args += ["--" + dest.replace("_", "-"), json.dumps(value) if isinstance(value, bool) else str(value)]
    return args


def _channel(path: Path | None) -> Path | None:
    """A SageMaker channel folder holding just the IMDB archive or one data file stands for that file."""
    if path is None or not path.is_dir() or (path / "train").is_dir() or (path / "aclImdb").is_dir():
        return path
    files = [p for p in sorted(path.iterdir()) if p.is_file() and p.name.endswith((".tar.gz", *DATA_FILES))]
    return files[0] if len(files) == 1 and not any(p.is_dir() for p in path.iterdir()) else path


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_hyperparameter_args() + (sys.argv[1:] if argv is None else argv))
    args.data, args.test = _channel(args.data), _channel(args.test)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    checks = (
        ("--max-terms", args.max_terms),
        ("--min-df", args.min_df),
        ("--ngram-max", args.ngram_max),
        ("--min-rows-per-class", args.min_rows_per_class),
    )
    for name, value in checks:
        if value < 1:
            raise Refused(f"{name} must be at least 1, got {value}")
    if not 0 < args.test_fraction < 1:
        raise Refused(f"--test-fraction must be between 0 and 1, got {args.test_fraction}")
    limit = QUICK_LIMIT if args.quick else None
    config = TrainingConfig(
        settings=TokenizerSettings(ngram_max=args.ngram_max),
        max_terms=20_000 if args.quick else args.max_terms,
        min_df=2 if args.quick else args.min_df,
        seed=args.seed,
    )
    options = DataOptions(
        data=args.data,
        test=args.test,
        text_column=args.text_column,
        label_column=args.label_column,
        positive_label=args.positive_label,
        test_fraction=args.test_fraction,
        seed=args.seed,
        min_rows_per_class=args.min_rows_per_class,
        limit=limit,
        cache_dir=args.cache_dir,
        download=args.download,
    )
    from training.datasets.prepare import prepare  # reads with sklearn's split: imported once the options are valid

    try:
        prepared = prepare(options)
    except data.DataError as exc:
        raise Refused(str(exc)) from exc
    archive = _archive_of(args) if prepared.summary["format"] == "imdb" else prepared.data_file

    from training.pipeline import run  # heavy imports only once the data is checked

    metrics = run(prepared, args.output, config, data_file=archive, model_dir=args.model_dir)
    model_note = f"; model files in {args.model_dir}" if args.model_dir else ""
    print(
        f"test accuracy {metrics['accuracy']:.4f} (ROC AUC {metrics['roc_auc']:.4f}) on {metrics['test_reviews']:,} "
        f"texts; {metrics['vocabulary_size']:,} terms; model {metrics['model_version']}; "
        f"artifacts in {args.output}{model_note} ({metrics['total_seconds']:.0f} s)"
    )
    return 0


def _archive_of(args: argparse.Namespace) -> Path | None:
    if args.download:
        return args.cache_dir / "aclImdb_v1.tar.gz"
    path = args.data or data.configured_archive()
    return path if path.is_file() else None
