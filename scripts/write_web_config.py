"""Write web/config.js, the one place the page learns the API's address.

The page is static and the API's URL differs per deployment (LocalStack here, API Gateway on AWS), so the
URL is generated next to the page rather than edited into app.js. Terraform writes the same line for AWS.

    python -m scripts.write_web_config --predict-url http://127.0.0.1:4566/.../predict --out web/config.js
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import urlparse


def config_script(predict_url: str) -> str:
    """The JavaScript that sets ``window.SENTIMENT_CONFIG`` (JSON is valid JavaScript, so quoting is safe)."""
    parsed = urlparse(predict_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"predict URL must be an absolute http(s) URL, got {predict_url!r}")
    # "</" is escaped so the line also stays inert if someone inlines it into an HTML <script>.
    payload = json.dumps({"predictUrl": predict_url}).replace("</", "<\\/")
    return f"window.SENTIMENT_CONFIG = {payload};\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.write_web_config", description=__doc__.splitlines()[0])
    parser.add_argument("--predict-url", required=True, help="full URL of POST /predict")
    parser.add_argument("--out", type=Path, default=Path("web/config.js"), help="file to write (default web/config.js)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        script = config_script(args.predict_url)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(script, encoding="utf-8")
    print(f"wrote {args.out} (predictUrl {args.predict_url})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
