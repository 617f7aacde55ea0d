import { describe, expect, it } from 'vitest';
import { TokenBudgetExceededError } from '../../../src/adapters/llm/errors.js';
import { createNoLlm } from '../../../src/adapters/llm/none/index.js';
import { createTokenBudget } from '../../../src/adapters/llm/token-budget.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('createTokenBudget', () => {
  it('reserves the worst case and settles the actual usage once', () => {
    const budget = createTokenBudget(1_000);

    const r = budget.reserve(600);
    const whileReserved = budget.remainingTokens();
    r.settle(250);
    r.settle(999);

    expect(whileReserved).toBe(400);
    expect(budget.usedTokens()).toBe(250);
    expect(budget.remainingTokens()).toBe(750);
  });

  it('refuses a reservation that would exceed the limit and reserves nothing', () => {
    const budget = createTokenBudget(1_000);
    budget.reserve(700);

    expect(() => budget.reserve(301)).toThrow(TokenBudgetExceededError);
    expect(() => budget.reserve(301)).toThrow(/needs up to 301 tokens, 300 remain/);
    expect(budget.remainingTokens()).toBe(300);
  });

  it.each([-1, Number.NaN])('rejects the limit %s', (limit) => {
    expect(() => createTokenBudget(limit)).toThrow(RangeError);
  });
});

describe('createNoLlm', () => {
  it('is kind none and refuses to converse', async () => {
    const llm = createNoLlm();

    await expect(llm.converse({ system: '', user: '', tools: [], maxSteps: 1 })).rejects.toBeInstanceOf(ConfigError);
    expect(llm.kind).toBe('none');
  });
});
