import { describe, expect, it } from 'vitest';
import { reportLinks } from '../../src/report/report-links.js';

const expr = (url: string | undefined) => new URL(url!).searchParams.get('g0.expr');

describe('reportLinks', () => {
  it.each([
    ['KubeJobFailed', 'ALERTS{alertname="KubeJobFailed"}'],
    ['Disk "data" full', 'ALERTS{alertname="Disk \\"data\\" full"}'],
    ['C:\\ drive', 'ALERTS{alertname="C:\\\\ drive"}'],
  ])('links alert %j to a Prometheus graph of its ALERTS series', (name, expected) => {
    const links = reportLinks({ prometheusUrl: 'https://prometheus.example/' });

    expect(expr(links.alert?.(name))).toBe(expected);
  });

  it('links a thread to its Slack permalink', () => {
    expect(reportLinks({ oncallChannelUrl: 'https://acme.slack.com/archives/C123/' }).thread?.('1748250000.000100')).toBe('https://acme.slack.com/archives/C123/p1748250000000100');
  });
});
