import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

/** One scripted answer of the fake model, consumed in order, one per Converse request. */
export type FakeTurn =
  | { text: string; usage?: FakeUsage; delayMs?: number; stopReason?: string }
  | { toolUses: { name: string; input: unknown; toolUseId?: string }[]; usage?: FakeUsage }
  | { error: { status: number; type: string; message?: string; retryAfterSeconds?: number } };

interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface RecordedConverse {
  modelId: string;
  /** The raw request body as the SDK sent it. */
  raw: string;
  body: ConverseBody;
}

export interface FakeContentBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; status?: string; content: { text: string }[] };
}

/** The request fields the tests look at. */
export interface ConverseBody {
  system?: { text: string }[];
  messages: { role: string; content: FakeContentBlock[] }[];
  toolConfig?: { tools: { toolSpec: { name: string; description: string; inputSchema: { json: unknown } } }[] };
  inferenceConfig?: { maxTokens?: number };
}

export interface BedrockFake {
  endpoint: string;
  requests: RecordedConverse[];
  /** Requests the fake did not expect (wrong path, no turn left); tests assert it stays empty. */
  unexpected: string[];
  script(...turns: FakeTurn[]): void;
  close(): Promise<void>;
}

/** A local HTTP fake of `POST /model/<id>/converse` for driving the real Bedrock SDK. */
export async function startBedrockFake(): Promise<BedrockFake> {
  const turns: FakeTurn[] = [];
  const fake: Omit<BedrockFake, 'endpoint' | 'close'> = { requests: [], unexpected: [], script: (...t) => void turns.push(...t) };
  const server = createServer((req, res) => void handle(req, res, turns, fake));
  const port = await listenLocal(server);
  return {
    ...fake,
    endpoint: `http://127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, turns: FakeTurn[], fake: Pick<BedrockFake, 'requests' | 'unexpected'>): Promise<void> {
  const raw = await readBody(req);
  const match = /^\/model\/([^/]+)\/converse$/.exec(req.url ?? '');
  if (req.method !== 'POST' || !match) {
    fake.unexpected.push(`${req.method} ${req.url}`);
    return send(res, 404, { message: 'fake: unexpected request' }, 'UnknownOperationException');
  }
  fake.requests.push({ modelId: decodeURIComponent(match[1]), raw, body: JSON.parse(raw) as ConverseBody });
  const turn = turns.shift();
  if (!turn) {
    fake.unexpected.push(`converse #${fake.requests.length}: no scripted turn left`);
    return send(res, 400, { message: 'fake: no scripted turn left' }, 'ValidationException');
  }
  if ('error' in turn) return send(res, turn.error.status, { message: turn.error.message ?? turn.error.type }, turn.error.type, turn.error.retryAfterSeconds);
  if ('delayMs' in turn && turn.delayMs) await new Promise((r) => setTimeout(r, turn.delayMs));
  send(res, 200, answer(turn));
}

function answer(turn: Exclude<FakeTurn, { error: unknown }>): unknown {
  const usage = turn.usage ?? { inputTokens: 100, outputTokens: 20 };
  const withTotal = { ...usage, totalTokens: usage.inputTokens + usage.outputTokens };
  if ('text' in turn) {
    return { output: { message: { role: 'assistant', content: [{ text: turn.text }] } }, stopReason: turn.stopReason ?? 'end_turn', usage: withTotal, metrics: { latencyMs: 5 } };
  }
  const content = turn.toolUses.map((u, i) => ({ toolUse: { toolUseId: u.toolUseId ?? `t${i + 1}`, name: u.name, input: u.input } }));
  return { output: { message: { role: 'assistant', content } }, stopReason: 'tool_use', usage: withTotal, metrics: { latencyMs: 5 } };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string, retryAfterSeconds?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  res.writeHead(status, headers).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
