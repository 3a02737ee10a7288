// The bench's table: one line per row and request, in Markdown (readable here, pasteable into README).
import type { Figures } from './load';

/** The figures of one request in one row. */
export interface Result {
  row: string;
  request: string;
  app: Figures;
  hello: Figures;
  same: Figures;
  /** PostgreSQL's physical floor for the GET: the same statement on a bare pg Pool (baselines.ts). */
  floor?: Figures;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
/** Requests/s of the app over the baseline's, and (steadier on a busy machine) the baseline's CPU per request over the app's. */
const ratio = (app: Figures, base: Figures) => `${(app.rps / base.rps).toFixed(2)}× (CPU ${(base.cpu / app.cpu).toFixed(2)}×)`;
const errors = (f: Figures) => (f.errors ? ` ⚠ ${f.errors} errors` : '');
/** req/s (CPU µs/req, p99 ms) of a baseline. */
const cell = (f: Figures) => `${int(f.rps)} (${int(f.cpu)} µs, ${f.p99} ms)${errors(f)}`;

/** The results as a Markdown table. */
export function formatTable(results: Result[]): string {
  const head = [
    '| row | request | app req/s | p99 ms | CPU µs/req | app/hello-world | app/same-shape | app/floor | hello-world req/s (CPU, p99) | same-shape req/s (CPU, p99) | floor req/s (CPU, p99) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const lines = results.map((r) => {
    const appCpu = `${int(r.app.cpu)}${r.app.sideCpu ? ` + proxy ${int(r.app.sideCpu)}` : ''}`;
    return `| ${r.row} | ${r.request} | ${int(r.app.rps)}${errors(r.app)} | ${r.app.p99} | ${appCpu} | ${ratio(r.app, r.hello)} | ${ratio(r.app, r.same)} | ${r.floor ? ratio(r.app, r.floor) : '–'} | ${cell(r.hello)} | ${cell(r.same)} | ${r.floor ? cell(r.floor) : '–'} |`;
  });
  return [...head, ...lines].join('\n');
}
