import type { AdminClient, UsageSummaryResponse } from './admin-client';

/**
 * A key's usage totals read two ways: from the daily rollup (no range: whole days only) and from the
 * raw records (a range inside one day around `createdAt`, its record's time). The writer keeps both
 * equal, every figure included.
 */
export async function rollupAndRawTotals(
  admin: AdminClient,
  keyId: string,
  createdAt: string,
): Promise<{ rollup: UsageSummaryResponse['totals']; raw: UsageSummaryResponse['totals'] }> {
  const t = Date.parse(createdAt);
  const range = `&from=${new Date(t - 1).toISOString()}&to=${new Date(t + 1).toISOString()}`;
  const read = async (q: string) =>
    (await admin.request<UsageSummaryResponse>('GET', `/admin/usage/summary?key_id=${keyId}${q}`)).body
      .totals;
  return { rollup: await read(''), raw: await read(range) };
}
