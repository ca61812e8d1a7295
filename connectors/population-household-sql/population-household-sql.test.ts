import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';

// Join behaviour (a household change re-reading its members, resuming inside a tie, the same on
// PostgreSQL, MariaDB and SQLite) is tested in connectors/sql/joins.int.test.ts.
connectorAcceptance({
  name: 'population-household-sql',
  source: sqliteFixtureSource('population-household-sql'),
  label: 'population-household-sql on SQLite',
});
