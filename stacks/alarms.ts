import { componentName } from "./naming.js";
import type { Projector } from "./projectors.js";
import type { MessageQueues } from "./queues.js";

/** Thresholds: a projector a minute behind is stuck or starved; any dead letter needs a look. */
const maxIteratorAgeMs = 60_000;

/**
 * Alarms on what a read model's reader would notice: a projector falling behind the stream
 * (iterator age) and records given up on (dead letters). They notify the `Alarms` topic;
 * subscribe an address to it after the first deploy.
 */
export const alarms = (projectors: readonly Projector[], queues: MessageQueues): sst.aws.SnsTopic => {
  const topic = new sst.aws.SnsTopic("Alarms");
  for (const q of Object.values(queues)) queueAlarms(q, topic);
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

/**
 * Alarms on what the consumer of a queue should be doing: the oldest message waiting too long
 * (nobody reads, or every read fails), too many waiting (reading slower than orders come), and
 * messages given up on (the dead-letter queue holds one).
 */
const queueAlarms = (q: MessageQueues[keyof MessageQueues], topic: sst.aws.SnsTopic): void => {
  const name = componentName(q.definition.name);
  const { oldestMessageSeconds, depth } = q.definition.alarms;
  const onQueue = (queue: sst.aws.Queue) => ({
    namespace: "AWS/SQS",
    dimensions: { QueueName: queue.nodes.queue.name },
    statistic: "Maximum",
    treatMissingData: "notBreaching",
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [topic.arn],
    okActions: [topic.arn],
  });
  new aws.cloudwatch.MetricAlarm(`${name}QueueOldestMessage`, {
    ...onQueue(q.queue),
    alarmDescription: `the oldest message of the ${q.definition.name} queue has waited more than ${oldestMessageSeconds} s: is its consumer reading?`,
    metricName: "ApproximateAgeOfOldestMessage",
    period: 60,
    evaluationPeriods: 5,
    threshold: oldestMessageSeconds,
  });
  new aws.cloudwatch.MetricAlarm(`${name}QueueDepth`, {
    ...onQueue(q.queue),
    alarmDescription: `more than ${depth} messages wait in the ${q.definition.name} queue: its consumer falls behind`,
    metricName: "ApproximateNumberOfMessagesVisible",
    period: 300,
    evaluationPeriods: 1,
    threshold: depth,
  });
  new aws.cloudwatch.MetricAlarm(`${name}DeadLetterQueueDepth`, {
    ...onQueue(q.deadLetters),
    alarmDescription: `the ${q.definition.name} queue's consumer gave up on messages: they wait in its dead-letter queue`,
    metricName: "ApproximateNumberOfMessagesVisible",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
  });
};
