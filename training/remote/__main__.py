"""``python -m training.remote``: see ``training.remote.cli``."""

from training.remote.cli import main

raise SystemExit(main())
