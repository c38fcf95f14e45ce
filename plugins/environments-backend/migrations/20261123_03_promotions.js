// @ts-check

/**
 * Promotion requests and their approvals, rollbacks, the execution steps of both (each recorded before
 * and after it acts) and their history. Documented in docs/promotions.md.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotions', table => {
    table.comment(
      'Promotion requests: the state machine of moving one digest into the next environment',
    );
    table.string('id', 36).primary();
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The service (catalog Component) ref');
    table.string('source_environment', 255).notNullable();
    table.string('target_environment', 255).notNullable();
    table
      .text('skipped_environments')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of environment names');
    table
      .string('digest', 80)
      .notNullable()
      .comment('sha256:<hex>, fixed at request time');
    table.string('source_version', 32).notNullable();
    table.text('source_image_uri').nullable();
    table
      .text('image_uri')
      .notNullable()
      .comment('The target repository pinned by digest');
    table.string('target_account_id', 12).notNullable();
    table.string('target_region', 32).notNullable();
    table.string('target_function_name', 170).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment(
        'requested | approved | rejected | expired | cancelled | running | succeeded | failed | rolled-back',
      );
    table.text('status_reason').nullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.text('comment').nullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .string('executed_by', 255)
      .nullable()
      .comment('The user whose action started the execution');
    table.string('previous_version', 32).nullable();
    table.string('previous_digest', 80).nullable();
    table.string('published_version', 32).nullable();
    table.text('smoke_check_url').nullable();
    table
      .text('policy')
      .notNullable()
      .comment(
        'JSON: the approval rules as they were when the request was made',
      );
    table
      .text('window_override')
      .nullable()
      .comment('JSON: who overrode a closed window, when and why');
    table.text('warnings').notNullable().defaultTo('[]');
    table
      .string('lease_owner', 64)
      .nullable()
      .comment('The backend instance executing the request');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment(
        'Renewed while executing; an expired lease on a running request means its instance stopped',
      );
    table.index(
      ['entity_ref', 'target_environment'],
      'promotions_entity_target_idx',
    );
    table.index(['status'], 'promotions_status_idx');
  });

  await knex.schema.createTable('promotion_approvals', table => {
    table.comment(
      'Approvals and rejections of promotion requests, one per approver and request',
    );
    table.bigIncrements('id');
    table
      .string('promotion_id', 36)
      .notNullable()
      .references('id')
      .inTable('promotions')
      .onDelete('CASCADE');
    table.string('approver', 255).notNullable().comment('User entity ref');
    table.string('decision', 16).notNullable().comment('approved | rejected');
    table.text('comment').nullable();
    table.timestamp('decided_at', { useTz: true }).notNullable();
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment('When an approval stops counting');
    table.unique(['promotion_id', 'approver'], {
      indexName: 'promotion_approvals_unique_idx',
    });
  });

  await knex.schema.createTable('rollbacks', table => {
    table.comment('Rollbacks of a live alias to an earlier published version');
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 255).notNullable();
    table.string('target_account_id', 12).notNullable();
    table.string('target_region', 32).notNullable();
    table.string('target_function_name', 170).notNullable();
    table
      .string('from_version', 32)
      .notNullable()
      .comment('What was live before');
    table.string('from_digest', 80).nullable();
    table.string('to_version', 32).notNullable();
    table.string('to_digest', 80).nullable();
    table.text('to_image_uri').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running | succeeded | failed');
    table.text('status_reason').nullable();
    table.string('requested_by', 255).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.text('comment').nullable();
    table
      .string('alias_stack_name', 255)
      .nullable()
      .comment('The CloudFormation stack owning the alias');
    table.boolean('intentional_drift').notNullable().defaultTo(false);
    table
      .timestamp('drift_cleared_at', { useTz: true })
      .nullable()
      .comment('When a later promotion ended the intentional drift');
    table.text('warnings').notNullable().defaultTo('[]');
    table.index(
      ['target_account_id', 'target_region', 'target_function_name'],
      'rollbacks_function_idx',
    );
  });

  await knex.schema.createTable('promotion_steps', table => {
    table.comment(
      'Execution steps of promotions and rollbacks: inserted before acting, updated after',
    );
    table.bigIncrements('id');
    table
      .string('subject_type', 16)
      .notNullable()
      .comment('promotion | rollback');
    table.string('subject_id', 36).notNullable();
    table.integer('sequence').notNullable();
    table.string('name', 64).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('started | succeeded | failed');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.text('detail').nullable();
    table.text('error').nullable();
    table.index(['subject_type', 'subject_id'], 'promotion_steps_subject_idx');
  });

  await knex.schema.createTable('promotion_events', table => {
    table.comment('History of promotions and rollbacks: who did what when');
    table.bigIncrements('id');
    table
      .string('subject_type', 16)
      .notNullable()
      .comment('promotion | rollback');
    table.string('subject_id', 36).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('event', 32).notNullable();
    table.string('actor', 255).nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('detail').nullable();
    table.index(['subject_type', 'subject_id'], 'promotion_events_subject_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_events');
  await knex.schema.dropTable('promotion_steps');
  await knex.schema.dropTable('rollbacks');
  await knex.schema.dropTable('promotion_approvals');
  await knex.schema.dropTable('promotions');
};
