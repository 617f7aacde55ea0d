/** A candidate root cause with the evidence for and against it. Every claim cites evidence ids. */
export interface Claim {
  text: string;
  evidenceIds: string[];
}

export interface Hypothesis {
  failureMode: string;
  entity: { cluster?: string; component?: string; node?: string; pod?: string; version?: string; region?: string; changeId?: string };
  score: number;
  supporting: Claim[];
  contradicting: Claim[];
}

/** Builds a hypothesis from weighted claims: score = Σ support weights − Σ contradiction weights. */
export class HypothesisBuilder {
  private score = 0;
  private readonly supporting: Claim[] = [];
  private readonly contradicting: Claim[] = [];
  constructor(private readonly failureMode: string, private readonly entity: Hypothesis['entity']) {}

  support(weight: number, text: string, evidenceIds: string[]): this {
    if (evidenceIds.length === 0) return this;
    this.score += weight;
    this.supporting.push({ text, evidenceIds });
    return this;
  }

  contradict(weight: number, text: string, evidenceIds: string[]): this {
    this.score -= weight;
    this.contradicting.push({ text, evidenceIds });
    return this;
  }

  build(): Hypothesis {
    return { failureMode: this.failureMode, entity: this.entity, score: Math.round(this.score * 100) / 100, supporting: this.supporting, contradicting: this.contradicting };
  }
}
