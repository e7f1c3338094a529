/**
 * Splits a migration script into its statements, as Postgres' own lexer would: a `;` ends a statement
 * only outside quoted text ('…', E'…', "…"), dollar-quoted bodies ($$…$$, $tag$…$tag$) and comments.
 * @prisma/adapter-pg 6.19.3 splits scripts on every `;`, which cuts a `DO` block or a function body
 * in pieces (prisma/migrate-adapter.ts, docs/prisma.md). Statements keep their text (comments
 * included); pieces holding nothing but whitespace are dropped.
 */
export function splitSqlScript(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  const push = (end: number) => {
    const stmt = script.slice(start, end).trim();
    if (stmt) out.push(stmt);
  };
  while (i < n) {
    const c = script[i];
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (c === "'") {
      i = skipQuoted(script, i, "'", isEscapeString(script, i));
    } else if (c === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 64));
      if (tag && !/[\w$]/.test(script[i - 1] ?? ' ')) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(n);
  return out;
}

/** Block comments nest in Postgres. */
function skipBlockComment(s: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < s.length) {
    if (s[i] === '/' && s[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (s[i] === '*' && s[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** `E'…'` (escape string syntax): a backslash escapes the next character. */
function isEscapeString(s: string, quote: number): boolean {
  return /[eE]/.test(s[quote - 1] ?? '') && !/[\w$]/.test(s[quote - 2] ?? ' ');
}

/** From an opening quote to just past its closing one (a doubled quote is a literal quote). */
function skipQuoted(s: string, from: number, q: string, backslashes: boolean): number {
  let i = from + 1;
  while (i < s.length) {
    if (backslashes && s[i] === '\\') i += 2;
    else if (s[i] === q) {
      if (s[i + 1] === q) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}
