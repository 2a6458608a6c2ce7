"""The endpoint's request handling behind ``inference.py``, one job a module.

Shipped in ``model.tar.gz`` as ``code/training/serving/`` (with an empty ``code/training/__init__.py``)
so that ``import training.serving...`` works both from the repository and inside the container, where
``code/`` is on ``sys.path``; ``lambda_src`` is shipped the same way. These modules import only
``lambda_src``, numpy, scipy and scikit-learn, never the rest of ``training``.
"""
