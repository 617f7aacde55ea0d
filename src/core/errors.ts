/** The few error classes of fleetops. Each keeps `cause`; messages say what to do. */

export class FleetopsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or usage: exit code 2. `path` names the config field at fault, where known (`signals.0.promql`). */
export class ConfigError extends FleetopsError {
  constructor(message: string, options?: { cause?: unknown; path?: readonly (string | number)[] }) {
    super(message, options);
    this.path = options?.path;
  }

  readonly path?: readonly (string | number)[];
}

/** A backend answered badly or not at all: exit code 1 for the run, recorded per part. */
export class ExternalServiceError extends FleetopsError {
  constructor(
    message: string,
    readonly details: { service: string; status?: number; retryable?: boolean } = { service: 'unknown' },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something tried to act outside policy (unapproved, outside the catalog, guardrail failed). */
export class SafetyViolationError extends FleetopsError {}

export class NotFoundError extends FleetopsError {}

/** Exit code for an error thrown out of a job. */
export function exitCodeFor(err: unknown): 1 | 2 {
  return err instanceof ConfigError ? 2 : 1;
}
