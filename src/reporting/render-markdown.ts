import type { DocBlock, DocModel, Inline } from './doc-model.js';

function inline(s: Inline): string {
  if (typeof s === 'string') return escapeMd(s);
  let t = s.code ? `\`${s.text.replace(/`/g, "'")}\`` : escapeMd(s.text);
  if (s.bold) t = `**${t}**`;
  return s.href ? `[${t}](${s.href})` : t;
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function line(spans: Inline[]): string {
  return spans.map(inline).join('');
}

function block(b: DocBlock): string {
  switch (b.kind) {
    case 'heading': return `${'#'.repeat(b.level)} ${escapeMd(b.text)}`;
    case 'paragraph': return line(b.spans);
    case 'bullets': return b.items.map((i) => `- ${line(i)}`).join('\n');
    case 'code': return '```\n' + b.text + '\n```';
    case 'image': return `![${escapeMd(b.alt)}](${b.alt.replace(/\W+/g, '-').toLowerCase()}.svg)`;
    case 'table': {
      const head = `| ${b.header.map(escapeMd).join(' | ')} |`;
      const sep = `| ${b.header.map(() => '---').join(' | ')} |`;
      const rows = b.rows.map((r) => `| ${r.map((c) => line(c).replace(/\n/g, ' ')).join(' | ')} |`);
      return [head, sep, ...rows].join('\n');
    }
  }
}

/** Render a document model as GitHub-flavoured Markdown. */
export function renderMarkdown(doc: DocModel): string {
  return [`# ${escapeMd(doc.title)}`, ...doc.blocks.map(block)].join('\n\n') + '\n';
}
