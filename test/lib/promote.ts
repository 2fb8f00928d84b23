// Test helpers for promote-on-metrics: a `promote` block that bakes in seconds (one-second
// periods, a look every 3 s, 15-s steps extended up to 30 s, confidence 0.8 so that 15 periods
// are enough for the latency judge; the median latency per period, robust to a stray slow request
// on a busy machine), for local canaries with real traffic.

/** A `promote:` block for modelship.yml that bakes each step in seconds (`stat`: the latency's, default p50). */
export function fastPromote(o: { steps: number[]; latency: string; errors?: string; stat?: string }): string {
  return `promote:
  steps: [${o.steps.join(', ')}]
  period-seconds: 1
  interval-minutes: 0.05
  bake-minutes: 0.25
  max-bake-minutes: 0.5
  confidence: 0.8
  min-samples: 4
  min-invocations: 50
  metrics:
    - { name: ModelLatency, stat: ${o.stat ?? 'p50'}, kind: latency, max-increase: ${o.latency} }
    - { name: Invocation5XXErrors, kind: error-rate, max-increase: ${o.errors ?? '2%'}, critical: true }
`;
}
