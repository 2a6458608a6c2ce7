"""Command line: ``python -m training`` (``make train``)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from lambda_src.tokenizer import TokenizerSettings
from training import data
from training.model import TrainingConfig

DEFAULT_OUTPUT = data.PROJECT_ROOT / "artifacts"
QUICK_LIMIT = 1000


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
        type=Path,
        default=None,
        help=f"IMDB archive (.tar.gz) or extracted folder; default $IMDB_DATA or {data.DEFAULT_ARCHIVE}",
    )
    source.add_argument("--download", action="store_true", help="fetch the original archive from Stanford (84 MB)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the artifacts")
    parser.add_argument("--cache-dir", type=Path, default=data.DEFAULT_CACHE, help="where archives are extracted")
    parser.add_argument("--max-terms", type=int, default=100_000, help="vocabulary size limit")
    parser.add_argument("--min-df", type=int, default=3, help="a candidate n-gram must occur in this many reviews")
    parser.add_argument("--ngram-max", type=int, default=3, help="longest word n-gram")
    parser.add_argument("--seed", type=int, default=0, help="seed of the validation split and the solver")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small smoke run: {QUICK_LIMIT} reviews per class and split, 20,000 terms (not for deployment)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
    except data.DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    archive = _archive_of(args)

    from training.pipeline import run  # heavy imports only once the arguments are valid

    metrics = run(folder, args.output, config, limit=limit, archive=archive)
    print(
        f"test accuracy {metrics['accuracy']:.4f} (ROC AUC {metrics['roc_auc']:.4f}) on {metrics['test_reviews']:,} "
        f"reviews; {metrics['vocabulary_size']:,} terms; model {metrics['model_version']}; "
        f"artifacts in {args.output} ({metrics['total_seconds']:.0f} s)"
    )
    return 0


def _archive_of(args: argparse.Namespace) -> Path | None:
    if args.download:
        return args.cache_dir / "aclImdb_v1.tar.gz"
    path = args.data or Path(os.environ.get("IMDB_DATA", data.DEFAULT_ARCHIVE))
    return path if path.is_file() else None
