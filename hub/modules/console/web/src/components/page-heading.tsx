import { type ReactNode, useEffect, useRef } from 'react';

/** Whether a page heading has been shown yet since the console was loaded. */
let loaded = false;

/**
 * A page's one `h1`. Every page shown after the first takes focus to its heading (after it has
 * loaded, pages being loaded on demand), so a screen reader announces the new page and the next
 * Tab starts from its top; the first page leaves focus where the browser put it.
 */
export function PageHeading({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (loaded) heading.current?.focus();
    loaded = true;
  }, []);
  return (
    <h1 id="page-heading" tabIndex={-1} ref={heading}>
      {children}
    </h1>
  );
}
