// Matches a method and path against the route table (`:name` parts capture one path segment).
import type { Route } from './context';

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** A route with the values of its `:name` parts. */
export interface Match {
  route: Route;
  routeParams: Record<string, string>;
}

/** Builds a matcher over a route table; static segments win over `:name` ones (so `/search` beats `/:id`). */
export function createRouter(routes: Route[]): (method: string, path: string) => Match | undefined {
  const compiled: Compiled[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path.replace(/:([a-z_]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, regex: new RegExp(`^${source}/?$`), names };
  });
  compiled.sort((a, b) => a.names.length - b.names.length);
  return (method, path) => {
    for (const { route, regex, names } of compiled) {
      if (route.method !== method) continue;
      const found = regex.exec(path);
      if (!found) continue;
      const routeParams: Record<string, string> = {};
      names.forEach((name, i) => (routeParams[name] = decodeURIComponent(found[i + 1])));
      return { route, routeParams };
    }
    return undefined;
  };
}
