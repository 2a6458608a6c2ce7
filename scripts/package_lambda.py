"""Build the Lambda zip: lambda_src's modules plus the trained vocabulary, byte for byte reproducible.

Entries are sorted, with a fixed timestamp and fixed modes, so the same inputs always give the
same bytes and Terraform's ``source_code_hash`` changes only when the code or vocabulary does.
Only ``lambda_src/*.py`` goes in (no tests, caches or build files). The printed base64 sha256
equals Terraform's ``filebase64sha256(path)``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import zipfile
from pathlib import Path

from lambda_src.tokenizer import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "lambda_src"
# The earliest time a zip entry can carry; any fixed value makes the archive reproducible.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
MAX_BYTES = 3 * 1024 * 1024


def package_files(source: Path, vocabulary: Path) -> list[tuple[str, Path]]:
    """(archive name, file) pairs in archive order: the modules sorted by name, then the vocabulary."""
    modules = sorted(p for p in source.glob("*.py") if p.is_file())
    if not any(p.name == "handler.py" for p in modules):
        raise SystemExit(f"{source} has no handler.py: is --source the lambda_src directory?")
    return [(f"{PACKAGE}/{p.name}", p) for p in modules] + [(f"{PACKAGE}/vocabulary.json", vocabulary)]


def write_zip(files: list[tuple[str, Path]], output: Path) -> None:
    """Write entries with fixed metadata; written beside the target, then renamed into place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr carries the mode
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    os.replace(partial, output)


def digests(path: Path) -> tuple[str, str]:
    """sha256 of the file as hex and as base64 (Terraform's filebase64sha256)."""
    digest = hashlib.sha256(path.read_bytes()).digest()
    return digest.hex(), base64.b64encode(digest).decode()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.package_lambda", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--vocabulary",
        type=Path,
        default=ROOT / "artifacts" / "vocabulary.json",
        help="the trained vocabulary.json (default: artifacts/vocabulary.json)",
    )
    parser.add_argument("--source", type=Path, default=ROOT / PACKAGE, help="the lambda_src directory")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "lambda.zip")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="fail if the zip is larger")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.vocabulary.is_file():
        raise SystemExit(f"vocabulary not found: {args.vocabulary} (run `make train` first, or pass --vocabulary)")
    try:
        vocabulary = Vocabulary.load(args.vocabulary)
    except (ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"{args.vocabulary} is not a valid vocabulary: {error}") from None
    write_zip(package_files(args.source, args.vocabulary), args.output)
    size = args.output.stat().st_size
    if size > args.max_bytes:
        raise SystemExit(f"{args.output} is {size} bytes, over the {args.max_bytes}-byte limit")
    hex_digest, b64_digest = digests(args.output)
    print(f"path: {args.output}")
    print(f"size: {size} bytes")
    print(f"sha256: {hex_digest}")
    print(f"sha256 (base64, filebase64sha256): {b64_digest}")
    print(f"vocabulary: {vocabulary.version} ({len(vocabulary)} terms, model {vocabulary.model_version or '?'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
