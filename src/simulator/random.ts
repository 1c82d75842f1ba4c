/** mulberry32's state advances by this constant at every draw. */
const STEP = 0x6d2b79f5;

/** A small seeded PRNG (mulberry32): the simulator's data is a pure function of its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The generator `seededRandom(seed)` becomes after `draws` draws, reached in one step: the state only
 * ever adds a constant, so a record that always takes the same number of draws can be made alone.
 */
export function seededRandomAfter(seed: number, draws: number): () => number {
  // ToInt32 of `draws` is its value mod 2^32, which is all the 32-bit product needs.
  return seededRandom((seed >>> 0) + Math.imul(draws | 0, STEP));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(random: () => number, length: number, alphabet = ID_ALPHABET): string {
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

const HEX = '0123456789abcdef';

/** A version-4-shaped UUID, as Datadog uses for users, roles, teams, incidents and downtimes. */
export function uuid(random: () => number): string {
  const h = (n: number) => randomId(random, n, HEX);
  return `${h(8)}-${h(4)}-4${h(3)}-${pick(random, ['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

/** A number in [0, 1) that depends only on `text`: values that must not change between requests. */
export function hashUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return seededRandom(h >>> 0)();
}

/** An integer in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * `random` for one record that must take exactly `draws` draws whatever it draws: `pad()` takes the
 * rest, so the next record starts at a known draw and any one can be made alone (`seededRandomAfter`).
 */
export function fixedDraws(random: () => number, draws: number): { random: () => number; pad: () => void } {
  let used = 0;
  return {
    random: () => {
      if (++used > draws) throw new Error(`a record took more than its ${draws} draws`);
      return random();
    },
    pad: () => {
      for (; used < draws; used++) random();
    },
  };
}
