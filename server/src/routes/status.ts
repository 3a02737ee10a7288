import Router from '@koa/router';
import { canTakePayments } from '../connect/connection';
import type { AppDeps } from '../deps';
import { errors } from '../errors';
import { cors } from '../security/cors';
import { loadStore } from './stores-view';

/** How long GET /readyz waits for the database before it answers 503 (load balancers' probes time out too). */
export const READY_TIMEOUT_MS = 2_000;

/** The answer of GET /readyz. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Public, CORS-open store status (`GET /stripe/status/:store_id`) and the probes: `GET /healthz` is liveness
 * (200 while the process serves, whatever the database does: restart the process only when it stops
 * answering), `GET /readyz` is readiness for load balancers (200 `{ ready: true }`, else 503
 * `{ ready: false, reason }`: during a graceful shutdown, while the database does not answer within
 * READY_TIMEOUT_MS, or while a migration this code knows is not applied). The readiness body is plain, not
 * the error catalogue's: it is read by a load balancer, not by API callers, and its reason is for the
 * operator (it never carries a secret or a driver's message; the error itself is logged).
 */
export function statusRouter(deps: AppDeps): Router {
  const router = new Router({ sensitive: true });
  const openCors = cors({ origins: () => '*', methods: ['GET'] });

  router.all('/stripe/status/:store_id', openCors, async (ctx) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw errors.methodNotAllowed(ctx.method, 'GET, HEAD, OPTIONS');
    const store = await loadStore(deps, ctx.params.store_id);
    const conn = await deps.storage.stores.getConnection(store.id);
    // Exactly the seed's three fields: storefronts read only whether payments can be taken.
    ctx.body = { store_id: store.id, has_stripe: canTakePayments(conn), is_live_mode: conn?.livemode ?? false };
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });

  const readiness = readinessCheck(deps);
  router.get('/readyz', async (ctx) => {
    const answer = await readiness();
    ctx.status = answer.ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = answer;
  });

  return router;
}

/** The readiness decision; logs when it changes (not on every probe) with the database error, if any. */
function readinessCheck(deps: Pick<AppDeps, 'storage' | 'lifecycle' | 'logger'>): () => Promise<Readiness> {
  let last: Readiness = { ready: true };
  const report = (answer: Readiness, err?: unknown): Readiness => {
    const changed = answer.ready !== last.ready || (!answer.ready && !last.ready && answer.reason !== last.reason);
    if (changed && !(answer.ready === false && answer.reason === 'shutting down')) {
      if (answer.ready) deps.logger.info('ready again');
      else deps.logger.warn(err === undefined ? { reason: answer.reason } : { reason: answer.reason, err }, 'not ready');
    }
    last = answer;
    return answer;
  };
  return async () => {
    if (deps.lifecycle.stopping) return report({ ready: false, reason: 'shutting down' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
    });
    try {
      const health = await Promise.race([deps.storage.health(), timeout]);
      if (health === 'timeout') return report({ ready: false, reason: `database did not answer within ${READY_TIMEOUT_MS} ms` });
      if (deps.lifecycle.stopping) return report({ ready: false, reason: 'shutting down' });
      return report(health.ok ? { ready: true } : { ready: false, reason: health.reason ?? 'storage not healthy' });
    } catch (err) {
      return report({ ready: false, reason: 'database unavailable' }, err);
    } finally {
      clearTimeout(timer);
    }
  };
}
