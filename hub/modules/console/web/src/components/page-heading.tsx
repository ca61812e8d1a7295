import { type ReactNode, useEffect, useRef } from 'react';

/** The heading of the first page shown since the console was loaded. */
let first: HTMLHeadingElement | null | undefined;

/**
 * A page's one `h1`. Every page shown after the first takes focus to its heading (after it has
 * loaded, pages being loaded on demand), so a screen reader announces the new page and the next
 * Tab starts from its top; the first page leaves focus where the browser put it.
 */
export function PageHeading({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // the same element again is the same page (React runs effects twice in development)
    if (first === undefined) first = heading.current;
    else if (heading.current !== first) heading.current?.focus();
  }, []);
  return (
    <h1 id="page-heading" tabIndex={-1} ref={heading}>
      {children}
    </h1>
  );
}
