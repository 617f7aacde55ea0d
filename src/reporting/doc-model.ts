/** A renderer-neutral document: the digest and the weekly report are built as this, then rendered. */

export interface Span {
  text: string;
  href?: string;
  bold?: boolean;
  code?: boolean;
}
export type Inline = string | Span;

export type DocBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; anchor?: string }
  | { kind: 'paragraph'; spans: Inline[] }
  | { kind: 'bullets'; items: Inline[][] }
  | { kind: 'table'; header: string[]; rows: Inline[][][] }
  | { kind: 'code'; text: string }
  | { kind: 'image'; alt: string; svg: string; png?: Uint8Array };

export interface DocModel {
  title: string;
  blocks: DocBlock[];
}

export function spanText(s: Inline): string {
  return typeof s === 'string' ? s : s.text;
}
