// Finding severities (SPEC section 1), most severe first: the order digests group findings in
// and the scale `min_severity` cuts.

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);

/** Whether `severity` is at or above `min`; a null minimum lets every finding through. */
export const atOrAbove = (severity: Severity, min: Severity | null): boolean =>
  min === null || SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(min);
