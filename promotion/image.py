"""The SageMaker scikit-learn serving image a package names: the tag the endpoint runs, in the package's region.

Terraform finds it with ``data "aws_sagemaker_prebuilt_ecr_image"`` (repository ``sagemaker-scikit-learn``, tag
``1.4-2-cpu-py3``, terraform/variables.tf); a package is registered without Terraform, so the same registry
accounts are listed here, copied from the SageMaker Python SDK's image_uri_config/sklearn.json (the same for
every scikit-learn version it lists).
"""

from __future__ import annotations

REPOSITORY = "sagemaker-scikit-learn"
DEFAULT_TAG = "1.4-2-cpu-py3"  # scikit-learn 1.4.2, as training pins (pyproject.toml)
REGISTRIES = {
    "af-south-1": "510948584623",
    "ap-east-1": "651117190479",
    "ap-northeast-1": "354813040037",
    "ap-northeast-2": "366743142698",
    "ap-northeast-3": "867004704886",
    "ap-south-1": "720646828776",
    "ap-south-2": "628508329040",
    "ap-southeast-1": "121021644041",
    "ap-southeast-2": "783357654285",
    "ap-southeast-3": "951798379941",
    "ap-southeast-4": "106583098589",
    "ca-central-1": "341280168497",
    "ca-west-1": "190319476487",
    "cn-north-1": "450853457545",
    "cn-northwest-1": "451049120500",
    "eu-central-1": "492215442770",
    "eu-central-2": "680994064768",
    "eu-north-1": "662702820516",
    "eu-south-1": "978288397137",
    "eu-south-2": "104374241257",
    "eu-west-1": "141502667606",
    "eu-west-2": "764974769150",
    "eu-west-3": "659782779980",
    "il-central-1": "898809789911",
    "me-central-1": "272398656194",
    "me-south-1": "801668240914",
    "sa-east-1": "737474898029",
    "us-east-1": "683313688378",
    "us-east-2": "257758044811",
    "us-gov-east-1": "237065988967",
    "us-gov-west-1": "414596584902",
    "us-west-1": "746614075791",
    "us-west-2": "246618743249",
}


class UnknownRegionError(ValueError):
    """No scikit-learn serving image is known for the region."""


def image_uri(region: str, tag: str = DEFAULT_TAG) -> str:
    """``<account>.dkr.ecr.<region>.<domain>/sagemaker-scikit-learn:<tag>``; China regions use amazonaws.com.cn."""
    account = REGISTRIES.get(region)
    if account is None:
        raise UnknownRegionError(f"no {REPOSITORY} image is known in region {region!r}; known: {', '.join(REGISTRIES)}")
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account}.dkr.ecr.{region}.{domain}/{REPOSITORY}:{tag}"
