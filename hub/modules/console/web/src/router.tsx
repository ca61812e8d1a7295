import { type AnchorHTMLAttributes, type MouseEvent, useMemo, useSyncExternalStore } from 'react';

/** The console's pages: the last segment of the address (`/console/lineage`). */
export const PAGES = ['access-log', 'lineage', 'service-index', 'quality'] as const;
export type Page = (typeof PAGES)[number];

/** Where the console is: a page, and its state (search, selection, paging) in the fragment. */
export interface Route {
  page: Page | undefined;
  params: URLSearchParams;
}

/**
 * The console's folder as the page was loaded (`/console/`, or under a prefix the hub sits behind):
 * every page is one segment below it, so the bundle's relative asset paths hold on every page.
 */
const CONSOLE_PATH = window.location.pathname.replace(/[^/]*$/, '');

/**
 * The address of one of the hub's own paths (`graphql`, `access-log/export`): the console's folder
 * is one below the hub's root.
 */
export function hubUrl(path: string): string {
  return new URL(`../${path}`, new URL(CONSOLE_PATH, window.location.origin)).toString();
}

const NAVIGATED = 'lienthong:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

const isPage = (segment: string): segment is Page => (PAGES as readonly string[]).includes(segment);

/**
 * Parameters with empty values left out, in a stable order, so equal states have equal addresses.
 * The state lives in the fragment: it never reaches the hub or a proxy's log, since it may hold a
 * citizen's ID number.
 */
function fragmentOf(params: Record<string, string | undefined> | URLSearchParams): string {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  const kept = new URLSearchParams(
    entries.filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const text = kept.toString();
  return text ? `#${text}` : '';
}

export type Params = Record<string, string | undefined>;

/** The address of a page with its state. */
export function routeHref(page: Page, params: Params | URLSearchParams = {}): string {
  return `${CONSOLE_PATH}${page}${fragmentOf(params)}`;
}

/** Goes to a page: a new history entry (Back returns), or `replace` the current one. */
export function navigate(
  page: Page,
  params: Params | URLSearchParams = {},
  options: { replace?: boolean } = {},
) {
  const href = routeHref(page, params);
  if (href === `${window.location.pathname}${window.location.hash}`) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The route, re-rendered when the address changes (links, Back and Forward). */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, () => window.location.href);
  return useMemo(() => {
    const url = new URL(href);
    const segment = url.pathname.slice(CONSOLE_PATH.length);
    return { page: isPage(segment) ? segment : undefined, params: new URLSearchParams(url.hash.slice(1)) };
  }, [href]);
}

/** Parameters as a plain object (for building the next state from this one). */
export const paramsObject = (params: URLSearchParams): Params => Object.fromEntries(params);

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  page: Page;
  params?: Params;
};

/** A link within the console: an ordinary link (new tab, copy address), followed without reloading. */
export function Link({ page, params, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(page, params);
  };
  return <a href={routeHref(page, params)} onClick={follow} {...rest} />;
}
