// The metadata API tsyringe needs must exist before @peculiar/x509 loads (a separate import chunk,
// so import sorting keeps it first). Import the library through this file only.
import './reflect-metadata.js';
import * as x509 from '@peculiar/x509';

export { x509 };
