"""The serving image's WSGI app, built as its serving.py builds it, on the image's own serving library.

What ``sagemaker_sklearn_container/serving.py`` (aws/sagemaker-scikit-learn-container) does in each gunicorn
worker, replayed step by step with sagemaker-containers 2.8.6's own classes: import the user module named by
``SAGEMAKER_PROGRAM``; build ``transformer.Transformer(model_fn, transform_fn)`` when it defines
``transform_fn``, else ``Transformer(model_fn, input_fn, predict_fn, output_fn)`` (defining both kinds stops the
container); ``initialize()`` (``model_fn`` on the library's model directory); serve
``worker.Worker(transform_fn=transformer.transform, ...)``, the library's Flask app. So every user function
runs inside the library's ``error_wrapper`` and any exception it raises is the generic 500 the image answers.

One step differs: the image pip-installs the model's ``code/`` directory (and puts it on gunicorn's
``--pythonpath``); here ``code/`` goes first on ``sys.path``, which makes the same modules importable without
writing into the shared virtualenv.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import platform
import sys
from pathlib import Path
from typing import Any

LOG = logging.getLogger("gunicorn.error")  # gunicorn's error log: the server's log file
BASE_DIR_VARIABLE = "SAGEMAKER_BASE_DIR"  # the library's model directory is $SAGEMAKER_BASE_DIR/model
DEFAULT_PROGRAM = "inference.py"


class UserModuleError(Exception):
    """What the image's serving.py refuses (its ``UserError``): the worker fails to boot and gunicorn stops."""


def container_environment(base_dir: Path, program: str) -> dict[str, str]:
    """The variables the library reads at import: model directory ``base_dir/model``, the user program."""
    return {
        BASE_DIR_VARIABLE: str(base_dir),
        "SAGEMAKER_PROGRAM": program,
        "SAGEMAKER_SUBMIT_DIRECTORY": str(base_dir / "model" / "code"),
    }


def import_library_once() -> None:
    """Import the library in gunicorn's master, before any worker forks, as the image's serving.py is imported.

    At import the library creates its code directory with an unguarded check-then-``makedirs``; workers that
    import it side by side on a fresh model directory race there, and the loser dies with FileExistsError
    (seen in CI: "Worker failed to boot", the endpoint never InService). The image imports it once, in the
    process that starts gunicorn; so does this. ``container_environment`` must already be in ``os.environ``.
    """
    importlib.import_module("sagemaker_containers.beta.framework")


def default_input_fn(input_data: Any, content_type: str) -> Any:
    """serving.py's default: the library's decoder, as float32 for JSON and CSV."""
    from sagemaker_containers.beta.framework import content_types, encoders

    np_array = encoders.decode(input_data, content_type)
    return np_array.astype("float32") if content_type in content_types.UTF8_TYPES else np_array


def default_predict_fn(input_data: Any, model: Any) -> Any:
    """serving.py's default: the model's own ``predict``."""
    return model.predict(input_data)


def default_output_fn(prediction: Any, accept: str) -> Any:
    """serving.py's default: the library's encoder in the Accept type."""
    from sagemaker_containers.beta.framework import encoders, worker

    return worker.Response(encoders.encode(prediction, accept), accept, mimetype=accept)


def user_module_transformer(user_module: Any) -> Any:
    """serving.py's ``_user_module_transformer``: the library's Transformer around the user's functions."""
    from sagemaker_containers.beta.framework import transformer

    model_fn = getattr(user_module, "model_fn", None) or transformer.default_model_fn
    input_fn = getattr(user_module, "input_fn", None)
    predict_fn = getattr(user_module, "predict_fn", None)
    output_fn = getattr(user_module, "output_fn", None)
    transform_fn = getattr(user_module, "transform_fn", None)
    if transform_fn and (input_fn or predict_fn or output_fn):
        raise UserModuleError("Cannot use transform_fn implementation with input_fn, predict_fn, and/or output_fn")
    if transform_fn is not None:
        return transformer.Transformer(model_fn=model_fn, transform_fn=transform_fn)
    return transformer.Transformer(
        model_fn=model_fn,
        input_fn=input_fn or default_input_fn,
        predict_fn=predict_fn or default_predict_fn,
        output_fn=output_fn or default_output_fn,
    )


def container_app() -> Any:
    """The library's ``worker.Worker`` (a Flask app) serving the user module; the model is loaded here, once.

    ``container_environment`` must be in ``os.environ`` before sagemaker_containers is first imported (it reads
    the model directory at import).
    """
    from sagemaker_containers.beta.framework import env, worker

    serving_env = env.ServingEnv()
    code_dir = os.environ["SAGEMAKER_SUBMIT_DIRECTORY"]
    sys.path.insert(0, code_dir)
    user_module = importlib.import_module(serving_env.module_name)
    transformer = user_module_transformer(user_module)
    transformer.initialize()
    LOG.info(
        "serving %s through sagemaker-containers %s, Flask %s on Python %s",
        serving_env.module_name,
        importlib.metadata.version("sagemaker-containers"),
        importlib.metadata.version("flask"),
        platform.python_version(),
    )
    return worker.Worker(
        transform_fn=transformer.transform,
        module_name=serving_env.module_name,
        execution_parameters_fn=getattr(user_module, "execution_parameters_fn", None),
    )
