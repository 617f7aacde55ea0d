import { ConfigError } from '../../../core/errors.js';
import type { LlmClient } from '../types.js';

/**
 * The embedded default: no model. Narratives come from the deterministic engine and templates;
 * callers check `kind === 'none'` and never call `converse`, which throws to make a wiring mistake loud.
 */
export function createNoLlm(): LlmClient {
  return {
    kind: 'none',
    async converse() {
      throw new ConfigError('llm.kind is none: no model is configured; use the template narrative or set llm.kind to bedrock');
    },
  };
}
