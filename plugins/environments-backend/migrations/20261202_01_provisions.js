// @ts-check

/**
 * New services whose environments the platform deployed (POST /provisions): one row per service,
 * recorded before the first stack is created and after each environment. Documented in docs/scaffolder.md.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_provisions', table => {
    table.comment(
      'Provisions of new services: the stacks the platform deployed for them',
    );
    table.string('id', 36).primary();
    table
      .string('entity_ref', 255)
      .notNullable()
      .unique()
      .comment(
        'The new service (catalog Component) ref; one provision per service',
      );
    table
      .string('status', 16)
      .notNullable()
      .comment('running | succeeded | failed');
    table.string('requested_by', 255).notNullable();
    table
      .text('request')
      .notNullable()
      .comment('JSON: project, component, owner, system, costCenter');
    table
      .text('environments')
      .notNullable()
      .comment(
        'JSON: per environment its stack, function, parameters, status and live version',
      );
    table
      .text('image')
      .notNullable()
      .comment('repository:tag of the initial image');
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_provisions');
};
