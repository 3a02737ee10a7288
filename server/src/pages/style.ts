/** The pages' stylesheet, inlined under the CSP nonce (no external requests from these pages). */
export const PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--ink:#1a1f36;--muted:#5b6478;--line:#dfe3eb;--bg:#f6f8fb;--accent:#635bff;--accent-ink:#4b44d6;--err:#c0123c;--ok:#0e8a5f;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0;min-height:100vh}
.shell{max-width:480px;margin:0 auto;padding:40px 20px}
.brand{font-weight:600;color:var(--muted);margin-bottom:16px;letter-spacing:.01em}
.brand-mark{color:var(--accent)}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:28px;box-shadow:0 1px 2px rgba(16,24,40,.04),0 8px 24px rgba(16,24,40,.06)}
h1{font-size:1.375rem;line-height:1.3;margin:0 0 8px}
p{margin:0 0 16px;color:var(--muted)}
strong{color:var(--ink)}
.foot{font-size:.8125rem;text-align:center;margin-top:20px}
.badge{display:inline-flex;align-items:center;gap:6px;font-size:.8125rem;font-weight:600;border-radius:999px;padding:2px 10px;border:1px solid var(--line);color:var(--muted);background:#fff}
.badge::before{content:"";width:8px;height:8px;border-radius:50%;background:#aab1c0}
.badge[data-mode=test]{color:#8a5a00;background:#fff8e6;border-color:#f5d68a}.badge[data-mode=test]::before{background:#e0a100}
.badge[data-mode=live]{color:var(--ok);background:#e8f7f0;border-color:#a6e1c5}.badge[data-mode=live]::before{background:var(--ok)}
.field{margin:18px 0}
label{display:block;font-weight:600;margin-bottom:6px}
.hint{font-size:.875rem;color:var(--muted);margin:6px 0 0}
input[type=text],input[type=password]{width:100%;font:inherit;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375rem;padding:10px 12px;border:1px solid #c9ced8;border-radius:8px;background:#fff;color:var(--ink)}
input:focus{outline:3px solid rgba(99,91,255,.35);outline-offset:1px;border-color:var(--accent)}
input[aria-invalid=true]{border-color:var(--err)}
.field-error{color:var(--err);font-size:.875rem;font-weight:500;margin:6px 0 0}
.alert{border:1px solid #f3b8c6;background:#fdf0f3;color:var(--err);border-radius:8px;padding:10px 12px;margin:16px 0;font-weight:500}
.alert:focus{outline:3px solid rgba(192,18,60,.3)}
details{border-top:1px solid var(--line);padding:12px 0 0;margin-top:12px;font-size:.9375rem}
details+details{margin-top:8px}
summary{cursor:pointer;font-weight:600;color:var(--accent-ink)}
summary:focus-visible{outline:3px solid rgba(99,91,255,.35);border-radius:4px}
details ol,details ul{color:var(--muted);padding-left:20px;margin:8px 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;background:#f1f3f8;border-radius:4px;padding:1px 4px}
.button{display:inline-block;width:100%;text-align:center;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;padding:12px 16px;cursor:pointer;text-decoration:none;margin-top:20px}
.button:hover{background:var(--accent-ink)}
.button:focus-visible{outline:3px solid rgba(99,91,255,.45);outline-offset:2px}
.icon{width:44px;height:44px;border-radius:50%;display:grid;place-items:center;font-weight:700;font-size:1.25rem;margin-bottom:14px}
.icon-ok{background:#e8f7f0;color:var(--ok)}
.icon-error{background:#fdf0f3;color:var(--err)}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:16px 0 0;font-size:.9375rem}
dt{color:var(--muted)}dd{margin:0;font-weight:500;overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){:root{--ink:#e8ebf2;--muted:#a3abbd;--line:#30364a;--bg:#111522}
.card,input[type=text],input[type=password],.badge{background:#1a1f30}input[type=text],input[type=password]{border-color:#3b4258}code{background:#262c40}}
`;
