"""The SageMaker endpoint's code: ``inference.py`` (the container's entry point) and its request handling, one job a
module.

Shipped in ``model.tar.gz`` as ``code/inference.py`` beside ``code/serving/`` (this package without
``inference.py``), so that ``import serving...`` works both from the repository and inside the container, where
``code/`` is on ``sys.path``; ``lambda_src`` is shipped the same way. These modules import only ``lambda_src``,
numpy, scipy and scikit-learn: never ``training`` or ``scoring``, which the container does not have.
"""
