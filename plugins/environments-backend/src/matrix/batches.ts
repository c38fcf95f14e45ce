import { Knex } from 'knex';

/** Entity refs per `where in` list, well below every database's bound-parameter limit. */
export const REFS_PER_QUERY = 500;

/** `items` in consecutive slices of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/**
 * Deletes the rows of every service not in `keep` from `tables` (each has an `entity_ref` column),
 * a few hundred services per transaction, each service's rows together.
 */
export async function removeServicesExcept(
  db: Knex,
  tables: string[],
  keep: string[],
): Promise<void> {
  const keepSet = new Set(keep);
  const [first, ...others] = tables;
  let stored = db.select('entity_ref').from(first);
  for (const table of others) {
    stored = stored.union(qb => qb.select('entity_ref').from(table));
  }
  const departed = (await stored)
    .map((row: { entity_ref: string }) => row.entity_ref)
    .filter(ref => !keepSet.has(ref));
  for (const refs of chunk(departed, REFS_PER_QUERY)) {
    await db.transaction(async tx => {
      for (const table of tables) {
        await tx(table).whereIn('entity_ref', refs).delete();
      }
    });
  }
}
