/** What a second of model time costs, from the environment (the web and every worker read the same). */
export interface Pricing {
  cpuSecond: number;
  gpuSecond: number;
  currency: string;
}

/** Defaults in the range of on-demand cloud prices: about 0.036 an hour for a core, 1.80 for a GPU. */
export const DEFAULT_PRICING: Pricing = { cpuSecond: 0.00001, gpuSecond: 0.0005, currency: 'USD' };

function price(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw} is not a price; set it to a number of at least 0 (per second), e.g. ${fallback}`);
  return n;
}

/**
 * The prices in force: GATEWAY_PRICE_CPU_SECOND, GATEWAY_PRICE_GPU_SECOND and GATEWAY_CURRENCY
 * (an ISO 4217 code). Read when used, so a result is costed at the price of when it was written.
 */
export function readPricing(): Pricing {
  const currency = (process.env.GATEWAY_CURRENCY ?? DEFAULT_PRICING.currency).trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`GATEWAY_CURRENCY=${process.env.GATEWAY_CURRENCY} is not a currency code; set three letters, e.g. USD or EUR`);
  return {
    cpuSecond: price('GATEWAY_PRICE_CPU_SECOND', DEFAULT_PRICING.cpuSecond),
    gpuSecond: price('GATEWAY_PRICE_GPU_SECOND', DEFAULT_PRICING.gpuSecond),
    currency,
  };
}

/** Measured or estimated model time. */
export interface ModelTime {
  cpuSeconds: number;
  gpuSeconds: number;
}

export function costOf(t: ModelTime, p: Pricing): number {
  return t.cpuSeconds * p.cpuSecond + t.gpuSeconds * p.gpuSecond;
}
