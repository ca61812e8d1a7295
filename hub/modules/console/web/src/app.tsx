import { lazy, Suspense, useEffect, useRef } from 'react';
import { LiveStatus } from './components/status.tsx';
import { LANGUAGES, type Language, useI18n } from './i18n/i18n.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Link, navigate, type Page, useRoute } from './router.tsx';
import { useSession } from './session.tsx';

const AccessLog = lazy(() => import('./pages/access-log.tsx'));
const Lineage = lazy(() => import('./pages/lineage.tsx'));
const ServiceIndex = lazy(() => import('./pages/service-index.tsx'));
const Quality = lazy(() => import('./pages/quality.tsx'));

const NAV: readonly { page: Page; key: 'accessLog' | 'lineage' | 'serviceIndex' | 'quality' }[] = [
  { page: 'access-log', key: 'accessLog' },
  { page: 'lineage', key: 'lineage' },
  { page: 'service-index', key: 'serviceIndex' },
  { page: 'quality', key: 'quality' },
];

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  const names: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };
  return (
    <div className="language">
      <label htmlFor="language">{t.app.language}</label>
      <select
        id="language"
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {names[code]}
          </option>
        ))}
      </select>
    </div>
  );
}

function SessionBar() {
  const { t, language, format } = useI18n();
  const session = useSession();
  if (session.state.status !== 'signed-in') return null;
  const { caller } = session.state;
  const agencyName = (language === 'en' && caller.agencyEnglishName) || caller.agencyName || caller.agency;
  return (
    <section className="session" aria-label={t.session.signedInAs}>
      <p>
        <span className="session-agency">
          {agencyName} ({caller.agency})
        </span>
        <span>
          {t.session.official}: <strong>{caller.official}</strong>
        </span>
        <span>
          {t.session.role}: <strong>{t.roles[caller.role] ?? caller.role}</strong>
        </span>
        <span>{t.session.expires(format.time(caller.expiresAt))}</span>
      </p>
      <button type="button" onClick={() => session.signOut()}>
        {t.session.signOut}
      </button>
    </section>
  );
}

function CurrentPage({ page }: { page: Page }) {
  switch (page) {
    case 'access-log':
      return <AccessLog />;
    case 'lineage':
      return <Lineage />;
    case 'service-index':
      return <ServiceIndex />;
    case 'quality':
      return <Quality />;
  }
}

/** The page's frame: skip link, header (language, who is signed in), navigation, the page. */
export function App() {
  const { t } = useI18n();
  const session = useSession();
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const signedIn = session.state.status === 'signed-in';
  const titleKey = NAV.find((item) => item.page === route.page)?.key;
  const pageName = signedIn ? (titleKey ? t.nav[titleKey] : t.app.title) : t.signIn.title;

  // The console opens on the access log.
  useEffect(() => {
    if (signedIn && route.page === undefined) navigate('access-log', {}, { replace: true });
  }, [signedIn, route.page]);

  useEffect(() => {
    document.title = t.app.pageTitle(pageName);
  }, [pageName, t]);

  return (
    <>
      {/* a button, not a link to #main: the fragment holds the page's state */}
      <button type="button" className="skip-link" onClick={() => main.current?.focus()}>
        {t.app.skip}
      </button>
      <header className="banner">
        <div className="brand">
          <span className="hub">{t.app.hub}</span>
          <span className="title">{t.app.title}</span>
        </div>
        <LanguageSwitch />
        <SessionBar />
      </header>
      {signedIn ? (
        <nav aria-label={t.app.pages} className="pages">
          <ul>
            {NAV.map((item) => (
              <li key={item.page}>
                <Link page={item.page} aria-current={route.page === item.page ? 'page' : undefined}>
                  {t.nav[item.key]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" ref={main} tabIndex={-1}>
        {session.state.status === 'checking' ? (
          <LiveStatus>{t.session.checking}</LiveStatus>
        ) : signedIn ? (
          route.page ? (
            <Suspense fallback={<LiveStatus>{t.app.loading}</LiveStatus>}>
              <CurrentPage page={route.page} />
            </Suspense>
          ) : (
            <LiveStatus>{t.app.loading}</LiveStatus>
          )
        ) : (
          <SignIn />
        )}
      </main>
    </>
  );
}
