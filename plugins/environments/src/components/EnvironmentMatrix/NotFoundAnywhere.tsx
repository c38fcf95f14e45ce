import { Entity } from '@backstage/catalog-model';
import { EmptyState } from '@backstage/core-components';
import {
  EnvironmentDefinition,
  functionNameAnnotation,
} from '@internal/backstage-plugin-environments-common';
import Typography from '@material-ui/core/Typography';
import { ReactElement } from 'react';
import { searchedFor } from './searchedFor';

/** Says that a service runs nowhere, and exactly what was searched in every environment. */
export function NotFoundAnywhere(props: {
  entity: Entity;
  environments: EnvironmentDefinition[];
  action?: ReactElement;
}) {
  const { entity, environments, action } = props;
  const searches = searchedFor(entity, environments);
  const component = searches[0]?.component ?? entity.metadata.name;
  return (
    <EmptyState
      missing="info"
      title={`${component} was not found in any environment`}
      // EmptyState puts the description in a paragraph: the list goes with the action, in a block.
      description="No Lambda function was found for this service. The collector searched:"
      action={
        <>
          <ul>
            {searches.map(search => (
              <li key={search.environment.name}>
                <Typography variant="body2" component="span">
                  <strong>{search.environment.title}</strong>: a function named{' '}
                  <code>{search.functionName}</code>{' '}
                  {search.nameFrom === 'annotation'
                    ? `(annotation ${functionNameAnnotation(
                        search.environment.name,
                      )})`
                    : '(naming convention {project}-{component}-{env})'}
                  , or tagged Project={search.project}, Component=
                  {search.component}, Environment=
                  {search.environment.shortName}
                  {search.environment.longName !== search.environment.shortName
                    ? ` or ${search.environment.longName}`
                    : ''}
                  , in{' '}
                  {search.environment.locations
                    .map(l => `${l.accountId}/${l.region}`)
                    .join(', ') || 'no configured location'}
                </Typography>
              </li>
            ))}
          </ul>
          {action}
        </>
      }
    />
  );
}
