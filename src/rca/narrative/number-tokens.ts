/**
 * Number tokens for the grounding check: integers, decimals, percentages, durations (`5m`) and
 * versions (`1.11.3`, `v1.30.2`), each with the letters (unit) written right after it.
 */
export interface NumberToken {
  /** As written, lower-cased, without a leading `v`: `97.2%`, `5m`, `1.11.3`. */
  raw: string;
  /** Canonical value: a decimal number (`0.5`, `5`) or, for versions, the dotted string. */
  value: string;
  unit: string;
}

const NUMBER = /(?<![\w.])v?(\d+(?:\.\d+)*)([a-z%µ]*)/gi;

export function numberTokens(text: string): NumberToken[] {
  return [...text.matchAll(NUMBER)].map((m) => {
    const digits = m[1];
    const unit = m[2].toLowerCase();
    const isVersion = (digits.match(/\./g) ?? []).length > 1;
    return { raw: `${digits}${unit}`, value: isVersion ? digits : String(Number(digits)), unit };
  });
}

/** The tokens a piece of evidence offers: its text tokens, plus bare numbers from structured data. */
export class NumberPool {
  private readonly raws = new Set<string>();
  private readonly valueUnits = new Set<string>();
  private readonly dataValues = new Set<string>();

  addText(text: string): this {
    for (const t of numberTokens(text)) {
      this.raws.add(t.raw);
      this.valueUnits.add(`${t.value}|${t.unit}`);
    }
    return this;
  }

  /** Numbers in JSON data carry their unit in the key (`latencyMs`), so they match on value alone. */
  addData(value: unknown): this {
    if (typeof value === 'number' && Number.isFinite(value)) this.dataValues.add(String(value));
    else if (typeof value === 'string') this.addText(value);
    else if (Array.isArray(value)) value.forEach((v) => this.addData(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.addData(v));
    return this;
  }

  has(t: NumberToken): boolean {
    return this.raws.has(t.raw) || this.valueUnits.has(`${t.value}|${t.unit}`) || this.dataValues.has(t.value);
  }
}
