import { ExternalServiceError } from '../../../core/errors.js';
import { paginate } from './paginate.js';
import { ChannelsPage } from './schema.js';
import type { SlackCaller } from './slack-call.js';

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/** Resolves `#name` or `name` to a channel id via conversations.list; ids pass through. Cached per instance. */
export function createChannelResolver(caller: SlackCaller, pageSize: number): (channel: string) => Promise<string> {
  const ids = new Map<string, string>();
  let listed = false;
  return async (channel) => {
    if (CHANNEL_ID.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const cached = ids.get(name);
    if (cached || listed) return cached ?? notFound(channel);
    const args = { types: 'public_channel,private_channel', exclude_archived: true, limit: pageSize };
    for await (const page of paginate(caller, 'conversations.list', args, ChannelsPage)) {
      for (const c of page.channels) if (c.name) ids.set(c.name, c.id);
      if (ids.has(name)) return ids.get(name) as string;
    }
    listed = true;
    return notFound(channel);
  };
}

function notFound(channel: string): never {
  throw new ExternalServiceError(
    `conversations.list: channel_not_found (${channel}; check the channel name and that the bot is a member of private channels)`,
    { service: 'slack', retryable: false },
  );
}
