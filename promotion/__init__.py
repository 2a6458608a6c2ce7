"""The promotion gate: register a trained model.tar.gz in a SageMaker model package group and decide its approval.

``python -m promotion MODEL`` (``make promote``) scores the model and the group's latest approved package (the
champion) on the same evaluation set, decides with ``gate`` (a paired comparison, or an absolute floor for the
first package), uploads the archive, registers a package version with its metrics and lineage and sets its
approval. See docs/promotion.md.
"""
