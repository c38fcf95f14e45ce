// @ts-check

/**
 * Rollbacks run on the step runner (docs/architecture.md): a lease held by the executing backend
 * instance, the alias revision the switch is guarded by (so another instance can resume it), and at
 * most one running rollback per function, which the database enforces across replicas.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollbacks', table => {
    table
      .string('lease_owner', 64)
      .nullable()
      .comment(
        'The backend instance executing the rollback; null until one claims it',
      );
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment(
        'Renewed while executing; an expired lease on a running rollback means its instance stopped',
      );
    table
      .string('live_revision_id', 64)
      .nullable()
      .comment(
        'The live alias revision read when planning: the switch is guarded by it',
      );
  });
  // Rollbacks left running by an older version (it ran them inside the request) cannot be resumed
  // from here on if two share a function: all but the newest are closed, saying so.
  const running = await knex('rollbacks')
    .where({ status: 'running' })
    .orderBy('requested_at', 'desc');
  const seen = new Set();
  for (const row of running) {
    const key = `${row.target_account_id}/${row.target_region}/${row.target_function_name}`;
    if (seen.has(key)) {
      await knex('rollbacks').where({ id: row.id }).update({
        status: 'failed',
        status_reason:
          'Interrupted before its result was recorded, and a later rollback of the function followed',
      });
    }
    seen.add(key);
  }
  await knex.raw(
    `CREATE UNIQUE INDEX rollbacks_one_running_idx ON rollbacks
       (target_account_id, target_region, target_function_name) WHERE status = 'running'`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX rollbacks_one_running_idx');
  await knex.schema.alterTable('rollbacks', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('lease_expires_at');
    table.dropColumn('live_revision_id');
  });
};
