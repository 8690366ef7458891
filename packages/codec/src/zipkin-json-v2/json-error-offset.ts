/**
 * Finds the character index where a JSON text first goes wrong, for error messages only (the
 * hot path uses JSON.parse, whose V8 messages do not always say where). Iterative, so deep
 * nesting cannot overflow the stack. Returns the text length when the input just ends early.
 */
export function jsonErrorIndex(text: string): number {
  const n = text.length;
  const stack: number[] = []; // 91 '[' or 123 '{'
  let i = 0;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
      i++;
    }
  };
  const literal = (word: string): boolean => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return true;
    }
    for (let k = 0; k < word.length; k++) if (text.charCodeAt(i + k) !== word.charCodeAt(k)) {
      i += k;
      return false;
    }
    return false;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return false;
    i += m[0].length;
    return true;
  };
  // value: parse one value; containers push and continue the loop
  for (;;) {
    ws();
    if (i >= n) return n;
    const c = text.charCodeAt(i);
    let ok = true;
    if (c === 91 || c === 123) {
      stack.push(c);
      i++;
      ws();
      if (i >= n) return n;
      const close = c === 91 ? 93 : 125;
      if (text.charCodeAt(i) === close) {
        stack.pop();
        i++;
      } else if (c === 123) {
        if (text.charCodeAt(i) !== 34 || !string()) return Math.min(i, n);
        ws();
        if (text.charCodeAt(i) !== 58) return Math.min(i, n);
        i++;
        continue;
      } else continue;
    } else if (c === 34) ok = string();
    else if (c === 116) ok = literal('true');
    else if (c === 102) ok = literal('false');
    else if (c === 110) ok = literal('null');
    else ok = number();
    if (!ok) return Math.min(i, n);
    // after a value: close containers or take a comma
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      if (i >= n) return n;
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        if (top === 123) {
          ws();
          if (text.charCodeAt(i) !== 34 || !string()) return Math.min(i, n);
          ws();
          if (text.charCodeAt(i) !== 58) return Math.min(i, n);
          i++;
        }
        break;
      }
      if (d === (top === 91 ? 93 : 125)) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}
