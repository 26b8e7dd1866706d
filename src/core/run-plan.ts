// How a run's target becomes the steps a worker walks (SPEC section 4): a journey is one agent
// step, a test plan one step per journey in its order. Each step names its callee and carries the
// input it is called with: the journey's inputs, overridden by the run's parameters. A new kind
// of target (flows) adds a planner here, not a branch in the worker.
import type { RunTargetKind } from './run-records.ts';
import type { TargetJourney } from './work-records.ts';

type Json = Record<string, unknown>;

export interface PlannedStep {
  /** Derived from the run, so every attempt calls with the same idempotency key. */
  readonly id: string;
  readonly position: number;
  /** What the step stands for in its target: the journey's id. */
  readonly key: string;
  readonly name: string;
  readonly callee: { readonly kind: 'agent' | 'tool'; readonly id: string };
  readonly input: Json;
}

export type RunPlan =
  | { readonly ok: true; readonly steps: readonly PlannedStep[] }
  | { readonly ok: false; readonly code: 'schema_mismatch'; readonly message: string };

/** What a plan is made from: the run and its target's parts, as the store read them. */
export interface PlanInput {
  readonly runId: string;
  readonly targetKind: RunTargetKind;
  readonly parameters: Json;
  readonly journeys: readonly TargetJourney[];
}

/** The id of a run's step at `position`. */
export const stepId = (runId: string, position: number): string => `${runId}:${position}`;

const journeyStep = (input: PlanInput, journey: TargetJourney): PlannedStep => ({
  id: stepId(input.runId, journey.position),
  position: journey.position,
  key: journey.id,
  name: journey.name,
  callee: { kind: 'agent', id: journey.agentId },
  input: { ...journey.inputs, ...input.parameters },
});

const nothingLeft = (kind: string): RunPlan => ({
  ok: false,
  code: 'schema_mismatch',
  message: `The ${kind} has no runnable journey left.`,
});

const PLANNERS: Readonly<Record<RunTargetKind, (input: PlanInput) => RunPlan>> = {
  journey: (input) =>
    input.journeys.length === 1
      ? { ok: true, steps: input.journeys.map((j) => journeyStep(input, j)) }
      : nothingLeft('journey'),
  test_plan: (input) =>
    input.journeys.length > 0
      ? { ok: true, steps: input.journeys.map((j) => journeyStep(input, j)) }
      : nothingLeft('test plan'),
  flow: () => ({
    ok: false,
    code: 'schema_mismatch',
    message: 'This version of Rota cannot run flows yet.',
  }),
};

/** The steps of a run, or why it cannot run. */
export const planRun = (input: PlanInput): RunPlan => PLANNERS[input.targetKind](input);
