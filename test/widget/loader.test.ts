import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { STUB_SOURCE, takeQueue } from '../../widget/src/loader';
import { createFacade, dispatch, drain } from '../../widget/src/facade';
import { createEmitter } from '../../widget/src/events';
import type { WidgetApi } from '../../widget/src/widget';
import { readFileSync } from 'node:fs';

/** A widget API that records what it was asked. */
function recordingWidget(calls: unknown[][]): WidgetApi {
  const rec =
    (name: string) =>
    (...args: unknown[]) => (calls.push([name, ...args]), name === 'getCart' ? Promise.resolve({ id: 'c1' }) : undefined);
  const names = ['add', 'open', 'close', 'getCart', 'checkout', 'on', 'off', 'openAdmin', 'destroy'];
  return Object.fromEntries(names.map((n) => [n, rec(n)])) as unknown as WidgetApi;
}

/** Captures console.warn lines while `fn` runs. */
function captureWarnings(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.warn;
  console.warn = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return lines;
}

describe('paste-in stub and queue', () => {
  it('queues calls made before the widget loads and replays them in order, settling their promises', async () => {
    const win: { CheckoutBest?: any; Promise: PromiseConstructor } = { Promise };
    runInNewContext(STUB_SOURCE, { window: win, Promise });
    const pending = win.CheckoutBest.getCart();
    win.CheckoutBest.add('house-blend', 2);
    win.CheckoutBest('open');
    const queue = takeQueue(win);
    // The stub ran in another realm (vm), so compare plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(queue.map(([c, a]) => [c, ...a]))), [['getCart'], ['add', 'house-blend', 2], ['open']]);
    const calls: unknown[][] = [];
    drain(recordingWidget(calls), queue);
    assert.deepEqual(await pending, { id: 'c1' });
    assert.deepEqual(calls, [['getCart'], ['add', 'house-blend', 2], ['open']]);
  });

  it('is the exact stub the README and the example storefront tell merchants to paste', () => {
    assert.ok(readFileSync('examples/storefront/api.html', 'utf8').includes(STUB_SOURCE));
    assert.ok(readFileSync('README.md', 'utf8').includes(STUB_SOURCE), 'README embedding section shows the stub');
  });

  it('warns about unknown commands with the prefix instead of throwing', async () => {
    const calls: unknown[][] = [];
    let result: Promise<unknown> = Promise.resolve();
    const lines = captureWarnings(() => {
      result = dispatch(recordingWidget(calls), 'explode', []);
    });
    assert.equal(await result, null);
    assert.equal(calls.length, 0);
    assert.match(lines[0], /^\[checkout-best\] unknown command "explode"/);
  });

  it('never lets a failing method throw into the page', async () => {
    const widget = recordingWidget([]);
    widget.open = () => {
      throw new Error('boom');
    };
    const facade = createFacade(widget);
    let value: unknown;
    const lines = captureWarnings(() => {
      value = (facade.open as () => unknown)();
    });
    assert.equal(await value, null);
    assert.match(lines[0], /^\[checkout-best\] open failed/);
  });
});

describe('events', () => {
  it('calls listeners, survives a throwing one, forgets removed ones and warns about unknown names', () => {
    const events = createEmitter();
    const seen: unknown[] = [];
    const listener = (p: unknown) => seen.push(p);
    events.on('cart:updated', () => {
      throw new Error('page bug');
    });
    events.on('cart:updated', listener);
    const lines = captureWarnings(() => {
      events.emit('cart:updated', 1);
      events.off('cart:updated', listener);
      events.emit('cart:updated', 2);
      events.on('cart:changed', listener);
    });
    assert.deepEqual(seen, [1]);
    assert.match(lines[0], /\[checkout-best\] a "cart:updated" listener threw/);
    assert.match(lines.at(-1)!, /\[checkout-best\] unknown event "cart:changed"/);
  });
});
