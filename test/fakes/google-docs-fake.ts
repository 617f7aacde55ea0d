/**
 * A local fake of the Docs v1 and Drive v3 paths the Google DocWriter uses. Documents are kept as a
 * structural model with real index arithmetic: index 0 is the section break; a paragraph is its
 * characters plus "\n"; a table occupies 1 (table start) + per row 1 + per cell (1 + its content).
 * insertTable inserts a newline before the table; a new cell holds one empty paragraph. Requests with
 * indices the real API would reject fail with 400 and the real message, and a batch is atomic.
 * Unknown paths answer 501 and are recorded in `unexpected`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

type Style = Record<string, unknown>;
/** `headingId`: Docs gives each heading paragraph one (read-only), used in `#heading=` links. */
interface ParaProps { namedStyleType: string; bullet?: { listId: string; preset: string }; headingId?: string }
interface Char { kind: 'char'; ch: string; style: Style; para?: ParaProps }
interface Table { kind: 'table'; rows: Token[][][] }
type Token = Char | Table;

interface FakeDocument { id: string; title: string; body: Token[]; revision: number }

export interface FakeDriveFile {
  id: string; name: string; mimeType: string; parents: string[]; appProperties: Record<string, string>;
  driveId?: string; trashed: boolean; createdTime: string;
  permissions: { id: string; type: string; role: string; emailAddress?: string }[];
}

export interface RecordedRequest {
  method: string; path: string; query: Record<string, string>; body: unknown; status: number;
}

export interface Fault {
  status: number;
  reason?: string;
  message?: string;
  retryAfter?: string;
  /** Apply the request first, then answer the error (a response lost after the server acted). */
  afterApply?: boolean;
  /** Only requests this accepts are failed; default: any. */
  match?: (req: { method: string; path: string }) => boolean;
}

export type ReadBlock =
  | { type: 'paragraph'; text: string; style: string; bullet: boolean; runs: { text: string; style: Style }[] }
  | { type: 'table'; rows: string[][] };

/** The shape of documents.get as the fake answers it. */
export interface ElementJson {
  startIndex?: number;
  endIndex: number;
  sectionBreak?: object;
  paragraph?: { elements: unknown[]; paragraphStyle: { namedStyleType: string; headingId?: string }; bullet?: { listId: string } };
  table?: { rows: number; columns: number; tableRows: { startIndex: number; endIndex: number; tableCells: { startIndex: number; endIndex: number; content: ElementJson[] }[] }[] };
}
export interface DocJson { documentId: string; title: string; revisionId: string; body: { content: ElementJson[] } }

class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly reason = 'badRequest', readonly statusText = 'INVALID_ARGUMENT') {
    super(message);
  }
}

// ---------- document model ----------

const NOT_IN_PARAGRAPH = 'The insertion index must be inside the bounds of an existing paragraph. You can still create new paragraphs by inserting newlines.';
const BAD_DELETE = 'Invalid deletion range. Cannot delete the requested range.';

/** A new paragraph's end: it takes the paragraph's style, but a heading id belongs to one paragraph. */
function newline(para: ParaProps, style: Style = {}): Char {
  const { headingId: _, ...props } = para;
  return { kind: 'char', ch: '\n', style: structuredClone(style), para: structuredClone(props) };
}

let headingSeq = 0;

function width(tokens: Token[]): number {
  return tokens.reduce((n, t) => n + (t.kind === 'char' ? 1 : tableWidth(t)), 0);
}

function tableWidth(t: Table): number {
  return 1 + t.rows.reduce((n, row) => n + 1 + row.reduce((m, cell) => m + 1 + width(cell), 0), 0);
}

interface Slot { tokens: Token[]; offset: number; inTable: boolean }

function locateInTable(t: Table, start: number, index: number): Slot | undefined {
  let pos = start + 1;
  for (const row of t.rows) {
    pos += 1;
    for (const cell of row) {
      pos += 1;
      const w = width(cell);
      if (index >= pos && index < pos + w) return locateChar(cell, pos, index, true);
      pos += w;
    }
  }
  return undefined; // a table, row or cell start
}

