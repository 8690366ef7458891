import { useEffect, useId, useState } from 'react';
import { api } from '../common/api.js';

/** The annotationQuery box, offering the configured tag keys and, after "key=", that key's values. */
export function TagQueryInput(p: { value: string; onChange: (v: string) => void }) {
  const list = useId();
  const [keys, setKeys] = useState<string[]>([]);
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => { api.autocompleteKeys().then((k) => setKeys(Array.isArray(k) ? k : []), () => setKeys([])); }, []);
  const last = p.value.split(/\s+and\s+/).pop() ?? '';
  const eq = last.indexOf('=');
  const key = eq > 0 ? last.slice(0, eq) : '';
  useEffect(() => {
    if (!key || !keys.includes(key)) { setValues([]); return; }
    let live = true;
    api.autocompleteValues(key).then((v) => { if (live) setValues(Array.isArray(v) ? v : []); }, () => setValues([]));
    return () => { live = false; };
  }, [key, keys]);
  const prefix = p.value.slice(0, p.value.length - last.length);
  const options = key ? values.map((v) => `${prefix}${key}=${v}`) : keys.map((k) => `${prefix}${k}=`);
  return (
    <>
      <input value={p.value} onChange={(e) => p.onChange(e.target.value)} list={list} placeholder="key=value and word" data-testid="tag-query" />
      <datalist id={list}>{options.slice(0, 200).map((o) => <option key={o} value={o} />)}</datalist>
    </>
  );
}
