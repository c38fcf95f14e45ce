// @ts-check

/**
 * The configuration matrix: what was last read of each service's Parameter Store parameters and Secrets
 * Manager secret names, per environment. Never a secret value. Documented in docs/configuration-matrix.md.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('settings_snapshots', table => {
    table.comment(
      'Parameters (names, types, versions, non-secret values) and secret names of a service per environment',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The service (catalog Component) ref');
    table.string('environment', 255).notNullable();
    table
      .text('snapshot')
      .notNullable()
      .comment('JSON: paths, parameters, secretNames, error');
    table.timestamp('collected_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'environment']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('settings_snapshots');
};
