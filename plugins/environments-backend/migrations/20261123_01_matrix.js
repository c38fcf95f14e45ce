// @ts-check

/**
 * The environment matrix: what each service runs in each environment (its last known state), every
 * digest that ran there (seen live, or published as a version of its function), and one row per service
 * with a precomputed summary for the fleet view.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environment_state', table => {
    table.comment('The last known state of one service in one environment');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The catalog Component, e.g. component:default/checkout-api');
    table
      .string('environment', 63)
      .notNullable()
      .comment('The environment name, e.g. prod');
    table.string('status', 16).notNullable().comment('ok | missing | unknown');
    table
      .text('functions')
      .notNullable()
      .comment('JSON array of FunctionResource');
    table
      .string('digest', 255)
      .nullable()
      .comment("The primary function's live digest");
    table.string('digest_kind', 8).nullable().comment('image | zip');
    table.string('live_version', 64).nullable();
    table
      .timestamp('deployed_at', { useTz: true })
      .nullable()
      .comment('When the live version was published');
    table
      .timestamp('refreshed_at', { useTz: true })
      .nullable()
      .comment('When this state was last collected successfully');
    table
      .boolean('stale')
      .notNullable()
      .defaultTo(false)
      .comment('The last attempt failed; this is the last known state');
    table
      .text('error')
      .nullable()
      .comment('The error of the last failed attempt');
    table
      .timestamp('error_at', { useTz: true })
      .nullable()
      .comment('When the last attempt failed');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['entity_ref', 'environment']);
  });

  await knex.schema.createTable('digest_history', table => {
    table.comment(
      'Every digest that ran in an environment of a service: seen behind the live alias, or published as a version',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('digest', 255).notNullable();
    table.string('digest_kind', 8).notNullable();
    table
      .string('version', 64)
      .nullable()
      .comment(
        'The live version it was last seen as; for a digest known from published versions only, its latest version',
      );
    table.text('image_uri').nullable();
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment(
        "When it first ran there: its first publication there (the account's own clock), kept once recorded",
      );
    table
      .timestamp('last_seen_at', { useTz: true })
      .notNullable()
      .comment(
        'The last refresh that found it live; for a digest known from versions only, when the next version replaced it',
      );
    table.unique(['entity_ref', 'environment', 'digest'], {
      indexName: 'digest_history_entity_environment_digest_idx',
    });
  });

  await knex.schema.createTable('service', table => {
    table.comment(
      'A service of the fleet with its precomputed summary, so the fleet view is one query',
    );
    table.string('entity_ref', 255).primary();
    table.text('title').nullable();
    table
      .string('owner', 255)
      .nullable()
      .comment('Entity ref of the owner, e.g. group:default/team-checkout');
    table
      .string('system', 255)
      .nullable()
      .comment('Entity ref of the system, e.g. system:default/shop');
    table
      .text('search_text')
      .notNullable()
      .comment('Lower-cased entity ref and title, for search');
    table.text('summary').notNullable().comment('JSON FleetServiceSummary');
    table.boolean('needs_promotion').notNullable().defaultTo(false);
    table.boolean('has_unpromoted_artifact').notNullable().defaultTo(false);
    table.boolean('stale').notNullable().defaultTo(false);
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['owner'], 'service_owner_idx');
    table.index(['system'], 'service_system_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service');
  await knex.schema.dropTable('digest_history');
  await knex.schema.dropTable('environment_state');
};
