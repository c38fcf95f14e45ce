// @ts-check

/**
 * Compliance findings (naming, tags, configuration drift, parity, digest drift, CloudFormation drift),
 * when each service was last evaluated, and the CloudFormation drift checks of each stack.
 * Documented in docs/compliance.md and docs/drift.md.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('compliance_findings', table => {
    table.comment(
      'What is out of line in a service: one row per finding, kept while the finding persists',
    );
    table.bigIncrements('id');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The service (catalog Component) ref');
    table.string('environment', 255).notNullable();
    table
      .string('kind', 32)
      .notNullable()
      .comment(
        'naming | tags | config-drift | parity | digest-drift | cloudformation-drift',
      );
    table
      .string('severity', 16)
      .notNullable()
      .comment('error | warning | info');
    table
      .text('resource')
      .notNullable()
      .comment('ARN or name of the resource concerned');
    table.string('rule', 128).notNullable();
    table
      .text('subject')
      .notNullable()
      .defaultTo('')
      .comment('Tag, key or property the rule is about; part of the identity');
    table.text('message').notNullable();
    table.text('expected').nullable();
    table.text('actual').nullable();
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('Since when the finding persists');
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'compliance_findings_entity_ref_idx');
    table.index(['kind', 'severity'], 'compliance_findings_kind_severity_idx');
  });

  await knex.schema.createTable('compliance_evaluations', table => {
    table.comment(
      'When each service was last evaluated, so a service without findings is known to be clean',
    );
    table.string('entity_ref', 255).primary();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('stack_drift_checks', table => {
    table.comment(
      'CloudFormation drift detection per stack: the last attempt and the last successful result',
    );
    table.string('account_id', 12).notNullable();
    table.string('region', 32).notNullable();
    table.string('stack_name', 255).notNullable();
    table.primary(['account_id', 'region', 'stack_name']);
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 255).notNullable();
    table.text('stack_id').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('checked | not-checked | failed (the last attempt)');
    table.timestamp('attempted_at', { useTz: true }).notNullable();
    table
      .text('reason')
      .nullable()
      .comment('Why the last attempt did not check the stack');
    table
      .timestamp('checked_at', { useTz: true })
      .nullable()
      .comment('When CloudFormation last checked it successfully');
    table.string('stack_drift_status', 16).nullable();
    table
      .text('resources')
      .nullable()
      .comment('JSON array of drifted resources of the last successful check');
    table.index(['entity_ref'], 'stack_drift_checks_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stack_drift_checks');
  await knex.schema.dropTable('compliance_evaluations');
  await knex.schema.dropTable('compliance_findings');
};
