/**
 * A small price table for common SageMaker training instance types, for the cost estimate in the
 * job summary. On-demand figures are approximate us-east-1 list prices (USD per instance-hour) as
 * recorded on {@link PRICE_TABLE_DATE}; spot is estimated with a typical managed-spot saving
 * ({@link SPOT_SAVING}), because real spot savings vary by type, region and hour. Everything this
 * module returns is an estimate, never a bill.
 */
export const PRICE_TABLE_DATE = '2026-11-22';
export const PRICE_TABLE_REGION = 'us-east-1';
export const SPOT_SAVING = 0.7;

export const ON_DEMAND_USD_PER_HOUR: Readonly<Record<string, number>> = {
  'ml.m5.large': 0.115,
  'ml.m5.xlarge': 0.23,
  'ml.m5.2xlarge': 0.461,
  'ml.m5.4xlarge': 0.922,
  'ml.m5.12xlarge': 2.765,
  'ml.m5.24xlarge': 5.53,
  'ml.c5.xlarge': 0.204,
  'ml.c5.2xlarge': 0.408,
  'ml.c5.4xlarge': 0.816,
  'ml.c5.9xlarge': 1.836,
  'ml.c5.18xlarge': 3.672,
  'ml.g4dn.xlarge': 0.736,
  'ml.g4dn.2xlarge': 0.94,
  'ml.g4dn.4xlarge': 1.505,
  'ml.g4dn.12xlarge': 4.89,
  'ml.g5.xlarge': 1.408,
  'ml.g5.2xlarge': 1.515,
  'ml.g5.4xlarge': 2.03,
  'ml.g5.12xlarge': 7.09,
  'ml.p3.2xlarge': 3.825,
  'ml.p3.8xlarge': 14.688,
  'ml.p3.16xlarge': 28.152,
  'ml.p4d.24xlarge': 37.688,
};

export interface CostEstimate {
  instanceType: string;
  instanceCount: number;
  hours: number;
  onDemandUsd: number;
  spotUsd: number;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}

/** Cost of `seconds` of `count` instances, or undefined when the type is not in the table. */
export function estimateCost(instanceType: string, count: number, seconds: number): CostEstimate | undefined {
  const hourly = ON_DEMAND_USD_PER_HOUR[instanceType];
  if (hourly === undefined) return undefined;
  const hours = seconds / 3600;
  const onDemand = hourly * count * hours;
  return {
    instanceType,
    instanceCount: count,
    hours,
    onDemandUsd: round(onDemand),
    spotUsd: round(onDemand * (1 - SPOT_SAVING)),
  };
}

/**
 * What a finished job cost, estimated: SageMaker reports billable seconds per instance, already net
 * of the managed-spot saving, and bills them at the on-demand rate.
 */
export function estimateBilled(
  instanceType: string,
  count: number,
  billableSeconds: number,
): number | undefined {
  return estimateCost(instanceType, count, billableSeconds)?.onDemandUsd;
}

export const ESTIMATE_NOTE =
  `Estimate from modelship's price table (${PRICE_TABLE_REGION} on-demand list prices recorded ${PRICE_TABLE_DATE}; ` +
  `spot assumed ${Math.round(SPOT_SAVING * 100)}% cheaper). Not a bill: check AWS Billing for actual cost.`;
