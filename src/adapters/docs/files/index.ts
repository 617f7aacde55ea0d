import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import { renderHtml } from '../../../reporting/render-html.js';
import { renderMarkdown } from '../../../reporting/render-markdown.js';
import type { DocModel } from '../../../reporting/doc-model.js';
import type { DocWriter } from '../types.js';

export interface FileDocWriterOptions {
  /** Folder for `<key>.md` and `<key>.html`, e.g. `out/docs`. */
  dir: string;
}

/** Embedded DocWriter: one Markdown and one HTML file per key; a rerun overwrites both atomically. */
export function createFileDocWriter(opts: FileDocWriterOptions): DocWriter {
  return {
    async upsertDocument(key, doc) {
      const name = key.replace(/[^a-zA-Z0-9._-]+/g, '_');
      const html = resolve(join(opts.dir, `${name}.html`));
      const created = !existsSync(html);
      writeFileAtomic(join(opts.dir, `${name}.md`), renderMarkdown(doc));
      writeFileAtomic(html, renderHtml(doc));
      const url = pathToFileURL(html).href;
      const anchors = anchorLinks(doc, url);
      return { id: name, url, created, ...(anchors ? { anchors } : {}) };
    },
  };
}

/** The HTML renderer gives each anchored heading that id, so `#anchor` opens the file there. */
function anchorLinks(doc: DocModel, url: string): Record<string, string> | undefined {
  const anchors = doc.blocks.flatMap((b) => (b.kind === 'heading' && b.anchor ? [b.anchor] : []));
  return anchors.length ? Object.fromEntries(anchors.map((a) => [a, `${url}#${encodeURIComponent(a)}`])) : undefined;
}
