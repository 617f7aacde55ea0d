import { createPostgresStore, type PostgresStoreOptions } from './postgres/index.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
import type { Store } from './types.js';

export type StoreOptions =
  | ({ kind: 'sqlite' } & SqliteStoreOptions)
  | ({ kind: 'postgres' } & PostgresStoreOptions);

type StoreFactories = {
  [K in StoreOptions['kind']]: (options: Extract<StoreOptions, { kind: K }>) => Promise<Store>;
};

const storeFactories = {
  sqlite: createSqliteStore,
  postgres: createPostgresStore,
} satisfies StoreFactories;

/** Opens the configured store; call `migrate()` before use. Throws ConfigError when it cannot be opened. */
export function createStore(options: StoreOptions): Promise<Store> {
  const factory = storeFactories[options.kind] as (o: StoreOptions) => Promise<Store>;
  return factory(options);
}

export { verifyAuditChain, GENESIS_HASH } from './audit-chain.js';
export type { Store } from './types.js';
