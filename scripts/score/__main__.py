"""``python -m scripts.score``."""

from scripts.score.cli import main

raise SystemExit(main())
