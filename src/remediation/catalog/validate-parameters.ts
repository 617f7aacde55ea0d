import { z } from 'zod';
import type { ParameterSpec, SafeOperation } from './safe-operation-schema.js';

/**
 * A narrowing of one parameter, as a runbook or policy writes it: a numeric range, one allowed
 * value, or a list of allowed values. It may only tighten the operation's own bounds.
 */
export const ParameterBound = z.union([
  z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
  z.string(),
  z.array(z.string()).min(1),
  z.boolean(),
]);
export type ParameterBound = z.infer<typeof ParameterBound>;

export const ParameterBounds = z.record(z.string(), ParameterBound);
export type ParameterBounds = z.infer<typeof ParameterBounds>;

function isRange(bound: ParameterBound): bound is { min?: number; max?: number } {
  return typeof bound === 'object' && !Array.isArray(bound);
}

function checkValue(name: string, spec: ParameterSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `${name} must be an integer`;
      if (value < spec.min || value > spec.max) return `${name}=${value} is outside [${spec.min}, ${spec.max}]`;
      return null;
    case 'enum':
      return spec.values.includes(value as string) ? null : `${name} must be one of ${spec.values.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${name} must be true or false`;
  }
}

function checkNarrowing(name: string, bound: ParameterBound, value: unknown): string | null {
  if (isRange(bound)) {
    const n = value as number;
    if (bound.min !== undefined && n < bound.min) return `${name}=${n} is below the runbook minimum ${bound.min}`;
    if (bound.max !== undefined && n > bound.max) return `${name}=${n} is above the runbook maximum ${bound.max}`;
    return null;
  }
  const allowed = Array.isArray(bound) ? bound : [bound];
  return allowed.includes(value as never) ? null : `${name}=${String(value)} is not allowed here (${allowed.join(', ')})`;
}

/**
 * Checks concrete parameters of a proposed operation against the operation's bounds and, when
 * given, a runbook's narrower bounds. Returns human-readable errors; empty means valid.
 */
export function validateParameters(op: SafeOperation, params: Record<string, unknown>, narrower: ParameterBounds = {}): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(params)) {
    // own keys only: `in` also finds constructor, __proto__ and the rest of Object.prototype
    if (!Object.hasOwn(op.parameters, name)) errors.push(`${op.id} has no parameter ${name}`);
  }
  for (const [name, spec] of Object.entries(op.parameters)) {
    const value = params[name];
    if (value === undefined) {
      if (spec.required) errors.push(`${op.id} needs parameter ${name}`);
      continue;
    }
    const error = checkValue(name, spec, value) ?? (narrower[name] === undefined ? null : checkNarrowing(name, narrower[name], value));
    if (error) errors.push(error);
  }
  return errors;
}

function checkBound(opId: string, name: string, spec: ParameterSpec, bound: ParameterBound): string | null {
  if (spec.type === 'integer' || spec.type === 'number') {
    if (!isRange(bound)) return `${opId}.${name} needs a {min, max} range`;
    const { min = spec.min, max = spec.max } = bound;
    if (min < spec.min || max > spec.max) return `${opId}.${name} [${min}, ${max}] lies outside the operation's [${spec.min}, ${spec.max}]`;
    return min > max ? `${opId}.${name} has min ${min} above max ${max}` : null;
  }
  if (spec.type === 'boolean') return typeof bound === 'boolean' ? null : `${opId}.${name} must be true or false`;
  if (isRange(bound) || typeof bound === 'boolean') return `${opId}.${name} must list values from ${spec.values.join(', ')}`;
  const outside = (Array.isArray(bound) ? bound : [bound]).filter((v) => !spec.values.includes(v));
  return outside.length === 0 ? null : `${opId}.${name} value ${outside.join(', ')} is not one of ${spec.values.join(', ')}`;
}

/** Checks that a runbook's parameter bounds only tighten the operation's own bounds. */
export function validateParameterBounds(op: SafeOperation, bounds: ParameterBounds): string[] {
  return Object.entries(bounds).flatMap(([name, bound]) => {
    const spec = op.parameters[name];
    if (!spec) return [`${op.id} has no parameter ${name}`];
    const error = checkBound(op.id, name, spec, bound);
    return error ? [error] : [];
  });
}
