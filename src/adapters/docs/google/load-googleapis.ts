/**
 * googleapis takes ~1.3 s to load (every Google API's client): only a job that writes a Google Doc
 * loads it, on first use, so the scan, digest-to-Slack and proposal jobs start without it.
 */
import { createRequire } from 'node:module';
import type * as Googleapis from 'googleapis';

let loaded: typeof Googleapis | undefined;

export function googleapis(): typeof Googleapis {
  loaded ??= createRequire(import.meta.url)('googleapis') as typeof Googleapis;
  return loaded;
}
