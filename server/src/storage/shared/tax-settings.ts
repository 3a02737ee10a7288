import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../clock';
import type { Database } from '../db/schema';
import type { TaxSettingsRepository } from '../port';
import type { TaxSettings } from '../../wire';

/**
 * Tax settings, one row per store holding the validated whole as JSON. Each method is ONE statement on either
 * engine; `set` is an upsert whose rows come from the store itself (`INSERT … SELECT … FROM stores WHERE id`), so an
 * unknown store writes nothing and answers false, and two concurrent saves leave one of them whole.
 */
export function createTaxSettingsRepository(db: Kysely<Database>, clock: Clock): TaxSettingsRepository {
  return {
    get: async (storeId) => {
      const row = await db.selectFrom('tax_settings').select('settings_json').where('store_id', '=', storeId).executeTakeFirst();
      return row ? (JSON.parse(row.settings_json) as TaxSettings) : null;
    },
    clear: async (storeId) => void (await db.deleteFrom('tax_settings').where('store_id', '=', storeId).execute()),
    set: async (storeId, settings) => {
      const json = JSON.stringify(settings);
      const now = clock.now();
      const r = await db
        .insertInto('tax_settings')
        .columns(['store_id', 'settings_json', 'updated_at'])
        .expression(
          db
            .selectFrom('stores')
            .select(['id', sql.val(json).as('s'), sql.val(now).as('t')])
            .where('id', '=', storeId),
        )
        .onConflict((oc) =>
          oc.column('store_id').doUpdateSet((eb) => ({ settings_json: eb.ref('excluded.settings_json'), updated_at: eb.ref('excluded.updated_at') })),
        )
        .executeTakeFirst();
      return r.numInsertedOrUpdatedRows === 1n;
    },
  };
}
