import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleDocsFake, type DocJson, type GoogleDocsFake } from '../../fakes/google-docs-fake.js';

interface Reply { status: number; json: DocJson & { error: { message: string } } }

/** The fake must reject what the real Docs API rejects, or index bugs in the writer would pass. */
describe('google docs fake: document model', () => {
  let fake: GoogleDocsFake;
  let docId: string;

  async function call(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await fetch(new URL(path, fake.rootUrl), {
      method, headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as Reply['json'] };
  }

  const batch = (requests: unknown[]) => call('POST', `v1/documents/${docId}:batchUpdate`, { requests });
  const cellStarts = (doc: DocJson) => doc.body.content[2].table?.tableRows.flatMap((r) => r.tableCells.map((c) => c.content[0].startIndex));

  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    docId = (await call('POST', 'v1/documents', { title: 'T' })).json.documentId;
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('starts a new document with a section break and one empty paragraph at index 1', async () => {
    const { json } = await call('GET', `v1/documents/${docId}`);

    expect(json.body.content.map((e) => [e.startIndex, e.endIndex])).toEqual([[undefined, 1], [1, 2]]);
  });

  it('lays out a 3x3 table inserted at 1 like the real API (newline before it, cells at 5, 7, 9, 12 …)', async () => {
    await batch([{ insertTable: { rows: 3, columns: 3, location: { index: 1 } } }]);

    const { json } = await call('GET', `v1/documents/${docId}`);
    expect(json.body.content.map((e) => [e.startIndex, e.endIndex])).toEqual([[undefined, 1], [1, 2], [2, 24], [24, 25]]);
    expect(cellStarts(json)).toEqual([5, 7, 9, 12, 14, 16, 19, 21, 23]);
  });

  it('shifts later cells when a cell is filled', async () => {
    await batch([{ insertTable: { rows: 2, columns: 2, location: { index: 1 } } }, { insertText: { location: { index: 5 }, text: 'abc' } }]);

    const { json } = await call('GET', `v1/documents/${docId}`);
    expect(cellStarts(json)).toEqual([5, 10, 13, 15]);
    expect(fake.read(docId)[1]).toEqual({ type: 'table', rows: [['abc', ''], ['', '']] });
  });

  it.each([
    ['insert at the end index', [{ insertText: { location: { index: 2 }, text: 'x' } }], 'Invalid requests[0].insertText: Index 2 must be less than the end index of the referenced segment, 2.'],
    ['insert at a table start', [{ insertTable: { rows: 1, columns: 1, location: { index: 1 } } }, { insertText: { location: { index: 2 }, text: 'x' } }], 'Invalid requests[1].insertText: The insertion index must be inside the bounds of an existing paragraph.'],
    ['insert at a cell start', [{ insertTable: { rows: 1, columns: 1, location: { index: 1 } } }, { insertText: { location: { index: 4 }, text: 'x' } }], 'Invalid requests[1].insertText: The insertion index must be inside the bounds of an existing paragraph.'],
    ['delete the final newline', [{ insertText: { location: { index: 1 }, text: 'ab' } }, { deleteContentRange: { range: { startIndex: 1, endIndex: 4 } } }], 'Invalid requests[1].deleteContentRange: The range cannot include the newline character at the end of the segment.'],
    ['delete part of a table', [{ insertTable: { rows: 1, columns: 1, location: { index: 1 } } }, { deleteContentRange: { range: { startIndex: 1, endIndex: 4 } } }], 'Invalid requests[1].deleteContentRange: Invalid deletion range.'],
    ['delete the newline before a table', [{ insertTable: { rows: 1, columns: 1, location: { index: 1 } } }, { deleteContentRange: { range: { startIndex: 1, endIndex: 2 } } }], 'Invalid requests[1].deleteContentRange: Invalid deletion range.'],
    ['style beyond the end', [{ updateTextStyle: { range: { startIndex: 1, endIndex: 9 }, textStyle: { bold: true }, fields: 'bold' } }], 'Invalid requests[0].updateTextStyle: Index 8 must be less than the end index of the referenced segment, 2.'],
  ])('rejects %s with 400 and applies nothing', async (_name, requests, message) => {
    const before = fake.documentJson(docId);

    const { status, json } = await batch(requests);

    expect(status).toBe(400);
    expect(json.error.message).toContain(message);
    expect(fake.documentJson(docId)).toEqual(before);
  });

  it('deletes a whole table together with the newline before it', async () => {
    await batch([{ insertText: { location: { index: 1 }, text: 'ab' } }, { insertTable: { rows: 1, columns: 2, location: { index: 3 } } }]);

    const { status } = await batch([{ deleteContentRange: { range: { startIndex: 1, endIndex: 10 } } }]);

    expect(status).toBe(200);
    expect(fake.read(docId)).toEqual([{ type: 'paragraph', text: '', style: 'NORMAL_TEXT', bullet: false, runs: [] }]);
  });

  it('answers unknown paths with 501 and records them', async () => {
    const { status } = await call('GET', 'upload/drive/v3/files');

    expect(status).toBe(501);
    expect(fake.unexpected.splice(0)).toEqual(['GET /upload/drive/v3/files']);
  });
});
