"""The local SageMaker endpoint's two layers (``python -m scripts.serve_endpoint`` runs them under gunicorn).

- ``container``: the scikit-learn 1.4-2 image's own app, built as its serving.py builds it, on the image's
  serving library (sagemaker-containers 2.8.6.post2, Flask 1.1.1) in ``.venv-serving`` (Python 3.10);
- ``runtime_api``: what SageMaker puts in front of a container: InvokeEndpoint's 6 MB payload limit and the
  runtime API's route, whose answer to a container error is a 424 ``ModelError``.
"""
