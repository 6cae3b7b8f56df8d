/**
 * `release.strategy.webhooks:` (canary and ab) — Flagger's webhooks, each with how it
 * answers in this scenario:
 *
 *   webhooks:
 *   - {name: approve, type: confirm-promotion, openAt: 2m}        # or never, or passProbability: 0.5
 *   - {name: smoke, type: rollout, failAt: 3m}                     # or failProbability: 0.1
 *   - {name: load, type: rollout, loadTest: {rate: 20}}
 *   - {name: stop, type: rollback, at: 90s}                        # or probability: 0.05
 *
 * Each type takes only its own outcome fields, so a gate given `failAt` is an error naming
 * the field rather than a hook that silently never fails.
 */
import { GATE_TYPES, WEBHOOK_TYPES, type WebhookSpec, type WebhookType } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';

/** Outcome fields by kind of hook (what each one is asked). */
const GATE_FIELDS = ['openAt', 'passProbability'];
const CHECK_FIELDS = ['failAt', 'failProbability'];
const ROLLBACK_FIELDS = ['at', 'probability'];
/** Flagger's own fields, accepted so a Canary's webhook list pastes in; they change nothing here. */
const FLAGGER_FIELDS = ['url', 'timeout', 'metadata', 'muteAlert', 'retries', 'disableTLS'];

function outcomeFields(type: WebhookType): string[] {
  if (GATE_TYPES.includes(type)) return GATE_FIELDS;
  if (type === 'rollback') return ROLLBACK_FIELDS;
  return type === 'rollout' ? [...CHECK_FIELDS, 'loadTest'] : CHECK_FIELDS;
}

export function readWebhooks(r: Reader, v: Raw, path: string): WebhookSpec[] {
  const hooks = r.list(v, path, 'a list of webhooks {name, type, …}').map((h, i) => readWebhook(r, h, join(path, i)));
  hooks.forEach((h, i) => {
    if (hooks.findIndex((x) => x.name === h.name) < i) r.fail(join(join(path, i), 'name'), `webhook "${h.name}" is named twice (each hook draws from its own random stream, named after it)`);
  });
  return hooks;
}

function readWebhook(r: Reader, v: Raw, p: string): WebhookSpec {
  if (!r.isMap(v)) r.expected(p, 'a webhook {name, type, …}', v);
  const at = (k: string) => join(p, k);
  // Flagger's default type is rollout.
  const type = v.type === undefined ? 'rollout' : r.oneOf(v.type, at('type'), WEBHOOK_TYPES);
  const own = outcomeFields(type);
  const known = ['name', 'type', ...own, ...FLAGGER_FIELDS];
  for (const k of Object.keys(v)) {
    if (known.includes(k)) continue;
    const owner = WEBHOOK_TYPES.find((t) => outcomeFields(t).includes(k));
    if (owner) r.fail(at(k), `is not an outcome of a ${type} hook: ${describe(type)}`);
  }
  const f = r.fields(v, p, known);
  const hook: WebhookSpec = { name: r.name(required(r, f.name, at('name')), at('name'), 'a webhook name'), type, at: null, probability: 0, loadTest: null };
  const time = (k: string): number | null => (f[k] === 'never' || f[k] === null ? null : r.duration(f[k], at(k)));
  const chance = (k: string): number => r.fraction(f[k], at(k));
  if (GATE_TYPES.includes(type)) {
    // A gate with no outcome answers 200 at once, as a working Flagger webhook does.
    hook.at = f.openAt === undefined ? (f.passProbability === undefined ? 0 : null) : time('openAt');
    if (f.passProbability !== undefined) hook.probability = chance('passProbability');
  } else if (type === 'rollback') {
    if (f.at === undefined && f.probability === undefined) r.fail(p, 'a rollback hook needs at (the time it asks for a rollback) or probability (per analysis interval): without one it never asks');
    if (f.at !== undefined) hook.at = time('at');
    if (f.probability !== undefined) hook.probability = chance('probability');
  } else {
    if (f.failAt !== undefined) hook.at = time('failAt');
    if (f.failProbability !== undefined) hook.probability = chance('failProbability');
    if (f.loadTest !== undefined) {
      const lt = r.fields(f.loadTest, at('loadTest'), ['rate'], 'a map {rate: requests per second}');
      hook.loadTest = { rate: r.number(required(r, lt.rate, join(at('loadTest'), 'rate')), join(at('loadTest'), 'rate'), { min: 0, minExclusive: true, what: 'a rate in requests per second > 0' }) };
    }
  }
  return hook;
}

function describe(type: WebhookType): string {
  if (GATE_TYPES.includes(type)) return 'a gate opens with openAt (a time, or never) and/or passProbability';
  if (type === 'rollback') return 'a rollback hook asks for a rollback with at and/or probability';
  return `a ${type} check fails with failAt and/or failProbability${type === 'rollout' ? ', and may run a loadTest' : ''}`;
}
