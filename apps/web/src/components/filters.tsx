// What the list and form screens share: filters kept in the address's query (bookmarkable, back button
// works), the network picker, and the States to pick from.
import { useEffect, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { get, type StateEntryList } from '../api/client';
import { useMe } from '../app';
import { useI18n } from '../i18n';
import { NETWORK_CODES } from '../workflow-terms';

/**
 * The current query of `path` and a setter: `set({ key: value })` puts each non-empty value in the
 * address and removes the empty ones; keys in `resets` (a page offset) go away unless set in the same call.
 */
export function useQueryState(path: string, resets: string[] = []): { query: URLSearchParams; search: string; set: (changes: Record<string, string>) => void } {
  const search = useSearch();
  const [, navigate] = useLocation();
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    for (const k of resets) if (!(k in changes)) next.delete(k);
    navigate(`${path}${next.size ? `?${next}` : ''}`);
  };
  return { query: new URLSearchParams(search), search, set };
}

/** A labelled select of the networks (`withOther`: also OTHER, outside the three; `allLabel`: an empty "all" choice first). */
export function NetworkSelect({
  value,
  onChange,
  withOther,
  allLabel,
}: {
  value: string;
  onChange: (v: string) => void;
  withOther?: boolean;
  allLabel?: string;
}) {
  const i = useI18n();
  return (
    <label>
      {i.t('field.network')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {NETWORK_CODES.filter((n) => withOther || n !== 'OTHER').map((n) => (
          <option key={n} value={n}>
            {i.code('network', n)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The States of the directory other than the user's own (of `network` when given, OTHER meaning all), as
 * `{ code, name }` sorted by their name in the page's language. Read once per network (GET
 * /api/v1/directory/states); a change of language only renames and re-sorts them. Empty while loading or
 * when the directory cannot be read.
 */
export function useOtherStates(network?: string): Array<{ code: string; name: string }> {
  const i = useI18n();
  const me = useMe();
  const [codes, setCodes] = useState<string[]>([]);
  const scope = network && network !== 'OTHER' ? network : undefined;
  useEffect(() => {
    let live = true;
    get<StateEntryList>('/api/v1/directory/states', { network: scope }).then(
      (d) => live && setCodes(d.items.map((s) => s.code).filter((c) => c !== me.state)),
      () => live && setCodes([]),
    );
    return () => {
      live = false;
    };
  }, [scope, me.state]);
  return useMemo(() => codes.map((code) => ({ code, name: i.stateName(code) })).sort((a, b) => a.name.localeCompare(b.name, i.locale)), [codes, i]);
}
