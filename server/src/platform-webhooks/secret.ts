import { randomBytes } from 'node:crypto';

/** How long a rotated-out secret keeps signing beside the new one, so a receiver can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A new signing secret in the Standard Webhooks form: `whsec_` and the base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A new endpoint id: `we_` and 96 random bits. */
export function newEndpointId(): string {
  return `we_${randomBytes(12).toString('base64url')}`;
}
