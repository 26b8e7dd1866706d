// The built-in `transform` tool (SPEC section 5): builds an object from its mapped inputs. In a
// flow the step's input mappings already did the work, so by default the output is the input;
// `config.fields` reshapes it further, naming for each output field a dotted path into the input.
import { StepFailed, type Executor, type StepResult } from '../../executor.ts';

function pick(input: unknown, path: string): unknown {
  let value = input;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function shape(
  input: Readonly<Record<string, unknown>>,
  config: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { fields } = config;
  if (fields === undefined) return { ...input };
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new StepFailed('tool_error', 'config.fields must map output fields to input paths');
  const output: Record<string, unknown> = {};
  for (const [field, path] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof path !== 'string' || path === '')
      throw new StepFailed('tool_error', `config.fields.${field} must be a dotted input path`);
    const value = pick(input, path);
    // defineProperty: an output field named "__proto__" is a plain field, not a prototype.
    if (value !== undefined)
      Object.defineProperty(output, field, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return output;
}

export function transformTool(): Executor {
  return {
    call: ({ input, config }): Promise<StepResult> =>
      Promise.resolve().then(() => ({ output: shape(input, config), findings: [], logs: [] })),
  };
}
