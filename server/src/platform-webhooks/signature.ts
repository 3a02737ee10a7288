import { createHmac } from 'node:crypto';

/**
 * Signs one webhook the Standard Webhooks way (standardwebhooks.com): `v1,` and the base64 HMAC-SHA256 of
 * `id.timestamp.body`, keyed with the base64 part of the `whsec_…` secret decoded. The receiver's official
 * libraries recompute exactly this from the `webhook-id`, `webhook-timestamp` headers and the raw body.
 */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
