/** The largest value a Postgres `integer` column holds: the upper bound of every stored count or limit. */
export const INT32_MAX = 2_147_483_647;
