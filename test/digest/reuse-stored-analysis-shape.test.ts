import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/adapters/store/types.js';
import type { DigestIncidentGroup } from '../../src/digest/rca-contract.js';
import { reuseStoredAnalysis } from '../../src/digest/reuse-stored-analysis.js';

const storeWith = (body: unknown) => ({ rcas: { get: async () => ({ runId: 'run-1', engine: 'template', body }) } }) as unknown as Store;
const group = { id: 'g-3' } as unknown as DigestIncidentGroup;

describe('reuseStoredAnalysis on a stored body of another shape', () => {
  it('says which fields of the body are wrong, in words', async () => {
    const result = await reuseStoredAnalysis(group, { store: storeWith({ narrative: 'not an object', evidenceIds: 3 }), nowMs: 0 });

    // before: `body.rca: Invalid input: expected object, received undefined; body.narrative: Invalid input: …`
    expect(result).toEqual({
      ok: false,
      reason: 'the RCA body of run run-1 is not a digest analysis: body.rca: expected a mapping, found nothing; body.narrative: expected a mapping, found string "not an object"; body.evidenceIds: expected a list, found number 3',
    });
  });
});
