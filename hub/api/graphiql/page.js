// The GraphiQL page's own script, served as a file so the page's policy can forbid inline script.
// A module: it runs once the page is parsed, after the React, ReactDOM and GraphiQL builds have set
// their globals.
/* global React, ReactDOM, GraphiQL */

const TOKEN_KEY = 'lienthong.graphiql.token';
const h = React.createElement;
const byId = (id) => document.getElementById(id);
const say = (message) => {
  byId('lt-status').textContent = message;
};

/** The headers editor's JSON with `Authorization` set to the token (or left for one to be pasted). */
function headersWith(text, token) {
  let headers = {};
  try {
    const parsed = JSON.parse(text || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed;
  } catch {
    // Not JSON (being edited): start again from the token alone.
  }
  const others = Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
  return JSON.stringify({ Authorization: `Bearer ${token ?? ''}`, ...others }, null, 2);
}

const newFetcher = () => GraphiQL.createFetcher({ url: 'graphql' });
const DEFAULT_QUERY = `# Lienthong hub. Every request carries an agency's access
# token: paste one above, pick a demo agency, or edit the
# Headers tab. A query for personal data names its purpose;
# the answer holds only what the agency's contract (and the
# citizen's consent, where needed) allows, and is recorded
# before it is sent. Run: Ctrl-Enter. Complete: Ctrl-Space.
#
# {
#   person(personalId: "<12-digit ID>", purpose: "tthc-1.001193") {
#     fullName
#     dateOfBirth
#     release { contractId consentId }
#   }
# }

{
  myContracts(dataset: "population") {
    id
    provider
    fields
    purposes
    consentRequired
  }
}
`;
const hasToken = (headersText) => /"authorization"\s*:\s*"bearer\s+[^\s"]/i.test(headersText);

/** GraphiQL, with a handle for the token form to set the Authorization header. */
function Explorer({ control, initialHeaders }) {
  const [headers, setHeaders] = React.useState(initialHeaders);
  const [fetcher, setFetcher] = React.useState(newFetcher);
  // No schema request before there is a token: the hub refuses every request without one.
  const [introspect, setIntrospect] = React.useState(() => hasToken(initialHeaders));
  const edited = React.useRef(initialHeaders);
  const refetch = React.useRef(false);
  React.useEffect(() => {
    // GraphiQL's own effects (which put new `headers` into its editor) run before this one: only
    // now fetch the schema again, with the new token.
    if (!refetch.current) return;
    refetch.current = false;
    setIntrospect(true);
    setFetcher(newFetcher);
  });
  control.setToken = (token) => {
    refetch.current = Boolean(token);
    setHeaders(headersWith(edited.current, token));
  };
  return h(GraphiQL, {
    fetcher,
    headers,
    defaultQuery: DEFAULT_QUERY,
    schema: introspect ? undefined : null,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
    onEditHeaders: (value) => {
      edited.current = value;
      if (hasToken(value)) setIntrospect(true);
    },
  });
}

const control = { setToken: () => {} };

function applyToken(token, message) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  byId('lt-token').value = token ?? '';
  control.setToken(token);
  say(message);
}

byId('lt-token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = byId('lt-token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  if (token) applyToken(token, 'Token set in the Authorization header.');
});
byId('lt-token-clear').addEventListener('click', () => applyToken(null, 'Token cleared.'));

/** Offers tokens of the demo agencies when the hub runs the demo helper (demo data, not production). */
async function offerDemoTokens() {
  const response = await fetch('graphiql/demo-agencies', { headers: { accept: 'application/json' } });
  if (!response.ok) return;
  const { agencies } = await response.json();
  const select = byId('lt-demo-agency');
  for (const agency of agencies) {
    for (const role of agency.roles) {
      const option = document.createElement('option');
      option.value = `${agency.organCode} ${role}`;
      option.textContent = `${agency.organCode} · ${role} · ${agency.name}`;
      select.append(option);
    }
  }
  const citizen = byId('lt-demo-citizen');
  const chosen = () => select.value.split(' ');
  const showCitizen = () => {
    citizen.hidden = chosen()[1] !== 'citizen-portal';
  };
  select.addEventListener('change', showCitizen);
  showCitizen();
  byId('lt-demo-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const [agency, role] = chosen();
    const body = { agency, role, ...(citizen.hidden ? {} : { citizenPid: citizen.value.trim() }) };
    say('Asking the hub for a demo token…');
    const minted = await fetch('graphiql/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await minted.json();
    if (!minted.ok) {
      say(`No demo token: ${answer.message}`);
      return;
    }
    const until = new Date(answer.expiresAt).toLocaleTimeString();
    applyToken(answer.token, `Demo token of ${agency} as ${role}, valid until ${until}.`);
  });
  byId('lt-demo-form').hidden = false;
}

const saved = sessionStorage.getItem(TOKEN_KEY);
byId('lt-token').value = saved ?? '';
say(saved ? 'Using the token kept for this tab.' : 'Paste an access token to query the API.');
ReactDOM.createRoot(byId('graphiql')).render(
  h(Explorer, { control, initialHeaders: headersWith('', saved) }),
);
offerDemoTokens().catch(() => say('Demo tokens are not available.'));
