import { parseEntityRef } from '@backstage/catalog-model';

/** `team-checkout` for `group:default/team-checkout`; keeps the namespace when it is not the default. */
export function displayRef(ref: string | undefined): string {
  if (!ref) {
    return '';
  }
  try {
    const { namespace, name } = parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    // Not an entity ref: show it as the backend gave it.
    return ref;
  }
}
