import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';

connectorAcceptance({ name: 'business-registry-sql', source: sqliteFixtureSource('business-registry-sql') });
