import { google } from 'googleapis';
import { afterEach, beforeEach, expect } from 'vitest';
import { createGoogleDocWriter, type GoogleDocWriterOptions } from '../../../src/adapters/docs/google/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startGoogleDocsFake, type GoogleDocsFake } from '../../fakes/google-docs-fake.js';

/**
 * A Google Docs fake per test with a shared-drive folder, and the real writer pointed at it (a fixed
 * clock that a wait advances); the fake must have seen no unexpected request. Call inside a describe.
 */
export function googleDocsWriterHarness(folderId: string, options: Partial<GoogleDocWriterOptions> = {}): { readonly fake: GoogleDocsFake; writer(): ReturnType<typeof createGoogleDocWriter> } {
  let fake: GoogleDocsFake | undefined;
  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    fake.addSharedDriveFolder(folderId, 'drive-1');
  });
  afterEach(async () => {
    expect(fake?.unexpected).toEqual([]);
    await fake?.close();
  });
  return {
    get fake() {
      if (!fake) throw new Error('googleDocsWriterHarness: the fake starts in beforeEach');
      return fake;
    },
    writer() {
      const auth = new google.auth.OAuth2();
      auth.setCredentials({ access_token: 'test-token' });
      const clock = fixedClock(Date.UTC(2026, 10, 30));
      return createGoogleDocWriter({ auth, rootUrl: this.fake.rootUrl, folderId, logger: silentLogger, clock, sleep: async (ms) => clock.advance(ms), ...options });
    },
  };
}
