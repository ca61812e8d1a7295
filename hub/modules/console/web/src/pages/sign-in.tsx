import { type FormEvent, useEffect, useId, useState } from 'react';
import { TextField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { LiveStatus } from '../components/status.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { hubUrl } from '../router.tsx';
import { type SignInProblem, useSession } from '../session.tsx';

interface DemoAgency {
  organCode: string;
  name: string;
  englishName?: string;
  roles: string[];
}

/** The demo inspectorates a hub with demo data can issue tokens for (none elsewhere: the route is absent). */
function useDemoInspectorates(): DemoAgency[] {
  const [agencies, setAgencies] = useState<DemoAgency[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    fetch(hubUrl('graphiql/demo-agencies'), { signal: controller.signal })
      .then((response) =>
        response.ok ? (response.json() as Promise<{ agencies: DemoAgency[] }>) : undefined,
      )
      .then((body) =>
        setAgencies(body?.agencies.filter((agency) => agency.roles.includes('inspector')) ?? []),
      )
      .catch(() => setAgencies([]));
    return () => controller.abort();
  }, []);
  return agencies;
}

function useProblemMessage(): (problem: SignInProblem) => string {
  const { t } = useI18n();
  const p = t.signIn.problems;
  return (problem) => {
    switch (problem.kind) {
      case 'empty':
        return p.empty;
      case 'malformed':
        return p.malformed;
      case 'expired':
        return p.expired;
      case 'invalid':
        return p.invalid(problem.reason);
      case 'role':
        return p.role(t.roles[problem.role] ?? problem.role);
      case 'network':
        return p.network;
      default:
        return p.other(problem.message);
    }
  };
}

const TOKEN_COMMAND = 'npm run token -- --agency 000.00.00.G17 --role inspector --official <your-staff-id>';

/**
 * Signing in: the inspector pastes a bearer token, which the hub verifies (`whoAmI`) before the
 * console keeps it for this tab; outside production, with demo data, a demo inspectorate's token.
 */
export function SignIn() {
  const { t, language } = useI18n();
  const session = useSession();
  const describe = useProblemMessage();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<SignInProblem | undefined>(
    session.state.status === 'signed-out' ? session.state.problem : undefined,
  );
  const demo = useDemoInspectorates();
  const [demoAgency, setDemoAgency] = useState('');
  const errorId = useId();

  const attempt = async (obtain: () => Promise<string>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const found = await session.signIn(await obtain());
      if (found) setProblem(found);
    } catch {
      setProblem({ kind: 'network' });
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => token);
  };

  const submitDemo = (event: FormEvent) => {
    event.preventDefault();
    const agency = demoAgency || demo[0]?.organCode;
    if (!agency) return;
    void attempt(async () => {
      const response = await fetch(hubUrl('graphiql/demo-token'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agency, role: 'inspector', official: 'console-demo' }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    });
  };

  return (
    <div className="sign-in">
      <PageHeading>{t.signIn.title}</PageHeading>
      <p>{t.signIn.intro}</p>
      <form onSubmit={submit} className="card" aria-describedby={problem ? errorId : undefined} noValidate>
        <TextField
          id="token"
          label={t.signIn.token}
          hint={t.signIn.tokenHint}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={problem ? true : undefined}
          required
        />
        <button type="submit" disabled={busy}>
          {t.signIn.submit}
        </button>
      </form>
      <LiveStatus>{busy ? t.signIn.checking : ''}</LiveStatus>
      {problem ? (
        <div className="notice notice-error" role="alert" id={errorId}>
          <p>{describe(problem)}</p>
        </div>
      ) : null}
      <section className="card" aria-labelledby="no-token">
        <h2 id="no-token">{t.signIn.noToken}</h2>
        <pre>
          <code>{TOKEN_COMMAND}</code>
        </pre>
      </section>
      {demo.length > 0 ? (
        <section className="card" aria-labelledby="demo-sign-in">
          <h2 id="demo-sign-in">{t.signIn.demoTitle}</h2>
          <p>{t.signIn.demoIntro}</p>
          <form onSubmit={submitDemo}>
            <div className="field">
              <label htmlFor="demo-agency">{t.signIn.demoAgency}</label>
              <select
                id="demo-agency"
                value={demoAgency}
                onChange={(event) => setDemoAgency(event.target.value)}
              >
                {demo.map((agency) => (
                  <option key={agency.organCode} value={agency.organCode}>
                    {(language === 'en' && agency.englishName) || agency.name} ({agency.organCode})
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={busy}>
              {t.signIn.demoSubmit}
            </button>
          </form>
        </section>
      ) : null}
    </div>
  );
}
