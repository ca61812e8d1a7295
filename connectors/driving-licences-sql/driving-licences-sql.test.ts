import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';

connectorAcceptance({ name: 'driving-licences-sql', source: sqliteFixtureSource('driving-licences-sql') });
