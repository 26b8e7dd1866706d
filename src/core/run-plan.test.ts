import { describe, expect, it } from 'vitest';
import { planRun, type PlanInput } from './run-plan.ts';

const journey = (position: number, id: string, inputs: Record<string, unknown> = {}) => ({
  position,
  id,
  name: `Journey ${id}`,
  agentId: `agent-${id}`,
  inputs,
});

const input = (over: Partial<PlanInput>): PlanInput => ({
  runId: 'run-1',
  targetKind: 'journey',
  parameters: {},
  journeys: [],
  ...over,
});

describe('planning a run', () => {
  it('makes a journey one agent step, its inputs overridden by the run’s parameters', () => {
    const plan = planRun(
      input({
        parameters: { base_url: 'https://staging.example' },
        journeys: [journey(0, 'j1', { base_url: 'https://shop.example', depth: 2 })],
      }),
    );
    expect(plan).toEqual({
      ok: true,
      steps: [
        {
          id: 'run-1:0',
          position: 0,
          key: 'j1',
          name: 'Journey j1',
          callee: { kind: 'agent', id: 'agent-j1' },
          input: { base_url: 'https://staging.example', depth: 2 },
        },
      ],
    });
  });

  it('makes a test plan one step per journey, keeping each journey’s place', () => {
    // The journey at position 1 was deleted: the others keep their positions, so their step ids
    // (and idempotency keys) stay what they were.
    const plan = planRun(
      input({ targetKind: 'test_plan', journeys: [journey(0, 'a'), journey(2, 'c')] }),
    );
    expect(plan.ok && plan.steps.map((s) => [s.id, s.key, s.callee.id])).toEqual([
      ['run-1:0', 'a', 'agent-a'],
      ['run-1:2', 'c', 'agent-c'],
    ]);
  });

  it('refuses a target with nothing left to run', () => {
    expect(planRun(input({ targetKind: 'journey' }))).toEqual({
      ok: false,
      code: 'schema_mismatch',
      message: 'The journey has no runnable journey left.',
    });
    expect(planRun(input({ targetKind: 'test_plan' }))).toMatchObject({
      ok: false,
      message: 'The test plan has no runnable journey left.',
    });
    expect(planRun(input({ targetKind: 'flow', journeys: [journey(0, 'a')] }))).toMatchObject({
      ok: false,
      code: 'schema_mismatch',
    });
  });
});
