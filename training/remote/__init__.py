"""``python -m training.remote`` (``make train-remote``): the same training entry point as a SageMaker training job.

It uploads the IMDB archive to S3 once (content-addressed by sha256, skipped when the object is already
there), starts a training job with the SageMaker Python SDK's ``ModelTrainer`` in the scikit-learn image
that serves the model (framework version 1.4-2), runs ``python -m training`` in it, streams the job's status
and logs, and prints the S3 URI of the ``model.tar.gz`` for Terraform's ``model_s3_uri``.

Why ``ModelTrainer``: SDK 3.x dropped ``Estimator`` and the framework estimators (``SKLearn``) for it; the 2.x
line that has them is no longer where new work goes. ``ModelTrainer`` runs a command of ours in any image,
so the job runs exactly ``python -m training``, reading the ``SM_*`` environment its driver sets.

The SDK needs boto3 >= 1.43, which clashes with the project's pin, so this package runs from its own venv
(``.venv-remote``, see the ``remote`` extra); it imports no scikit-learn.

One job per module: ``options`` (the command line and its checks), ``staging`` (the code the job runs),
``sdk`` (the ModelTrainer, the data upload, following the job), ``dry_run`` (the CreateTrainingJob request
captured, nothing sent) and ``cli`` (``main``, which ties them together).
"""