/** The character at `index`, or undefined when `index` is a structural position (not in a paragraph). */
function locateChar(tokens: Token[], base: number, index: number, inTable = false): Slot | undefined {
  let pos = base;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (t.kind === 'char') {
      if (pos === index) return { tokens, offset: i, inTable };
      pos += 1;
      continue;
    }
    const w = tableWidth(t);
    if (index >= pos && index < pos + w) return locateInTable(t, pos, index);
    pos += w;
  }
  return undefined;
}

function paragraphNewline(tokens: Token[], offset: number): Char {
  for (let i = offset; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (t.kind === 'char' && t.ch === '\n') return t;
  }
  throw new Error('fake invariant: paragraph without newline');
}

function segmentEnd(doc: FakeDocument): number {
  return 1 + width(doc.body);
}

function insertionSlot(doc: FakeDocument, index: number): Slot {
  const end = segmentEnd(doc);
  if (index >= end) throw new ApiError(400, `Index ${index} must be less than the end index of the referenced segment, ${end}.`);
  const slot = index >= 1 ? locateChar(doc.body, 1, index) : undefined;
  if (!slot) throw new ApiError(400, NOT_IN_PARAGRAPH);
  return slot;
}

function insertText(doc: FakeDocument, index: number, text: string): void {
  if (!text) throw new ApiError(400, 'Insert text requests must specify text to insert.');
  const { tokens, offset } = insertionSlot(doc, index);
  const prev = tokens[offset - 1];
  const next = tokens[offset] as Char;
  const style = prev?.kind === 'char' && prev.ch !== '\n' ? prev.style : next.style;
  const para = paragraphNewline(tokens, offset).para as ParaProps;
  const chars = text.split('').map((ch): Char => (ch === '\n' ? newline(para, style) : { kind: 'char', ch, style: structuredClone(style) }));
  tokens.splice(offset, 0, ...chars);
}

function insertTable(doc: FakeDocument, index: number, rows: number, columns: number): void {
  if (!(rows >= 1 && columns >= 1)) throw new ApiError(400, 'Tables must have at least one row and one column.');
  const slot = insertionSlot(doc, index);
  if (slot.inTable) throw new ApiError(400, 'fake: nested tables are not modelled');
  const cell = (): Token[] => [newline({ namedStyleType: 'NORMAL_TEXT' })];
  const table: Table = { kind: 'table', rows: Array.from({ length: rows }, () => Array.from({ length: columns }, cell)) };
  const para = paragraphNewline(slot.tokens, slot.offset).para as ParaProps;
  slot.tokens.splice(slot.offset, 0, newline(para, (slot.tokens[slot.offset] as Char).style), table);
}

function checkRange(doc: FakeDocument, start: number, end: number): void {
  const segEnd = segmentEnd(doc);
  if (!(Number.isInteger(start) && Number.isInteger(end))) throw new ApiError(400, 'The range must have a start and an end index.');
  if (start >= end) throw new ApiError(400, `The start index ${start} must be less than the end index ${end}.`);
  if (start < 1) throw new ApiError(400, `Index ${start} must be greater than or equal to 1.`);
  if (end > segEnd) throw new ApiError(400, `Index ${end - 1} must be less than the end index of the referenced segment, ${segEnd}.`);
}

/** Deletes [start, end) from a segment; tables go only whole, or within one cell. */
function deleteIn(tokens: Token[], base: number, start: number, end: number): void {
  const drop: boolean[] = [];
  let pos = base;
  for (const t of tokens) {
    const w = t.kind === 'char' ? 1 : tableWidth(t);
    const inside = pos >= start && pos + w <= end;
    if (t.kind === 'table' && !inside && pos < end && pos + w > start) deleteInCell(t, pos, start, end);
    drop.push(inside);
    pos += w;
  }
  tokens.forEach((t, i) => {
    if (t.kind === 'table' && !drop[i] && drop[i - 1]) throw new ApiError(400, BAD_DELETE); // the newline before a table
  });
  const kept = tokens.filter((_, i) => !drop[i]);
  tokens.splice(0, tokens.length, ...kept);
}

