/**
 * An E.164 number (`+33199001001`, as the API stores phones) written the way people of its
 * country write it in international form: `+33 1 99 00 10 01`, `+1 416-555-0100`,
 * `+44 20 7946 0958`. Countries we have no rule for get the code and the digits in groups of
 * three; anything that is not E.164 comes back as it was.
 */
export function formatPhone(e164: string): string {
  const compact = e164.replace(/[\s.()-]/g, '');
  if (!/^\+\d{6,15}$/.test(compact)) return e164;
  const digits = compact.slice(1);
  const rule = RULES.find((r) => digits.startsWith(r.code) && r.lengths.includes(digits.length - r.code.length));
  if (!rule) return `+${digits.slice(0, 2)} ${groups(digits.slice(2), [3, 3, 4])}`;
  return `+${rule.code} ${rule.write(digits.slice(rule.code.length))}`;
}

interface Rule {
  readonly code: string;
  /** How many digits may follow the country code. */
  readonly lengths: readonly number[];
  readonly write: (national: string) => string;
}

const RULES: readonly Rule[] = [
  // France: 1 99 00 10 01
  { code: '33', lengths: [9], write: (n) => groups(n, [1, 2, 2, 2, 2]) },
  // North America (Canada, United States): 416-555-0100
  { code: '1', lengths: [10], write: (n) => groups(n, [3, 3, 4], '-') },
  // United Kingdom: London 20 7946 0958, mobiles 7700 900123
  { code: '44', lengths: [10], write: (n) => (n.startsWith('2') ? groups(n, [2, 4, 4]) : groups(n, [4, 6])) },
  // Spain: 910 12 34 56
  { code: '34', lengths: [9], write: (n) => groups(n, [3, 2, 2, 2]) },
  // Italy: 06 1234 5678 (fixed lines keep their 0), mobiles 312 345 6789
  { code: '39', lengths: [10], write: (n) => (n.startsWith('0') ? groups(n, [2, 4, 4]) : groups(n, [3, 3, 4])) },
  // Germany: Berlin 30 1234567 (area codes vary; the two big cities' and otherwise 3 + rest)
  { code: '49', lengths: [9, 10, 11], write: (n) => (n.startsWith('30') || n.startsWith('40') ? groups(n, [2, 9]) : groups(n, [3, 8])) },
];

function groups(digits: string, sizes: readonly number[], separator = ' '): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  return parts.join(separator);
}
