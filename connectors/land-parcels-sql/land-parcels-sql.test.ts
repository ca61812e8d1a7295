import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';

connectorAcceptance({ name: 'land-parcels-sql', source: sqliteFixtureSource('land-parcels-sql') });
