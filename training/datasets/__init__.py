"""Reading labelled texts for training: CSV, JSON Lines, Parquet, a folder of ``.txt`` files per label, IMDB.

One module per job: a reader per format (``csv``, ``jsonl``, ``parquet``, ``folder``, ``imdb``) that only
streams raw rows; ``validation`` (labels, skipped rows, minimum counts), ``split`` (the seeded stratified test
split and leakage) and ``prepare`` (which ties them together before any training starts).
"""
