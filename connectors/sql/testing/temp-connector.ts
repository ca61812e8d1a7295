import fs from 'node:fs';
import path from 'node:path';
import { CONNECTORS_DIR } from '../../kit/manifest.js';
import type { MappingSpec } from '../../kit/mapping.js';
import type { StreamManifest } from '../../kit/stream-source.js';

/**
 * Writes `<root>/<name>/` holding a copy of an existing connector's manifest and mapping with
 * the stream and mapping fields changed, for tests of manifests that are not in the repository.
 */
export function tempConnector(options: {
  root: string;
  name: string;
  from: string;
  stream?: (s: StreamManifest) => StreamManifest;
  fields?: (f: MappingSpec['fields']) => MappingSpec['fields'];
}): void {
  const source = path.join(CONNECTORS_DIR, options.from);
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'connector.json'), 'utf8'));
  const mapping = JSON.parse(fs.readFileSync(path.join(source, 'mapping.json'), 'utf8')) as MappingSpec;
  const dir = path.join(options.root, options.name);
  fs.mkdirSync(dir, { recursive: true });
  delete manifest.$schema;
  manifest.name = options.name;
  manifest.streams = manifest.streams.map(options.stream ?? ((s: StreamManifest) => s));
  mapping.fields = options.fields ? options.fields(mapping.fields) : mapping.fields;
  fs.writeFileSync(path.join(dir, 'connector.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'mapping.json'), JSON.stringify(mapping, null, 2));
}