function deleteInCell(t: Table, tableStart: number, start: number, end: number): void {
  let pos = tableStart + 1;
  for (const row of t.rows) {
    pos += 1;
    for (const cell of row) {
      pos += 1;
      const w = width(cell);
      if (start >= pos && end <= pos + w - 1) return deleteIn(cell, pos, start, end);
      pos += w;
    }
  }
  throw new ApiError(400, BAD_DELETE);
}

function deleteContentRange(doc: FakeDocument, start: number, end: number): void {
  checkRange(doc, start, end);
  if (end === segmentEnd(doc)) throw new ApiError(400, 'The range cannot include the newline character at the end of the segment.');
  deleteIn(doc.body, 1, start, end);
}

function eachChar(tokens: Token[], base: number, fn: (c: Char, index: number) => void): void {
  let pos = base;
  for (const t of tokens) {
    if (t.kind === 'char') { fn(t, pos); pos += 1; continue; }
    let p = pos + 1;
    for (const row of t.rows) {
      p += 1;
      for (const cell of row) { p += 1; eachChar(cell, p, fn); p += width(cell); }
    }
    pos += tableWidth(t);
  }
}

/** Paragraph newlines whose paragraph [start, end) overlaps [from, to). */
function paragraphsIn(doc: FakeDocument, from: number, to: number): Char[] {
  const out: Char[] = [];
  let start: number | undefined;
  eachChar(doc.body, 1, (c, i) => {
    start ??= i;
    if (c.ch !== '\n') return;
    if (start < to && i + 1 > from) out.push(c);
    start = undefined;
  });
  return out;
}

function fieldList(fields: unknown, known: string[]): string[] {
  if (typeof fields !== 'string' || !fields) throw new ApiError(400, 'fields is required.');
  return fields === '*' ? known : fields.split(',').map((f) => f.trim());
}

const TEXT_FIELDS = ['bold', 'italic', 'underline', 'strikethrough', 'foregroundColor', 'link', 'weightedFontFamily', 'fontSize'];

function updateTextStyle(doc: FakeDocument, start: number, end: number, textStyle: Style, fields: unknown): void {
  checkRange(doc, start, end);
  const names = fieldList(fields, TEXT_FIELDS);
  const unknown = names.find((f) => !TEXT_FIELDS.includes(f));
  if (unknown) throw new ApiError(400, `Invalid field mask: unknown field ${unknown}.`);
  eachChar(doc.body, 1, (c, i) => {
    if (i < start || i >= end) return;
    for (const f of names) {
      if (textStyle[f] === undefined) delete c.style[f];
      else c.style[f] = structuredClone(textStyle[f]);
    }
  });
}

function updateParagraphStyle(doc: FakeDocument, start: number, end: number, style: Style, fields: unknown): void {
  checkRange(doc, start, end);
  const names = fieldList(fields, ['namedStyleType']);
  if (names.some((f) => f !== 'namedStyleType')) throw new ApiError(400, 'fake: only namedStyleType is modelled');
  for (const nl of paragraphsIn(doc, start, end)) {
    const para = nl.para as ParaProps;
    para.namedStyleType = String(style.namedStyleType ?? 'NORMAL_TEXT');
    if (!/^(HEADING_\d|TITLE|SUBTITLE)$/.test(para.namedStyleType)) delete para.headingId;
    else para.headingId ??= `h.fake${(headingSeq += 1).toString(36)}`;
  }
}

function setBullets(doc: FakeDocument, start: number, end: number, preset: string | undefined): void {
  checkRange(doc, start, end);
  const listId = `kix.list${doc.revision}`;
  for (const nl of paragraphsIn(doc, start, end)) {
    if (preset) (nl.para as ParaProps).bullet = { listId, preset };
    else delete (nl.para as ParaProps).bullet;
  }
}

