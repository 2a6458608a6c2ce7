"""The one build step pyproject.toml cannot declare: the compiled tokeniser (lambda_src/_fast_tokenizer.pyx).

``pip install -e .`` (``make install``) compiles it with the pinned Cython from ``[build-system]`` and
the system C compiler and places it beside lambda_src/tokenizer.py, which uses it when present. The
Lambda zip and the model archive carry only ``.py`` files, so they never depend on it.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("lambda_src._fast_tokenizer", ["lambda_src/_fast_tokenizer.pyx"])])
