/**
 * ISBN-13: 978 or 979, then ten digits, the last a check digit (weights 1,3,1,3…, sum divisible
 * by 10). Hyphens and spaces are accepted on the way in and dropped.
 */
export const normalizeIsbn13 = (raw: string): string | undefined => {
  const digits = raw.replace(/[\s-]/g, "");
  if (!/^97[89]\d{10}$/.test(digits)) return undefined;
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return sum % 10 === 0 ? digits : undefined;
};

// The runtime's ICU list of ISO 4217 codes; pure data, no I/O.
const currencies = new Set(Intl.supportedValuesOf("currency"));
export const isCurrency = (code: string): boolean => currencies.has(code);

export const isPositiveCents = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

export const isBlank = (s: string): boolean => s.trim() === "";
