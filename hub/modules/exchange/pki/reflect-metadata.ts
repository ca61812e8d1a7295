/**
 * @peculiar/x509 finds its algorithms through tsyringe, which refuses to load without the
 * reflect-metadata API. tsyringe only stores and reads values by key and target (no emitted
 * design types reach it from the compiled package), so the three functions below are all it needs.
 * They are defined only when no reflect-metadata polyfill is loaded; `x509.ts` imports this file
 * before the library.
 */
type Property = string | symbol | undefined;

interface MetadataApi {
  defineMetadata(key: unknown, value: unknown, target: object, property?: Property): void;
  getOwnMetadata(key: unknown, target: object, property?: Property): unknown;
  getMetadata(key: unknown, target: object, property?: Property): unknown;
}

const reflect = Reflect as typeof Reflect & Partial<MetadataApi>;

if (typeof reflect.getMetadata !== 'function') {
  const stored = new WeakMap<object, Map<Property, Map<unknown, unknown>>>();
  const own = (target: object, property: Property) => stored.get(target)?.get(property);
  const api: MetadataApi = {
    defineMetadata(key, value, target, property) {
      const byProperty = stored.get(target) ?? new Map<Property, Map<unknown, unknown>>();
      stored.set(target, byProperty);
      const values = byProperty.get(property) ?? new Map<unknown, unknown>();
      byProperty.set(property, values);
      values.set(key, value);
    },
    getOwnMetadata: (key, target, property) => own(target, property)?.get(key),
    getMetadata(key, target, property) {
      for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
        const values = own(t, property);
        if (values?.has(key)) return values.get(key);
      }
      return undefined;
    },
  };
  Object.assign(reflect, api);
}
