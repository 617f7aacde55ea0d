import type { ChatChannel } from '../adapters/chat/types.js';
import type { IncidentGroupRow, Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { renderSupersededReply } from '../reporting/digest/render-digest-slack.js';
import { digestKeys } from './publish-digest.js';

export interface SupersedeDeps {
  store: Store;
  chat: () => ChatChannel;
  channel: string;
}

/** Marks an incident row a later digest run replaced (the row is kept: nothing written is lost). */
export const isSuperseded = (g: IncidentGroupRow) => typeof g.attributes.supersededByRunId === 'string';

/**
 * Incident groups an earlier run of the same day stored that this run's grouping no longer has
 * (a finding added or removed changes a group's id): each row is marked superseded (the weekly
 * report and the feedback reader skip it, and the proposals job withdraws its proposals not yet
 * approved), and its thread reply is edited to say so, so the thread holds one current reply per
 * incident. Groups of this run that failed are current (they are in `currentIds`); the caller does
 * not supersede at all in a run where a group failed (its replacement may be the one that failed).
 * A row is marked only once its reply is edited. A failure is recorded per group and does not stop
 * the others. Returns the ids superseded.
 */
export async function supersedeEarlierGroups(deps: SupersedeDeps, ctx: JobContext, run: { day: string; currentIds: ReadonlySet<string>; parentTs?: string; docUrl?: string }): Promise<string[]> {
  const earlier = (await deps.store.incidents.list({ day: run.day })).filter((g) => !run.currentIds.has(g.id) && !isSuperseded(g));
  const done: string[] = [];
  for (const g of earlier) {
    try {
      const nowMs = ctx.clock.nowMs();
      // the proposals job withdraws them (expired, with their own message updated) before reading any approval
      const withdrawn = (await deps.store.proposals.list({ states: ['proposed'], groupId: g.id })).map((p) => p.id);
      const key = digestKeys.group(run.day, g.id);
      const replied = await deps.store.publications.get(key);
      // no thread to edit in (the chat sink failed): leave the row current, so the next run edits its reply
      if (replied && !run.parentTs) continue;
      if (replied) {
        const msg = renderSupersededReply({ groupId: g.id, title: g.title, runId: ctx.runId, withdrawn }, run.docUrl ?? '');
        await deps.chat().upsertMessage({ channel: deps.channel, text: msg.text, blocks: msg.blocks, threadTs: run.parentTs, idempotencyKey: key });
      }
      await deps.store.incidents.upsert({ ...g, attributes: { ...g.attributes, supersededByRunId: ctx.runId, supersededAtMs: nowMs } });
      done.push(g.id);
    } catch (err) {
      ctx.fail(`group:${g.id}:supersede`, err);
    }
  }
  return done;
}
