// @ts-check

/**
 * Whether an approver held environments.promotion.execute when approving: the periodic sweep completes a
 * request that holds enough approvals only as such an approver (docs/promotions.md).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('promotion_approvals', table => {
    table
      .boolean('may_execute')
      .nullable()
      .comment(
        'Whether the approver held the execute permission when approving; null: not known (older rows)',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('promotion_approvals', table => {
    table.dropColumn('may_execute');
  });
};