type Req = Record<string, Record<string, unknown> & { range?: { startIndex: number; endIndex: number }; location?: { index: number } }>;

function applyRequest(doc: FakeDocument, req: Req): void {
  const [kind, ...more] = Object.keys(req);
  if (!kind || more.length > 0) throw new ApiError(400, 'A request must set exactly one kind.');
  const r = req[kind];
  const s = r.range?.startIndex ?? NaN;
  const e = r.range?.endIndex ?? NaN;
  switch (kind) {
    case 'insertText': return insertText(doc, r.location?.index ?? NaN, String(r.text ?? ''));
    case 'insertTable': return insertTable(doc, r.location?.index ?? NaN, Number(r.rows), Number(r.columns));
    case 'deleteContentRange': return deleteContentRange(doc, s, e);
    case 'updateTextStyle': return updateTextStyle(doc, s, e, (r.textStyle ?? {}) as Style, r.fields);
    case 'updateParagraphStyle': return updateParagraphStyle(doc, s, e, (r.paragraphStyle ?? {}) as Style, r.fields);
    case 'createParagraphBullets': return setBullets(doc, s, e, String(r.bulletPreset ?? 'BULLET_DISC_CIRCLE_SQUARE'));
    case 'deleteParagraphBullets': return setBullets(doc, s, e, undefined);
    default: throw new ApiError(400, `fake: request kind ${kind} is not modelled`);
  }
}

/** Applies all requests or none, like the real batchUpdate. */
function batchUpdate(doc: FakeDocument, requests: Req[]): void {
  const body = structuredClone(doc.body);
  const draft = { ...doc, body };
  requests.forEach((req, n) => {
    try {
      applyRequest(draft, req);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(400, `Invalid requests[${n}].${Object.keys(req)[0]}: ${err.message}`);
      throw err;
    }
  });
  doc.body = body;
  doc.revision += 1;
}

// ---------- documents.get JSON and a readable view ----------

function runsOf(chars: Char[], start: number): unknown[] {
  const runs: { startIndex: number; endIndex: number; textRun: { content: string; textStyle: Style } }[] = [];
  chars.forEach((c, i) => {
    const last = runs[runs.length - 1];
    if (last && JSON.stringify(last.textRun.textStyle) === JSON.stringify(c.style)) {
      last.textRun.content += c.ch;
      last.endIndex += 1;
    } else runs.push({ startIndex: start + i, endIndex: start + i + 1, textRun: { content: c.ch, textStyle: structuredClone(c.style) } });
  });
  return runs;
}

function contentJson(tokens: Token[], base: number): ElementJson[] {
  const out: ElementJson[] = [];
  let pos = base;
  let para: Char[] = [];
  for (const t of tokens) {
    if (t.kind === 'char') {
      para.push(t);
      pos += 1;
      if (t.ch !== '\n') continue;
      const { namedStyleType, bullet, headingId } = t.para as ParaProps;
      const start = pos - para.length;
      const paragraphStyle = { namedStyleType, ...(headingId ? { headingId } : {}) };
      out.push({ startIndex: start, endIndex: pos, paragraph: { elements: runsOf(para, start), paragraphStyle, ...(bullet ? { bullet: { listId: bullet.listId } } : {}) } });
      para = [];
      continue;
    }
    out.push(tableJson(t, pos));
    pos += tableWidth(t);
  }
  return out;
}

function tableJson(t: Table, start: number): ElementJson {
  let pos = start + 1;
  const tableRows = t.rows.map((row) => {
    const rowStart = pos;
    pos += 1;
    const tableCells = row.map((cell) => {
      const cellStart = pos;
      pos += 1 + width(cell);
      return { startIndex: cellStart, endIndex: pos, content: contentJson(cell, cellStart + 1) };
    });
    return { startIndex: rowStart, endIndex: pos, tableCells };
  });
  return { startIndex: start, endIndex: pos, table: { rows: t.rows.length, columns: t.rows[0].length, tableRows } };
}

