// Agents and tools: the project's registry (SPEC section 5). Both have a kind, a configuration,
// JSON Schemas for input and output, a timeout, and a version that grows on every change.
import { z } from 'zod';
import { checkCalleeConfig, type CalleeRole } from '../core/callee-config.ts';
import { addCoreIssues, Id, JsonObject, Name, Timestamps } from './common.ts';

export const AGENT_KINDS = ['http', 'openai', 'builtin'] as const;
export const TOOL_KINDS = ['http', 'mcp', 'builtin'] as const;

const JsonSchemaObject = JsonObject.describe(
  'A JSON Schema (2020-12) whose top level describes an object.',
).refine((schema) => schema.type === undefined || schema.type === 'object', {
  message: 'The schema must describe an object at the top ("type": "object").',
});

const fields = <K extends readonly [string, ...string[]]>(kinds: K) => ({
  name: Name,
  kind: z.enum(kinds),
  config: JsonObject.describe('Kind-specific settings, e.g. { "builtin": "http_journey" }.'),
  input_schema: JsonSchemaObject.nullable().optional(),
  output_schema: JsonSchemaObject.nullable().optional(),
  timeout_seconds: z.int().min(1).max(86_400).nullable().optional(),
});

const create = <K extends readonly [string, ...string[]]>(role: CalleeRole, kinds: K) =>
  z
    .object({ project_id: Id, ...fields(kinds) })
    .strict()
    .superRefine((value, ctx) =>
      addCoreIssues(ctx, checkCalleeConfig(role, value.kind, value.config)),
    );
const update = <K extends readonly [string, ...string[]]>(kinds: K) =>
  z.object(fields(kinds)).partial().strict();
const read = <K extends readonly [string, ...string[]]>(kinds: K) =>
  z.object({
    id: Id,
    project_id: Id,
    name: z.string(),
    kind: z.enum(kinds),
    config: JsonObject,
    input_schema: JsonObject.nullable(),
    output_schema: JsonObject.nullable(),
    timeout_seconds: z.int().nullable(),
    version: z.int(),
    ...Timestamps,
  });

export const AgentCreate = create('agent', AGENT_KINDS).meta({ id: 'AgentCreate' });
export const AgentUpdate = update(AGENT_KINDS);
export const Agent = read(AGENT_KINDS).meta({ id: 'Agent' });
export const ToolCreate = create('tool', TOOL_KINDS).meta({ id: 'ToolCreate' });
export const ToolUpdate = update(TOOL_KINDS);
export const Tool = read(TOOL_KINDS).meta({ id: 'Tool' });
