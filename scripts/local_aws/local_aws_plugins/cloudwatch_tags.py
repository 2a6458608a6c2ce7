"""LocalStack's CloudWatch provider, keeping the tags given to PutMetricAlarm as AWS does.

LocalStack 4.13.1 stores an alarm's tags only through TagResource and drops the ``Tags`` of PutMetricAlarm,
so the aws provider finds an alarm it created untagged and plans a change on every later apply. This
provider is LocalStack's own with that one difference. Enabled with ``PROVIDER_OVERRIDE_CLOUDWATCH=local``.
"""

from __future__ import annotations

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.cloudwatch import PutMetricAlarmInput
from localstack.services.cloudwatch.provider_v2 import CloudwatchProvider
from localstack.services.plugins import Service, aws_provider


class TaggingCloudwatchProvider(CloudwatchProvider):
    @handler("PutMetricAlarm", expand=False)
    def put_metric_alarm(self, context: RequestContext, request: PutMetricAlarmInput) -> None:
        super().put_metric_alarm(context, request)
        if request.get("Tags"):
            store = self.get_store(context.account_id, context.region)
            for arn, alarm in list(store.alarms.items()):
                if alarm.alarm["AlarmName"] == request["AlarmName"]:
                    store.TAGS.tag_resource(arn, request["Tags"])


@aws_provider(api="cloudwatch", name="local")
def cloudwatch_local() -> Service:
    return Service.for_provider(TaggingCloudwatchProvider())