function documentJson(doc: FakeDocument): DocJson {
  const content = [{ endIndex: 1, sectionBreak: { sectionStyle: {} } }, ...contentJson(doc.body, 1)];
  return { documentId: doc.id, title: doc.title, revisionId: `rev-${doc.revision}`, body: { content } };
}

function plain(tokens: Token[]): string {
  return tokens.map((t) => (t.kind === 'char' ? t.ch : '')).join('').replace(/\n$/, '');
}

function readBlocks(tokens: Token[]): ReadBlock[] {
  const out: ReadBlock[] = [];
  let para: Char[] = [];
  for (const t of tokens) {
    if (t.kind === 'table') { out.push({ type: 'table', rows: t.rows.map((row) => row.map(plain)) }); continue; }
    if (t.ch !== '\n') { para.push(t); continue; }
    const runs = runsOf(para, 0).map((r) => (r as { textRun: { content: string; textStyle: Style } }).textRun).map((r) => ({ text: r.content, style: r.textStyle }));
    const props = t.para as ParaProps;
    out.push({ type: 'paragraph', text: para.map((c) => c.ch).join(''), style: props.namedStyleType, bullet: Boolean(props.bullet), runs });
    para = [];
  }
  return out;
}

// ---------- Drive ----------

const DOC_MIME = 'application/vnd.google-apps.document';
const FOLDER_MIME = 'application/vnd.google-apps.folder';

function unquote(v: string): string {
  return v.slice(1, -1).replace(/\\(.)/g, '$1');
}

const QUOTED = String.raw`'(?:[^'\\]|\\.)*'`;
const APP_PROPERTY = new RegExp(String.raw`^appProperties has \{ key=(${QUOTED}) and value=(${QUOTED}) \}$`);

/** Supports `appProperties has { key='k' and value='v' }` and `trashed = false|true`, joined by `and`. */
function parseQuery(q: string): (f: FakeDriveFile) => boolean {
  const clauses = q.split(/ and (?=appProperties has|trashed =)/);
  const tests = clauses.map((clause) => {
    const m = APP_PROPERTY.exec(clause.trim());
    if (m) return (f: FakeDriveFile) => f.appProperties[unquote(m[1])] === unquote(m[2]);
    const t = /^trashed = (true|false)$/.exec(clause.trim());
    if (t) return (f: FakeDriveFile) => f.trashed === (t[1] === 'true');
    throw new ApiError(400, 'Invalid Value', 'invalid');
  });
  return (f) => tests.every((test) => test(f));
}

interface State { docs: Map<string, FakeDocument>; files: Map<string, FakeDriveFile>; seq: number }
type Query = Record<string, string>;
interface Reply { status: number; body: unknown }

const ok = (body: unknown): Reply => ({ status: 200, body });

function nextId(state: State, prefix: string): string {
  state.seq += 1;
  return `${prefix}${String(state.seq).padStart(4, '0')}`;
}

function fileFor(state: State, id: string, query: Query): FakeDriveFile {
  const file = state.files.get(id);
  // Drive hides Shared Drive items from callers that do not declare supportsAllDrives.
  if (!file || (file.driveId && query.supportsAllDrives !== 'true')) throw new ApiError(404, `File not found: ${id}.`, 'notFound', 'NOT_FOUND');
  return file;
}

