import type { Migration } from '../migrations.js';
import { initialSchema } from '../sql/initial-schema.js';

export const sqliteMigrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema({ json: 'TEXT', blob: 'BLOB', real: 'REAL' }) },
  {
    version: 2,
    name: 'audit-append-only',
    sql: `
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`,
  },
  // PostgreSQL's version 3 gives its text keys byte order; SQLite's BINARY collation already is: the
  // step is recorded so both dialects share one version list
  { version: 3, name: 'text-keys-in-byte-order', sql: 'SELECT 1;' },
  // retention deletes evidence by age (PostgreSQL's version 4 also gives its key columns byte order)
  { version: 4, name: 'retention', sql: 'CREATE INDEX evidence_created ON evidence (created_at_ms);' },
];
