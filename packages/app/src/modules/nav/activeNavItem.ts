/**
 * The href of the one nav item that should look active at `pathname`: the longest href that is the path
 * or a parent of it. `/environments/approvals` has its own item, so Environments (`/environments`) does
 * not light up with it; `/environments/promotions/42` has none, so Environments does.
 */
export function activeNavHref(
  hrefs: string[],
  pathname: string,
): string | undefined {
  const path = pathname.replace(/\/+$/, '') || '/';
  return hrefs
    .filter(
      href => path === href || path.startsWith(href === '/' ? '/' : `${href}/`),
    )
    .sort((a, b) => b.length - a.length)[0];
}
