// JSON columns are text on both databases (ADR 10); stores parse them on the way out.

export const parseObject = (text: string): Record<string, unknown> =>
  JSON.parse(text) as Record<string, unknown>;

export const parseNullableObject = (text: string | null): Record<string, unknown> | null =>
  text === null ? null : parseObject(text);

export const toJson = (value: unknown): string => JSON.stringify(value);

export const toNullableJson = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
