import { z } from 'zod';
import { DIRECTIONS, ENTITY_IDS, FAILURE_MODE_GROUPS, SCENARIO_KINDS, ALL_SIGNAL_IDS } from './vocabulary.js';

/** A signal moving in one direction on one entity (a component, `node`, or `any` component). */
export const Symptom = z.strictObject({
  component: z.enum(ENTITY_IDS),
  signal: z.enum(ALL_SIGNAL_IDS),
  direction: z.enum(DIRECTIONS),
});
export type Symptom = z.infer<typeof Symptom>;

/** `from` moving causes `to` to move; `via` says through what, for the RCA narrative. */
export const PropagationEdge = z.strictObject({
  from: Symptom,
  to: Symptom,
  via: z.string().min(1),
});
export type PropagationEdge = z.infer<typeof PropagationEdge>;

export const FailureMode = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an id of the form <group>.<mode> such as coredns.overload'),
  description: z.string().min(1),
  scenarios: z.array(z.enum(SCENARIO_KINDS)).default([]),
  symptoms: z.array(Symptom).min(1),
  propagates_to: z.array(PropagationEdge).default([]),
});
export type FailureMode = z.infer<typeof FailureMode>;

export const FailureModeGroupEntry = z.strictObject({
  group: z.enum(FAILURE_MODE_GROUPS),
  failure_modes: z.array(FailureMode).min(1),
});
export type FailureModeGroupEntry = z.infer<typeof FailureModeGroupEntry>;

export const FailureModel = z
  .strictObject({ version: z.literal(1), groups: z.array(FailureModeGroupEntry).min(1) })
  .superRefine((model, ctx) => {
    const seen = new Set<string>();
    model.groups.forEach((entry, g) => {
      entry.failure_modes.forEach((mode, m) => {
        const path = ['groups', g, 'failure_modes', m, 'id'];
        if (!mode.id.startsWith(`${entry.group}.`)) {
          ctx.addIssue({ code: 'custom', path, message: `${mode.id} must start with "${entry.group}."` });
        }
        if (seen.has(mode.id)) ctx.addIssue({ code: 'custom', path, message: `duplicate failure mode ${mode.id}` });
        seen.add(mode.id);
      });
    });
  });
export type FailureModel = z.infer<typeof FailureModel>;

/** Where each failure mode was declared, so lint findings can point at the YAML line. */
export interface FailureModelSource {
  path: string;
  /** Failure-mode id → 1-based line of its `id:` in the file. */
  lines: Record<string, number>;
}

export interface LoadedFailureModel extends FailureModel {
  source?: FailureModelSource;
}

/** Every failure mode of the model, flattened, with its group. */
export function listFailureModes(model: FailureModel): (FailureMode & { group: string })[] {
  return model.groups.flatMap((entry) => entry.failure_modes.map((mode) => ({ ...mode, group: entry.group })));
}

export function symptomKey(symptom: Symptom): string {
  return `${symptom.component}/${symptom.signal}/${symptom.direction}`;
}
