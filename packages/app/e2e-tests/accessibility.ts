/*
 * The accessibility scan of every page of the product: axe-core (through @axe-core/playwright) with its
 * default rules (WCAG 2.x A and AA, and best practices). A serious or critical violation fails the test;
 * every violation found is attached to the test as JSON. See docs/e2e.md.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, TestInfo } from '@playwright/test';

/**
 * Backstage's own chrome with violations we cannot fix from the plugin, each left out by the narrowest
 * selector that holds it. Our own markup is never excluded.
 */
export const UPSTREAM_EXCLUSIONS = [
  // @backstage/ui PluginHeader: its tabs (the scaffolder's Templates / Tasks) point aria-controls at tab
  // panels it never renders (critical: aria-valid-attr-value).
  '.bui-PluginHeader .bui-Tab',
  // The sidebar's Notifications item with an unread count: its aria-label "Notifications" leaves out the
  // count it shows (serious: label-content-name-mismatch).
  'nav[aria-label="sidebar nav"] a[href="/notifications"]',
  // The scaffolder's template cards: the "Show template entity details" icon button wraps a link with
  // no text (serious: nested-interactive, link-name).
  '[id^="viewDetail-template"]',
  // The scaffolder form's list of a field's errors under the field (react-jsonschema-form's
  // FieldErrorTemplate, `#root_<field>__error`): the theme's error red, under 4.5:1 on white in its small
  // text (serious: color-contrast). Our own field's label and help use the darker red.
  'form [id^="root_"][id$="__error"]',
  // The scaffolder's task page (a template's result): the log lines of core-components' LogViewer are
  // links with role row outside any table (critical: aria-required-parent, aria-required-children) in
  // colours under 4.5:1 (serious: color-contrast); its filter icon button has no name (critical:
  // button-name); the steps' determinate progress bar has no name (serious: aria-progressbar-name).
  'div:has(> a[href*="#line-"])',
  'button:has(+ button[aria-label="Download logs"])',
  '.MuiLinearProgress-determinate',
];

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Scans the page as it is now and fails on any serious or critical violation outside Backstage's
 * chrome, naming each rule and the elements it found; attaches the full results (`axe-<name>.json`).
 */
export async function expectAccessible(
  page: Page,
  testInfo: TestInfo,
  name: string,
) {
  let builder = new AxeBuilder({ page });
  for (const selector of UPSTREAM_EXCLUSIONS) {
    builder = builder.exclude(selector);
  }
  const results = await builder.analyze();
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(
      { url: results.url, violations: results.violations },
      null,
      2,
    ),
    contentType: 'application/json',
  });
  const blocking = results.violations
    .filter(violation => BLOCKING.has(violation.impact ?? ''))
    .map(
      violation =>
        `${violation.impact} ${violation.id} (${
          violation.help
        }): ${violation.nodes.map(node => node.target.join(' ')).join(', ')}`,
    );
  expect(blocking, `axe violations on ${name} (${results.url})`).toEqual([]);
}
