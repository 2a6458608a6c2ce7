"""``make score``: score many reviews on this machine with the model of ``make train``.

One job per module: ``readers`` (JSON Lines, CSV, folders of .txt), ``writers`` (scores and errors as
JSON Lines), ``model_archive`` (the archive's own inference.py, loaded as the container loads it),
``scoring`` (a batch through the archive's transform_fn in a worker), ``parallel`` (ordered,
bounded work on processes), ``pipeline`` (records -> chunks -> outcomes in order), ``cli``.
"""
