"""LocalStack's API Gateway as a fresh AWS account has it: no CloudWatch role, so no stage logging until one is set.

LocalStack presets every account's ``cloudwatchRoleArn`` (an established account), so a stack that turns on
stage logging without registering a role applies here and fails on a new AWS account. This provider is
LocalStack's own (next_gen) with an account that starts without the role, as AWS's does: GetAccount shows
none, UpdateStage refuses to turn logging on with AWS's ``BadRequestException`` (stage_logging) until
UpdateAccount sets a role (``aws_api_gateway_account``), and accepts it again once one is set. Resetting the
role (the provider's ``reset_on_delete``) closes it again.

Selected with ``PROVIDER_OVERRIDE_APIGATEWAY=fresh_account`` by the ``fresh`` account profile of
``scripts.local_aws`` (scripts/local_aws/accounts.py), which also gives LocalStack's Lambda a new account's
concurrency quota of 10.
"""

from __future__ import annotations

from local_aws_plugins.stage_logging import NO_ROLE_MESSAGE, logging_paths
from localstack.aws.api import RequestContext, handler
from localstack.aws.api.apigateway import Account, BadRequestException, ListOfPatchOperation, Stage, String
from localstack.services.apigateway.helpers import get_apigateway_store
from localstack.services.apigateway.next_gen.provider import ApigatewayNextGenProvider
from localstack.services.moto import MotoFallbackDispatcher
from localstack.services.plugins import Service, aws_provider

# What AWS's GetAccount shows for an account that never registered a CloudWatch role.
FRESH_ACCOUNT = {
    "throttleSettings": {"burstLimit": 5000, "rateLimit": 10000.0},
    "features": ["UsagePlans"],
    "apiKeyVersion": "4",
}


def _account(context: RequestContext) -> dict:
    """The region's account settings, created without a CloudWatch role the first time they are read."""
    store = get_apigateway_store(context=context)
    if not store._account:  # LocalStack's ``account`` property would preset a role
        store._account.update(FRESH_ACCOUNT)
    return store.account


class FreshAccountApigatewayProvider(ApigatewayNextGenProvider):
    @handler("GetAccount")
    def get_account(self, context: RequestContext, **kwargs) -> Account:
        _account(context)
        return super().get_account(context, **kwargs)

    @handler("UpdateAccount")
    def update_account(
        self, context: RequestContext, patch_operations: ListOfPatchOperation = None, **kwargs
    ) -> Account:
        account = _account(context)
        super().update_account(context, patch_operations, **kwargs)
        if not account.get("cloudwatchRoleArn"):  # reset with "": AWS then shows no role at all
            account.pop("cloudwatchRoleArn", None)
        return super().get_account(context)

    @handler("UpdateStage")
    def update_stage(
        self,
        context: RequestContext,
        rest_api_id: String,
        stage_name: String,
        patch_operations: ListOfPatchOperation = None,
        **kwargs,
    ) -> Stage:
        if logging_paths(patch_operations) and not _account(context).get("cloudwatchRoleArn"):
            raise BadRequestException(NO_ROLE_MESSAGE)
        return super().update_stage(context, rest_api_id, stage_name, patch_operations, **kwargs)


@aws_provider(api="apigateway", name="fresh_account")
def apigateway_fresh_account() -> Service:
    return Service.for_provider(FreshAccountApigatewayProvider(), dispatch_table_factory=MotoFallbackDispatcher)
