"""The whole system on one machine without Docker: LocalStack, our plugins, the real Terraform root.

``python -m scripts.local_aws up`` / ``down`` (see cli.py); the LocalStack plugins themselves are the
separately installed package in local_aws_plugins/, with local_aws_shared/ (standard library only), which
scripts/serve_endpoint.py imports too.
"""
