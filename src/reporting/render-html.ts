import type { DocBlock, DocModel, Inline } from './doc-model.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function safeHref(href: string): string {
  return /^(https?:|#|\.{0,2}\/|[\w.-]+\.(html|md|png|svg)$)/.test(href) ? href : '#';
}

function inline(s: Inline): string {
  if (typeof s === 'string') return escapeHtml(s);
  let t = s.code ? `<code>${escapeHtml(s.text)}</code>` : escapeHtml(s.text);
  if (s.bold) t = `<strong>${t}</strong>`;
  return s.href ? `<a href="${escapeHtml(safeHref(s.href))}">${t}</a>` : t;
}

function block(b: DocBlock): string {
  switch (b.kind) {
    case 'heading': return `<h${b.level + 1}${b.anchor ? ` id="${escapeHtml(b.anchor)}"` : ''}>${escapeHtml(b.text)}</h${b.level + 1}>`;
    case 'paragraph': return `<p>${b.spans.map(inline).join('')}</p>`;
    case 'bullets': return `<ul>${b.items.map((i) => `<li>${i.map(inline).join('')}</li>`).join('')}</ul>`;
    case 'code': return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
    // The SVG is produced by our own chart renderer from numbers, never from external text.
    case 'image': return `<figure role="img" aria-label="${escapeHtml(b.alt)}">${b.svg}<figcaption>${escapeHtml(b.alt)}</figcaption></figure>`;
    case 'table': return `<table><thead><tr>${b.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${
      b.rows.map((r) => `<tr>${r.map((c) => `<td>${c.map(inline).join('')}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  }
}

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d1d1f}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,pre{background:#f6f8fa;border-radius:4px}pre{padding:8px;overflow:auto}figure{margin:1em 0}`;

/** Render a document model as a standalone HTML page (all data escaped). */
export function renderHtml(doc: DocModel): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>`
    + `<body><h1>${escapeHtml(doc.title)}</h1>\n${doc.blocks.map(block).join('\n')}\n</body></html>\n`;
}
