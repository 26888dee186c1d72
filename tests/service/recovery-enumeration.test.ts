import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SmtpSink } from '../peers/smtp-sink';
import { uniqueEmail, waitForEmails } from '../helpers/recovery';
import { holderRequest, request, startTestService, uniquePersonalNumber, type TestService } from '../helpers/service';

const rounds = 50;
const warmUpRounds = 5;
// Other work on the machine can move one median by more than 10 % in a single measurement. A
// leak, such as building the email in the request path, shifts every measurement, so the test
// measures up to this many times and passes on the first measurement within 10 %.
const maxMeasurements = 3;
// High enough that 110 requests for one holder, one email and one address never block, so every
// request runs the full throttle, look-up and write path.
const generousLimit = { freeFailures: 100_000, maxDelaySeconds: 1, windowSeconds: 3600 };

let sink: SmtpSink;
let service: TestService;

beforeAll(async () => {
  sink = new SmtpSink();
  await sink.start();
  service = await startTestService({
    smtpUrl: sink.url,
    recoveryThrottle: { personalNumber: generousLimit, email: generousLimit, address: generousLimit },
  });
});

afterAll(async () => {
  await service?.close();
  await sink?.stop();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[middle]!;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 25));

describe('recovery does not reveal unknown accounts', () => {
  it('gives the same status, body and median time', async () => {
    const known = holderRequest({ email: uniqueEmail('known') });
    await service.enroll(known);
    const unknown = { personalNumber: uniquePersonalNumber(), email: uniqueEmail('unknown') };

    const answers: Record<'known' | 'unknown', Array<{ status: number; body: Record<string, unknown> }>> = { known: [], unknown: [] };
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    let knownEmails = 0;

    const send = async (kind: 'known' | 'unknown', measured: boolean) => {
      const target = kind === 'known' ? known : unknown;
      const started = performance.now();
      const answer = await request(service, 'POST', '/api/v1/recovery', { body: { personalNumber: target.personalNumber, email: target.email, want: 'password' } });
      const elapsed = performance.now() - started;

      // The matched request sends its email after responding; waiting for it here keeps that
      // send from overlapping the next measured request, whichever kind it is.
      if (kind === 'known') {
        knownEmails += 1;
        await waitForEmails(sink, known.email, knownEmails);
      }
      await settle();
      if (!measured) return;
      answers[kind].push(answer);
      times[kind].push(elapsed);
    };

    for (let round = 0; round < warmUpRounds; round += 1) {
      await send('known', false);
      await send('unknown', false);
    }
    const medians: string[] = [];
    let relativeDifference = Number.POSITIVE_INFINITY;
    for (let measurement = 0; measurement < maxMeasurements && relativeDifference > 0.1; measurement += 1) {
      times.known = [];
      times.unknown = [];
      // Rounds alternate between known-unknown and unknown-known, so drift in machine load hits
      // both kinds alike and each kind follows a known request (and the work its email leaves in
      // the service) half the time. A random order per round made the unknown request follow a
      // known one three times in four, and measured it about 12 % slower.
      for (let round = 0; round < rounds; round += 1) {
        const order: Array<'known' | 'unknown'> = round % 2 === 0 ? ['known', 'unknown'] : ['unknown', 'known'];
        for (const kind of order) await send(kind, true);
      }
      const knownMedian = median(times.known);
      const unknownMedian = median(times.unknown);
      relativeDifference = Math.abs(knownMedian - unknownMedian) / Math.max(knownMedian, unknownMedian);
      medians.push(`known ${knownMedian.toFixed(2)} ms, unknown ${unknownMedian.toFixed(2)} ms`);
    }

    const shape = (answer: { status: number; body: Record<string, unknown> }) => ({
      status: answer.status,
      body: { ...answer.body, requestId: typeof answer.body.requestId === 'string' && /^[A-Za-z0-9_-]{22}$/.test(answer.body.requestId) ? 'id' : answer.body.requestId },
    });
    const shapes = new Set([...answers.known, ...answers.unknown].map((answer) => JSON.stringify(shape(answer))));
    expect([...shapes]).toEqual([JSON.stringify({ status: 202, body: { requestId: 'id', codeValidSeconds: 600 } })]);
    expect(sink.messages.filter((message) => message.to.includes(unknown.email))).toEqual([]);
    expect(relativeDifference, `medians per measurement: ${medians.join('; ')}`).toBeLessThanOrEqual(0.1);
  });
});
