import { Entity } from '@backstage/catalog-model';
import {
  COMPONENT_ANNOTATION,
  EnvironmentDefinition,
  PROJECT_ANNOTATION,
  functionNameAnnotation,
} from '@internal/backstage-plugin-environments-common';

/** What the collector looks for in one environment, told to users when nothing was found. */
export interface EnvironmentSearch {
  environment: EnvironmentDefinition;
  functionName: string;
  /** `annotation` when `environments.io/function.<env>` names the function, else the naming convention. */
  nameFrom: 'annotation' | 'convention';
  project: string;
  component: string;
}

/**
 * Rebuilds, from the entity's annotations and the environments, the function names and tags the backend
 * searched: `{project}-{component}-{env short name}` unless an annotation names the function.
 */
export function searchedFor(
  entity: Entity,
  environments: EnvironmentDefinition[],
): EnvironmentSearch[] {
  const annotations = entity.metadata.annotations ?? {};
  const project = annotations[PROJECT_ANNOTATION] ?? '';
  const component = annotations[COMPONENT_ANNOTATION] ?? entity.metadata.name;
  return environments.map(environment => {
    const explicit = annotations[functionNameAnnotation(environment.name)];
    return {
      environment,
      functionName:
        explicit ?? `${project}-${component}-${environment.shortName}`,
      nameFrom: explicit ? 'annotation' : 'convention',
      project,
      component,
    };
  });
}
