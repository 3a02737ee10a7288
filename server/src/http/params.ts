import type { Context } from 'koa';

/** A path parameter as @koa/router decoded it, or '' when the route has none of that name. */
export function paramOf(ctx: Context, name: string): string {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
