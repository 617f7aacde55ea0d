import type { Migration } from '../migrations.js';
import { initialSchema } from '../sql/initial-schema.js';

export const postgresMigrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema({ json: 'JSONB', blob: 'BYTEA', real: 'DOUBLE PRECISION' }) },
  {
    version: 2,
    name: 'audit-append-only',
    sql: `
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
  },
  {
    version: 3,
    name: 'text-keys-in-byte-order',
    // lists break time ties by these keys: under the database's collation (en_US on most servers) they
    // came back in another order than SQLite's, which compares text as bytes
    sql: `
ALTER TABLE runs ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE anomalies ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE incident_groups ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE evidence ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE proposals ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE approvals ALTER COLUMN message_ts TYPE TEXT COLLATE "C";
ALTER TABLE feedback ALTER COLUMN id TYPE TEXT COLLATE "C";
`,
  },
  {
    version: 4,
    name: 'retention',
    // retention reads keys by prefix as index ranges (proposal-context:…, audit:…, scan:…): under a
    // linguistic collation a prefix's keys are not one range (en-US ICU sorts ';' before ':');
    // the collation changes without a table rewrite, the key indexes are rebuilt
    sql: `
ALTER TABLE baselines ALTER COLUMN key TYPE TEXT COLLATE "C";
ALTER TABLE publications ALTER COLUMN key TYPE TEXT COLLATE "C";
CREATE INDEX evidence_created ON evidence (created_at_ms);
`,
  },
];