function docFor(state: State, id: string): FakeDocument {
  const doc = state.docs.get(id);
  if (!doc) throw new ApiError(404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
  return doc;
}

function createFile(state: State, meta: Partial<FakeDriveFile>, query: Query): FakeDriveFile {
  const parents = meta.parents ?? [];
  const driveIds = parents.map((p) => fileFor(state, p, query)).map((p) => p.driveId);
  const file: FakeDriveFile = {
    id: nextId(state, meta.mimeType === DOC_MIME ? 'doc-' : 'file-'), name: meta.name ?? 'Untitled', mimeType: meta.mimeType ?? 'application/octet-stream',
    parents, appProperties: { ...meta.appProperties }, driveId: driveIds[0], trashed: false,
    createdTime: new Date(Date.UTC(2024, 0, 1) + state.seq * 1000).toISOString(), permissions: [],
  };
  state.files.set(file.id, file);
  if (file.mimeType === DOC_MIME) state.docs.set(file.id, { id: file.id, title: file.name, body: [newline({ namedStyleType: 'NORMAL_TEXT' })], revision: 1 });
  return file;
}

function listFiles(state: State, query: Query): Reply {
  const corpora = query.corpora ?? 'user';
  const allDrives = query.includeItemsFromAllDrives === 'true' && query.supportsAllDrives === 'true';
  if (corpora === 'allDrives' && !allDrives) throw new ApiError(400, 'includeItemsFromAllDrives and supportsAllDrives must be true for corpora allDrives.', 'invalid');
  if (corpora === 'drive' && !(allDrives && query.driveId)) throw new ApiError(400, 'driveId and includeItemsFromAllDrives are required for corpora drive.', 'invalid');
  const matches = parseQuery(query.q ?? 'trashed = false');
  const visible = (f: FakeDriveFile): boolean => (f.driveId
    ? allDrives && (corpora === 'allDrives' || f.driveId === query.driveId)
    : corpora === 'user' || corpora === 'allDrives');
  const files = [...state.files.values()].filter((f) => visible(f) && matches(f))
    .map(({ id, name, mimeType, createdTime }) => ({ id, name, mimeType, createdTime }));
  return ok({ kind: 'drive#fileList', incompleteSearch: false, files });
}

function updateFile(state: State, id: string, query: Query, body: Partial<FakeDriveFile>): Reply {
  const file = fileFor(state, id, query);
  if (body.name !== undefined) file.name = body.name;
  Object.assign(file.appProperties, body.appProperties ?? {});
  const add = query.addParents?.split(',').filter(Boolean) ?? [];
  add.forEach((p) => fileFor(state, p, query));
  const remove = new Set(query.removeParents?.split(',') ?? []);
  file.parents = [...file.parents.filter((p) => !remove.has(p)), ...add];
  return ok({ id: file.id, name: file.name });
}

function createPermission(state: State, id: string, query: Query, body: { type?: string; role?: string; emailAddress?: string }): Reply {
  const file = fileFor(state, id, query);
  if (!body.type || !body.role) throw new ApiError(400, 'Permission type and role are required.', 'required');
  const same = file.permissions.find((p) => p.type === body.type && p.emailAddress === body.emailAddress);
  if (same) return ok(same);
  const permission = { id: nextId(state, 'perm-'), type: body.type, role: body.role, emailAddress: body.emailAddress };
  file.permissions.push(permission);
  return ok(permission);
}

function createDocument(state: State, body: { title?: string }): Reply {
  const file = createFile(state, { name: body.title, mimeType: DOC_MIME }, {});
  return ok(documentJson(docFor(state, file.id)));
}

function applyBatch(state: State, id: string, body: { requests?: Req[] }): Reply {
  const doc = docFor(state, id);
  if (!Array.isArray(body.requests)) throw new ApiError(400, 'requests is required.');
  batchUpdate(doc, body.requests);
  return ok({ documentId: id, replies: body.requests.map(() => ({})), writeControl: { requiredRevisionId: `rev-${doc.revision}` } });
}

function route(state: State, method: string, path: string, query: Query, body: never): Reply | undefined {
  let m: RegExpExecArray | null;
  if (method === 'POST' && path === '/v1/documents') return createDocument(state, body);
  if (method === 'POST' && (m = /^\/v1\/documents\/([^/:]+):batchUpdate$/.exec(path))) return applyBatch(state, m[1], body);
  if (method === 'GET' && (m = /^\/v1\/documents\/([^/:]+)$/.exec(path))) return ok(documentJson(docFor(state, m[1])));
  if (method === 'GET' && path === '/drive/v3/files') return listFiles(state, query);
  if (method === 'POST' && path === '/drive/v3/files') return ok(createFile(state, body, query));
  if (method === 'PATCH' && (m = /^\/drive\/v3\/files\/([^/]+)$/.exec(path))) return updateFile(state, m[1], query, body);
  if ((m = /^\/drive\/v3\/files\/([^/]+)\/permissions$/.exec(path))) {
    if (method === 'GET') return ok({ kind: 'drive#permissionList', permissions: fileFor(state, m[1], query).permissions });
    if (method === 'POST') return createPermission(state, m[1], query, body);
  }
  return undefined;
}

function errorBody(status: number, message: string, reason: string, statusText: string): unknown {
  return { error: { code: status, message, status: statusText, errors: [{ message, domain: 'global', reason }] } };
}

export interface GoogleDocsFake {
  /** Pass as `rootUrl` to google.docs / google.drive. */
  rootUrl: string;
  requests: RecordedRequest[];
  /** Requests to paths the fake does not serve (each answered 501). */
  unexpected: string[];
  files(): FakeDriveFile[];
  /** A folder inside a Shared Drive: reachable only with supportsAllDrives. */
  addSharedDriveFolder(folderId: string, driveId: string): void;
  /** Fails the next `count` requests (that `fault.match` accepts) with the given status. */
  failNext(count: number, fault: Fault): void;
  read(documentId: string): ReadBlock[];
  documentJson(documentId: string): DocJson;
  /** Applies requests as batchUpdate would, e.g. to simulate a human edit. */
  apply(documentId: string, requests: unknown[]): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startGoogleDocsFake(): Promise<GoogleDocsFake> {
  const state: State = { docs: new Map(), files: new Map(), seq: 0 };
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const faults: { left: number; fault: Fault }[] = [];

  function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(reply.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    const record: RecordedRequest = { method, path, query, body, status: 0 };
    requests.push(record);
    const reply = (r: Reply, headers?: Record<string, string>): void => { record.status = r.status; send(res, r, headers); };
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return reply({ status: 401, body: errorBody(401, 'Request is missing required authentication credential.', 'required', 'UNAUTHENTICATED') });
    const slot = faults.find((f) => f.left > 0 && (!f.fault.match || f.fault.match({ method, path })));
    if (slot) {
      slot.left -= 1;
      if (slot.fault.afterApply) route(state, method, path, query, body as never);
      const { status, reason = 'backendError', message = `fake fault ${status}`, retryAfter } = slot.fault;
      return reply({ status, body: errorBody(status, message, reason, 'FAKE') }, retryAfter ? { 'retry-after': retryAfter } : {});
    }
    try {
      const out = route(state, method, path, query, body as never);
      if (out) return reply(out);
      unexpected.push(`${method} ${path}`);
      reply({ status: 501, body: errorBody(501, `fake: no route for ${method} ${path}`, 'notImplemented', 'UNIMPLEMENTED') });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      reply({ status: err.status, body: errorBody(err.status, err.message, err.reason, err.statusText) });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: errorBody(500, String(err), 'fakeBug', 'INTERNAL') }));
  });
  const port = await listenLocal(server);

  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    requests,
    unexpected,
    files: () => [...state.files.values()].filter((f) => f.mimeType !== FOLDER_MIME),
    addSharedDriveFolder(folderId, driveId) {
      state.files.set(folderId, { id: folderId, name: folderId, mimeType: FOLDER_MIME, parents: [], appProperties: {}, driveId, trashed: false, createdTime: '2024-01-01T00:00:00.000Z', permissions: [] });
    },
    failNext(count, fault) { faults.push({ left: count, fault }); },
    read: (id) => readBlocks(docFor(state, id).body),
    documentJson: (id) => documentJson(docFor(state, id)),
    apply: (id, reqs) => batchUpdate(docFor(state, id), reqs as Req[]),
    close: () => closeServer(server),
  };
}
