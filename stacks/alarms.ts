import { componentName } from "./naming.js";
import type { Projector } from "./projectors.js";

/** Thresholds: a projector a minute behind is stuck or starved; any dead letter needs a look. */
const maxIteratorAgeMs = 60_000;

/**
 * Alarms on what a read model's reader would notice: a projector falling behind the stream
 * (iterator age) and records given up on (dead letters). They notify the `Alarms` topic;
 * subscribe an address to it after the first deploy.
 */
export const alarms = (projectors: readonly Projector[]): sst.aws.SnsTopic => {
  const topic = new sst.aws.SnsTopic("Alarms");
  for (const p of projectors) {
    const name = componentName(p.projection);
    new aws.cloudwatch.MetricAlarm(`${name}IteratorAge`, {
      alarmDescription: `projection ${p.projection} is more than ${maxIteratorAgeMs / 1000} s behind the event stream`,
      namespace: "AWS/Lambda",
      metricName: "IteratorAge",
      dimensions: { FunctionName: p.functionName },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: maxIteratorAgeMs,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });
    new aws.cloudwatch.MetricAlarm(`${name}DeadLetterDepth`, {
      alarmDescription: `projection ${p.projection} gave up on records: list and redrive them with the CLI`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: p.deadLetters.nodes.queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });
  }
  return topic;
};
