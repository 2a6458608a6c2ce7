"""Command line: ``python -m training`` (``make train``), also the entry point of a SageMaker training job.

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
from training.model import TrainingConfig

DEFAULT_OUTPUT = data.PROJECT_ROOT / "artifacts"
QUICK_LIMIT = 1000
# Flags a SageMaker job may set as hyperparameters (SM_HPS); the paths come from its channels instead.
HYPERPARAMETERS = ("max_terms", "min_df", "ngram_max", "seed", "quick", "verbose")


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
        description="Train the IMDB sentiment model and write model.tar.gz (SageMaker scikit-learn layout), "
        "vocabulary.json, metrics.json, report.md and plots. Accuracy is reported on the official test split only.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        "--train",
        dest="data",
        type=Path,
        default=_env_path("SM_CHANNEL_TRAIN"),
        help="IMDB archive (.tar.gz), a folder holding one, or the extracted folder; "
        f"default $SM_CHANNEL_TRAIN, else $IMDB_DATA or {data.DEFAULT_ARCHIVE}",
    )
    source.add_argument("--download", action="store_true", help="fetch the original archive from Stanford (84 MB)")
    parser.add_argument(
        "--test",
        type=Path,
        default=_env_path("SM_CHANNEL_TEST"),
        help="read the test split from this archive or folder instead of the training data; default $SM_CHANNEL_TEST",
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
        raise SystemExit(f"error: SM_HPS is not JSON: {exc}") from exc
    if not isinstance(hps, dict):
        raise SystemExit("error: SM_HPS must be a JSON object of hyperparameters")
    args = []
    for name, value in hps.items():
        dest = name.replace("-", "_")
        if dest.startswith("sagemaker_"):  # set by SageMaker's own tooling, not ours
            continue
        if dest not in HYPERPARAMETERS:
            raise SystemExit(f"error: unknown hyperparameter {name!r} in SM_HPS; known: {', '.join(HYPERPARAMETERS)}")
        args += ["--" + dest.replace("_", "-"), json.dumps(value) if isinstance(value, bool) else str(value)]
    return args


def _channel(path: Path | None) -> Path | None:
    """A SageMaker channel folder holding just the IMDB archive stands for that archive."""
    if path is None or not path.is_dir() or (path / "train").is_dir() or (path / "aclImdb").is_dir():
        return path
    archives = sorted(path.glob("*.tar.gz"))
    return archives[0] if len(archives) == 1 else path


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_hyperparameter_args() + (sys.argv[1:] if argv is None else argv))
    args.data, args.test = _channel(args.data), _channel(args.test)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    for name, value in (("--max-terms", args.max_terms), ("--min-df", args.min_df), ("--ngram-max", args.ngram_max)):
        if value < 1:
            raise SystemExit(f"error: {name} must be at least 1, got {value}")
    limit = QUICK_LIMIT if args.quick else None
    config = TrainingConfig(
        settings=TokenizerSettings(ngram_max=args.ngram_max),
        max_terms=20_000 if args.quick else args.max_terms,
        min_df=2 if args.quick else args.min_df,
        seed=args.seed,
    )
    try:
        folder = data.resolve(args.data, args.cache_dir, fetch=args.download)
        test_folder = data.resolve(args.test, args.cache_dir) if args.test else None
    except data.DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    archive = _archive_of(args)

    from training.pipeline import run  # heavy imports only once the arguments are valid

    metrics = run(
        folder, args.output, config, limit=limit, archive=archive, test_folder=test_folder, model_dir=args.model_dir
    )
    model_note = f"; model files in {args.model_dir}" if args.model_dir else ""
    print(
        f"test accuracy {metrics['accuracy']:.4f} (ROC AUC {metrics['roc_auc']:.4f}) on {metrics['test_reviews']:,} "
        f"reviews; {metrics['vocabulary_size']:,} terms; model {metrics['model_version']}; "
        f"artifacts in {args.output}{model_note} ({metrics['total_seconds']:.0f} s)"
    )
    return 0


def _archive_of(args: argparse.Namespace) -> Path | None:
    if args.download:
        return args.cache_dir / "aclImdb_v1.tar.gz"
    path = args.data or Path(os.environ.get("IMDB_DATA", data.DEFAULT_ARCHIVE))
    return path if path.is_file() else None
