"""Standard-library code shared by the LocalStack plugins (local_aws_plugins) and scripts/serve_endpoint.py.

Both stand in for SageMaker, in two environments that share no package: the plugins run inside LocalStack's
own virtualenv, where this package is installed beside them (../pyproject.toml), and serve_endpoint runs under
.venv-serving's Python 3.10 (the serving image's), with or without LocalStack, importing it as
``scripts.local_aws.local_aws_shared``. Modules here import nothing but the standard library and run on Python
3.10 as well, so either side can load them.
"""
