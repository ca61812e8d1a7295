import fs from 'node:fs';
import path from 'node:path';
import { ConsoleNotBuiltError } from '../../kernel/errors/index.js';
import { WEB_MEDIA_TYPES, type WebAsset, webAsset } from '../../kernel/web-assets.js';
import { BUILD_COMMAND } from './bundle-files.js';

/** The built console as served: its page and its hashed assets, by file name. */
export interface LoadedBundle {
  page: WebAsset;
  assets: ReadonlyMap<string, WebAsset>;
}

const ASSET_NAME = /^[\w.-]+$/;

function read(dist: string): LoadedBundle | undefined {
  let page: Buffer;
  try {
    page = fs.readFileSync(path.join(dist, 'index.html'));
  } catch {
    return undefined;
  }
  const assets = new Map<string, WebAsset>();
  const folder = path.join(dist, 'assets');
  for (const name of fs.existsSync(folder) ? fs.readdirSync(folder) : []) {
    const type = WEB_MEDIA_TYPES[path.extname(name).slice(1)];
    if (!type || !ASSET_NAME.test(name)) continue;
    assets.set(name, webAsset(type, fs.readFileSync(path.join(folder, name))));
  }
  return { page: webAsset(WEB_MEDIA_TYPES.html!, page), assets };
}

/**
 * The console's bundle in `dist`, read into memory when first asked for and read again when its
 * page changes on disk (a new build while the hub runs): each request for the page looks at the
 * file's size and time. A missing build is `ConsoleNotBuiltError` (503, naming the command).
 */
export class ConsoleBundle {
  #loaded: LoadedBundle | undefined;
  #version = '';

  constructor(readonly dist: string) {}

  /** The bundle as it is on disk now. */
  current(): LoadedBundle {
    let version: string;
    try {
      const stat = fs.statSync(path.join(this.dist, 'index.html'));
      version = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      this.#loaded = undefined;
      this.#version = '';
      throw new ConsoleNotBuiltError(BUILD_COMMAND);
    }
    if (!this.#loaded || version !== this.#version) {
      this.#loaded = read(this.dist);
      this.#version = version;
    }
    if (!this.#loaded) throw new ConsoleNotBuiltError(BUILD_COMMAND);
    return this.#loaded;
  }

  /** One hashed asset; undefined when the bundle has no such file. */
  asset(name: string): WebAsset | undefined {
    const loaded = this.#loaded ?? this.current();
    return loaded.assets.get(name) ?? this.current().assets.get(name);
  }
}
